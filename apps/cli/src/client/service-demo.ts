// The service end to end, as a user or CI sees it: start the stack (scripts/start.mjs), then
// through the REST API only — upload the model files, submit the deployment, run validate +
// benchmark on this host, follow the run's log live — and summarize the results; the stack is
// stopped whatever happens. Used by scripts/demo-service.mjs (npm run demo) and test/demo.test.ts.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiClient, ApiRequestError } from './api-client.js';
import type { ApiDevice, ApiRun } from '@mace/protocol';
import { submitDeploymentFile } from './deployment-upload.js';
import { startLocalStack, type LocalStack } from './local-stack.js';
import { followRunWithProgress } from './run-follow.js';
import { formatSeconds, RunProgress } from './run-progress.js';
import { buildRunSummary, formatRunSummary, type RunSummary } from './run-summary.js';

export interface ServiceDemoOptions {
  /** The repository root. */
  root: string;
  /** The deployment file to submit; the files it names are uploaded. */
  deploymentFile: string;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  artifactDir: string;
  /** The stack's output (default <artifactDir>/../stack.log). */
  stackLog?: string;
  /** Timed benchmark runs (default 20). */
  round?: number;
  /** Also write the summary here as JSON. */
  jsonFile?: string;
  /** The virtual farm's devices (apps/farm) for the agent to own besides the host. */
  farm?: { adbServer: string; devicesFile: string; serials: string[] };
  /** Give up on the run after this long (default 30 min: a build may compile first). */
  runTimeoutMs?: number;
  out?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface DemoSummary extends RunSummary {
  deployment: { id: string; libraryName: string; file: string };
  uploads: { file: string; sha256: string; size: number; created: boolean }[];
  service: { baseUrl: string; database: string; queuePrefix: string; artifactDir: string };
}

/** A step that failed; the message says which and why (with the API's error body). */
export class DemoError extends Error {
  constructor(
    step: string,
    override readonly cause: unknown,
  ) {
    super(`${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DemoError';
  }

  /** The API refused a request (4xx): its error body says why; the service itself is fine. */
  get refusedByApi(): boolean {
    return this.cause instanceof ApiRequestError && this.cause.status >= 400 && this.cause.status < 500;
  }
}

/** The run ended failed, errored or cancelled (its summary was printed). */
export class RunNotSucceededError extends Error {
  constructor(readonly run: ApiRun) {
    super(`run ${run.id} ended ${run.status}: ${run.reason ?? 'no reason given'}`);
    this.name = 'RunNotSucceededError';
  }
}

const MiB = 1024 * 1024;

/** A path relative to the repository when it lies inside it, else absolute. */
const shortPath = (root: string, p: string): string => {
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
};

/** postgresql://user:secret@host/db → postgresql://user:***@host/db */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

export async function runServiceDemo(options: ServiceDemoOptions): Promise<DemoSummary> {
  const out = options.out ?? process.stdout;
  const tty = out.isTTY === true;
  const step = (title: string): void => void out.write(tty ? `\n\x1b[1m== ${title}\x1b[0m\n` : `\n== ${title}\n`);
  const note = (text: string): void => void out.write(`   ${text}\n`);
  const attempt = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw new DemoError(what, err);
    }
  };
  const stackLog = options.stackLog ?? path.join(path.dirname(options.artifactDir), 'stack.log');
  const adminToken = `demo-admin-${randomBytes(18).toString('hex')}`;

  step('service: api + worker + agent (scripts/start.mjs)');
  note(
    `database ${redactUrl(options.databaseUrl)}, queue prefix ${options.queuePrefix}, artifacts ${shortPath(options.root, options.artifactDir)}`,
  );
  const startedAt = Date.now();
  const stack: LocalStack = await attempt('starting the service', () =>
    startLocalStack({
      root: options.root,
      logFile: stackLog,
      env: {
        DATABASE_URL: options.databaseUrl,
        REDIS_URL: options.redisUrl,
        MACE_QUEUE_PREFIX: options.queuePrefix,
        ARTIFACT_DIR: options.artifactDir,
        MACE_ADMIN_TOKEN: adminToken,
        ...(options.farm
          ? { MACE_ADB_SERVER: options.farm.adbServer, MACE_DEVICES_FILE: options.farm.devicesFile }
          : {}),
        // the API's request log would bury the worker's and agent's lines in the stack's output
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
    }),
  );
  note(
    `API ${stack.baseUrl} ready in ${formatSeconds(Date.now() - startedAt)} (output: ${shortPath(options.root, stackLog)})`,
  );

  let failure: unknown;
  let summary: DemoSummary | undefined;
  try {
    summary = await drive(stack, options, adminToken, { out, tty, step, note, attempt, startedAt });
  } catch (err) {
    failure = err;
  }
  step('stopping the service');
  const code = await stack.stop();
  note(code === 0 ? 'stopped cleanly' : `stopped with exit status ${code}; see ${stackLog}`);
  if (failure) {
    const serviceTrouble =
      !(failure instanceof RunNotSucceededError) && !(failure instanceof DemoError && failure.refusedByApi);
    if (serviceTrouble) out.write(`\nlast lines of the service's output (${stackLog}):\n${stack.logTail(20)}\n`);
    throw failure;
  }
  return summary!;
}

interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  tty: boolean;
  step(title: string): void;
  note(text: string): void;
  attempt<T>(what: string, work: () => Promise<T>): Promise<T>;
  startedAt: number;
}

async function drive(stack: LocalStack, options: ServiceDemoOptions, token: string, io: Io): Promise<DemoSummary> {
  const { note, step, attempt } = io;
  const client = new ApiClient(stack.baseUrl, token);

  const host = await attempt('waiting for the host agent', () => waitForHostDevice(client, io.startedAt));
  const farmDevices = await attempt("waiting for the farm's devices", () =>
    waitForDevices(client, options.farm?.serials ?? []),
  );
  const targets = [host, ...farmDevices];
  for (const d of targets)
    note(`${d.kind} device ${d.serial} (abis ${d.abis.join(', ')}${d.soc ? `, ${d.soc}` : ''}) is ${d.state}`);

  step('upload + deployment (POST /v1/models, POST /v1/deployments)');
  const submitted = await attempt(`submitting ${path.relative(options.root, options.deploymentFile)}`, () =>
    submitDeploymentFile(client, options.deploymentFile, (u) =>
      note(
        `${path.basename(u.file).padEnd(24)} ${(u.size / MiB).toFixed(1).padStart(6)} MiB  sha256 ${u.sha256.slice(0, 12)}…  ${u.created ? 'uploaded' : 'already stored (deduplicated)'}`,
      ),
    ),
  );
  const { deployment } = submitted;
  note(
    `deployment ${deployment.id}: library ${deployment.libraryName}, ${deployment.models.map((m) => `${m.tag} → sha256:${m.sha256.slice(0, 12)}…`).join(', ')}`,
  );
  for (const w of deployment.warnings) note(`warning: ${w.path}: ${w.message}`);

  const round = options.round ?? 20;
  const where = targets.length === 1 ? host.serial : `${targets.length} devices`;
  step(`run: validate + benchmark on ${where} (round ${round})`);
  const created = await attempt('submitting the run (POST /v1/runs)', () =>
    client.createRun({
      deploymentId: deployment.id,
      actions: ['validate', 'benchmark'],
      devices: { ids: targets.map((d) => d.id) },
      options: { round },
    }),
  );
  note(`run ${created.id}: ${created.jobs.length} jobs, following GET /v1/runs/${created.id}/logs`);
  const devices = new Map<string, ApiDevice>(targets.map((d) => [d.id, d]));
  const progress = new RunProgress(io.out, { live: io.tty, deviceName: (id) => devices.get(id)?.serial });
  progress.update(created);
  const run = await attempt('following the run', () =>
    followRunWithProgress(client, created.id, progress, options.runTimeoutMs ?? 30 * 60_000),
  );

  step('summary');
  const results = await attempt(`reading the results (GET /v1/runs/${run.id}/results)`, () =>
    client.getRunResults(run.id),
  );
  for (const id of new Set(run.jobs.map((j) => j.deviceId).filter((d): d is string => d !== null && !devices.has(d))))
    devices.set(id, await attempt(`reading device ${id}`, () => client.getDevice(id)));
  const summary: DemoSummary = {
    service: {
      baseUrl: stack.baseUrl,
      database: redactUrl(options.databaseUrl),
      queuePrefix: options.queuePrefix,
      artifactDir: options.artifactDir,
    },
    uploads: submitted.uploads.map((u) => ({ ...u, file: path.basename(u.file) })),
    deployment: {
      id: deployment.id,
      libraryName: deployment.libraryName,
      file: path.relative(options.root, options.deploymentFile),
    },
    ...buildRunSummary(run, results, devices),
  };
  io.out.write(formatRunSummary(summary));
  if (options.jsonFile) {
    await mkdir(path.dirname(path.resolve(options.jsonFile)), { recursive: true });
    await writeFile(options.jsonFile, `${JSON.stringify(summary, null, 2)}\n`);
    io.out.write(`\nsummary written to ${options.jsonFile}\n`);
  }
  if (run.status !== 'succeeded') throw new RunNotSucceededError(run);
  return summary;
}

/** This stack's agent registers the host in the database when it starts: wait for a fresh heartbeat. */
async function waitForHostDevice(client: ApiClient, since: number, timeoutMs = 60_000): Promise<ApiDevice> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await client.listDevices({ kind: 'host', state: 'available', limit: '100' });
    const fresh = page.items
      .filter((d) => d.lastHeartbeatAt && Date.parse(d.lastHeartbeatAt) >= since - 1000)
      .sort((a, b) => Date.parse(b.lastHeartbeatAt!) - Date.parse(a.lastHeartbeatAt!));
    if (fresh.length > 0) return fresh[0];
    if (Date.now() > deadline)
      throw new Error(`no host device came online within ${timeoutMs / 1000} s (did the agent start?)`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Waits until every serial is an available device (the agent attaches them as it finds them). */
async function waitForDevices(client: ApiClient, serials: string[], timeoutMs = 120_000): Promise<ApiDevice[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await client.listDevices({ state: 'available', limit: '100' });
    const found = serials.map((s) => page.items.find((d) => d.serial === s));
    if (found.every((d) => d !== undefined)) return found;
    if (Date.now() > deadline)
      throw new Error(
        `the agent did not attach ${serials.filter((_, i) => !found[i]).join(', ')} within ${timeoutMs / 1000} s`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}
