// submitRun: a request → a Run with its planned Job rows and dependencies in one transaction,
// then the jobs without dependencies handed to their queues. The same idempotency key from the
// same creator returns the run created first.
import { createHash } from 'node:crypto';
import { ConfigError, parseDeployment, type DeploymentConfig } from '@mace/config';
import { Prisma, type Db, type Run } from '@mace/db';
import type { DeviceSelector, JobKind, RunOptions } from '@mace/protocol';
import { checkSelector, matchDevices } from './devices.js';
import { RunInputError } from './errors.js';
import { emitRunEvent, runEventFor } from './events.js';
import { appendRunLog } from './logs.js';
import { checkOptions, checkTune, expandActions, needsDevices, planJobs, type PlannedJob } from './plan.js';
import { enqueueJob, type Queues } from './queues.js';

export interface SubmitRunInput {
  deploymentId: string;
  actions: JobKind[];
  deviceSelector?: DeviceSelector;
  options?: RunOptions;
  idempotencyKey?: string;
  createdById?: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A job's idempotency key: the hash of its inputs, scoped to its run. */
export function jobIdempotencyKey(runId: string, job: PlannedJob): string {
  const inputs = {
    runId,
    kind: job.kind,
    modelTag: job.modelTag,
    modelSha256: job.payload.modelSha256 ?? null,
    abi: job.abi,
    deviceId: job.deviceId,
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

async function findExisting(db: Db, key: string, createdById: string | null): Promise<Run | null> {
  return db.run.findFirst({ where: { idempotencyKey: key, createdById }, orderBy: { createdAt: 'asc' } });
}

function parseConfig(yaml: string, deploymentId: string): DeploymentConfig {
  try {
    return parseDeployment(yaml);
  } catch (err) {
    if (err instanceof ConfigError)
      throw new RunInputError(
        `deployment ${deploymentId} no longer parses: ${err.message}; upload it again`,
        'deploymentId',
      );
    throw err;
  }
}

export async function submitRun(db: Db, queues: Queues, input: SubmitRunInput): Promise<Run> {
  if (typeof input.deploymentId !== 'string' || !UUID_RE.test(input.deploymentId))
    throw new RunInputError(
      `deploymentId must be a deployment's id (a UUID), got ${JSON.stringify(input.deploymentId)}`,
      'deploymentId',
    );
  if (
    input.idempotencyKey !== undefined &&
    (typeof input.idempotencyKey !== 'string' || !input.idempotencyKey || input.idempotencyKey.length > 200)
  )
    throw new RunInputError('idempotencyKey must be a string of 1 to 200 characters', 'idempotencyKey');
  const createdById = input.createdById ?? null;
  if (input.idempotencyKey) {
    const existing = await findExisting(db, input.idempotencyKey, createdById);
    if (existing) return existing;
  }
  const requested = [...new Set(input.actions)] as JobKind[];
  const actions = expandActions(input.actions);
  const selector = checkSelector(input.deviceSelector);
  const options = checkOptions(input.options);

  const deployment = await db.deployment.findUnique({
    where: { id: input.deploymentId },
    include: { models: { include: { modelFile: { select: { sha256: true } } } } },
  });
  if (!deployment) throw new RunInputError(`deployment ${input.deploymentId} does not exist`, 'deploymentId', 404);
  const config = parseConfig(deployment.yaml, deployment.id);
  const models = config.models.map((m) => ({
    tag: m.tag,
    sha256: deployment.models.find((dm) => dm.modelTag === m.tag && dm.role === 'model')?.modelFile.sha256 ?? null,
    runtime: m.runtime,
  }));
  // Before the devices: "no device matches" would hide that tune has nothing to tune.
  checkTune(actions, models);
  const devices = needsDevices(actions, models) ? await matchDevices(db, selector, config.targetAbis) : [];
  const plan = planJobs({
    actions,
    models,
    targetAbis: config.targetAbis,
    devices: devices.map((d) => ({ id: d.device.id, abi: d.abi })),
    options,
  });

  let run: Run;
  try {
    run = await db.$transaction(async (tx) => {
      const created = await tx.run.create({
        data: {
          deploymentId: deployment.id,
          actions: requested,
          deviceSelector: selector as Prisma.InputJsonValue,
          options: options as Prisma.InputJsonValue,
          idempotencyKey: input.idempotencyKey ?? null,
          createdById,
          ...(plan.length === 0 ? { status: 'succeeded', reason: 'nothing to do', finishedAt: new Date() } : {}),
        },
      });
      const ids = new Map<string, string>();
      for (const job of plan) {
        const row = await tx.job.create({
          data: {
            runId: created.id,
            kind: job.kind,
            status: job.dependsOn.length ? 'pending' : 'queued',
            idempotencyKey: jobIdempotencyKey(created.id, job),
            deviceId: job.deviceId,
            abi: job.abi,
            modelTag: job.modelTag,
            payload: job.payload as Prisma.InputJsonValue,
          },
          select: { id: true },
        });
        ids.set(job.key, row.id);
      }
      const links = plan.flatMap((job) =>
        job.dependsOn.map((dep) => ({ jobId: ids.get(job.key)!, dependsOnId: ids.get(dep)! })),
      );
      if (links.length) await tx.jobDependency.createMany({ data: links });
      return created;
    });
  } catch (err) {
    // Two identical requests at once: the unique (created_by_id, idempotency_key) index picks one.
    if (input.idempotencyKey && err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      const existing = await findExisting(db, input.idempotencyKey, createdById);
      if (existing) return existing;
    }
    throw err;
  }

  await emitRunEvent(runEventFor(null, run), run);
  const ready = await db.job.findMany({ where: { runId: run.id, status: 'queued' }, orderBy: { createdAt: 'asc' } });
  try {
    for (const job of ready) await enqueueJob(queues, job);
  } catch (err) {
    // The rows are committed: a worker's reconciliation queues them once the queue is reachable.
    await appendRunLog(
      db,
      run.id,
      `could not reach the queue (${String(err)}); the jobs will be queued by the next reconciliation`,
    );
  }
  return run;
}
