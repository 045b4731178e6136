// A round trip through the main relations against a real PostgreSQL — user → token → model
// files → deployment → run → jobs (with dependencies and logs) → device → benchmark result with
// per-op rows → validation results → artifacts → webhook deliveries — and the constraints the
// services rely on, enforced by the database itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createToken, Prisma, type Db } from '@mace/db';
import { getTestServices, type TestServices } from '../../../test/helpers/services.js';

let services: TestServices;
let db: Db;

beforeAll(async () => {
  services = await getTestServices({ redis: false });
  db = createDb(services.databaseUrl);
});

afterAll(async () => {
  await db?.close();
  await services?.cleanup();
});

const sha = (c: string): string => c.repeat(64).slice(0, 64);

async function prismaCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError) return err.code;
    throw err;
  }
}

describe('round trip', () => {
  it('user → token → model files → deployment → run → jobs → results → artifacts', async () => {
    const user = await db.user.create({ data: { name: 'bob', email: 'bob@example.com' } });
    const token = await createToken(db, { name: 'laptop', scope: 'user', userId: user.id });

    const graph = await db.modelFile.create({
      data: {
        sha256: sha('a'),
        size: 5_000_000_000n,
        originalFilename: 'mobilenet.onnx',
        storageKey: `blobs/${sha('a')}`,
        createdById: user.id,
      },
    });
    const weights = await db.modelFile.create({
      data: {
        sha256: sha('b'),
        size: 1234n,
        originalFilename: 'mobilenet.data',
        storageKey: `blobs/${sha('b')}`,
        createdById: user.id,
      },
    });

    const deployment = await db.deployment.create({
      data: {
        libraryName: 'mobilenet',
        yaml: 'library_name: mobilenet\n',
        config: { library_name: 'mobilenet', target_abis: ['arm64-v8a'], models: { mobilenet_v1: { runtime: 'cpu' } } },
        createdById: user.id,
        models: {
          create: [
            { modelTag: 'mobilenet_v1', role: 'model', modelFileId: graph.id },
            { modelTag: 'mobilenet_v1', role: 'weights', modelFileId: weights.id },
          ],
        },
      },
    });

    const device = await db.device.create({
      data: {
        serial: 'emulator-5554',
        kind: 'android',
        abis: ['arm64-v8a', 'armeabi-v7a'],
        soc: 'sdm845',
        model: 'Pixel 3',
        state: 'available',
        properties: { battery: 87, temperatureC: 31.5, opencl: { version: 'OpenCL 2.0', driver: 'Adreno 630' } },
      },
    });

    const run = await db.run.create({
      data: {
        deploymentId: deployment.id,
        actions: ['convert', 'build', 'validate', 'benchmark'],
        deviceSelector: { ids: [device.id] },
        options: { rounds: 10 },
        idempotencyKey: 'ci-build-4711',
        createdById: user.id,
      },
    });
    expect(run.status).toBe('queued');
    expect(run.actions).toEqual(['convert', 'build', 'validate', 'benchmark']);

    const convert = await db.job.create({
      data: {
        runId: run.id,
        kind: 'convert',
        idempotencyKey: `${run.id}:convert`,
        modelTag: 'mobilenet_v1',
        status: 'queued',
      },
    });
    const build = await db.job.create({
      data: {
        runId: run.id,
        kind: 'build',
        abi: 'arm64-v8a',
        idempotencyKey: `${run.id}:build:arm64-v8a`,
        dependsOn: { create: [{ dependsOnId: convert.id }] },
      },
    });
    const benchmark = await db.job.create({
      data: {
        runId: run.id,
        kind: 'benchmark',
        abi: 'arm64-v8a',
        deviceId: device.id,
        modelTag: 'mobilenet_v1',
        idempotencyKey: `${run.id}:benchmark:${device.id}`,
        payload: { rounds: 10, threads: 4 },
        dependsOn: { create: [{ dependsOnId: build.id }] },
      },
    });
    const validate = await db.job.create({
      data: {
        runId: run.id,
        kind: 'validate',
        deviceId: device.id,
        modelTag: 'mobilenet_v1',
        idempotencyKey: `${run.id}:validate:${device.id}`,
        dependsOn: { create: [{ dependsOnId: build.id }] },
      },
    });

    // Logs: the bigserial id orders lines and is the SSE resume cursor.
    await db.jobLog.createMany({
      data: [
        { runId: run.id, jobId: convert.id, stream: 'system', text: 'convert started' },
        { runId: run.id, jobId: convert.id, stream: 'stdout', text: 'Conv2D ×27' },
        { runId: run.id, jobId: build.id, stream: 'stderr', text: 'warning: unused variable' },
      ],
    });
    const logs = await db.jobLog.findMany({ where: { runId: run.id }, orderBy: { id: 'asc' } });
    expect(logs.map((l) => l.text)).toEqual(['convert started', 'Conv2D ×27', 'warning: unused variable']);
    expect(typeof logs[0].id).toBe('bigint');
    const after = await db.jobLog.findMany({
      where: { runId: run.id, id: { gt: logs[0].id } },
      orderBy: { id: 'asc' },
    });
    expect(after).toHaveLength(2);

    const macs = 568_740_000_000n; // beyond 32 bits
    const result = await db.benchmarkResult.create({
      data: {
        jobId: benchmark.id,
        runId: run.id,
        deviceId: device.id,
        modelTag: 'mobilenet_v1',
        initMs: 41.2,
        firstMs: 12.5,
        minMs: 9.8,
        medianMs: 10.1,
        p90Ms: 10.9,
        p99Ms: 12.0,
        maxMs: 12.3,
        meanMs: 10.3,
        stdMs: 0.42,
        count: 10,
        peakRssKb: 48_312,
        macs,
        threads: 4,
        raw: { model: 'mobilenet.pb', threads: 4 },
        ops: {
          create: [
            {
              index: 0,
              name: 'conv1',
              type: 'Conv2D',
              startMs: 0,
              avgMs: 1.5,
              pct: 15,
              cdfPct: 15,
              macs: 10_838_016n,
              gmacps: 7.2,
              outputShape: [[1, 112, 112, 32]],
            },
            {
              index: 1,
              name: 'relu1',
              type: 'Activation',
              startMs: 1.5,
              avgMs: 0.1,
              pct: 1,
              cdfPct: 16,
              macs: 0n,
              gmacps: 0,
              outputShape: [[1, 112, 112, 32]],
            },
          ],
        },
        opTypes: {
          create: [
            { type: 'Conv2D', count: 1, avgMs: 1.5, pct: 93.75, cdfPct: 93.75, macs: 10_838_016n, gmacps: 7.2 },
            { type: 'Activation', count: 1, avgMs: 0.1, pct: 6.25, cdfPct: 100, macs: 0n, gmacps: 0 },
          ],
        },
      },
    });

    await db.validationResult.createMany({
      data: [
        {
          jobId: validate.id,
          runId: run.id,
          deviceId: device.id,
          modelTag: 'mobilenet_v1',
          output: 'prob',
          cosine: 0.99994,
          sqnrDb: 38.5,
          pixelAccuracy: 1,
          maxAbsError: 0.0012,
          threshold: 0.999,
          passed: true,
        },
        // Identical outputs: infinite SQNR is stored as null.
        {
          jobId: validate.id,
          runId: run.id,
          deviceId: device.id,
          modelTag: 'mobilenet_v1',
          output: 'logits',
          cosine: 1,
          sqnrDb: null,
          pixelAccuracy: 1,
          maxAbsError: 0,
          threshold: 0.999,
          passed: true,
        },
      ],
    });

    // Two artifact rows may share one stored blob.
    const blob = sha('c');
    await db.artifact.createMany({
      data: [
        {
          sha256: blob,
          size: 4096n,
          kind: 'model_graph',
          name: 'mobilenet.pb',
          runId: run.id,
          jobId: convert.id,
          storageKey: `blobs/${blob}`,
        },
        {
          sha256: blob,
          size: 4096n,
          kind: 'model_graph',
          name: 'mobilenet_v1.pb',
          runId: run.id,
          jobId: convert.id,
          storageKey: `blobs/${blob}`,
        },
        {
          sha256: sha('d'),
          size: 77n,
          kind: 'tuned_parameters',
          name: 'tuned.bin',
          runId: run.id,
          deviceId: device.id,
          storageKey: `blobs/${sha('d')}`,
          metadata: { soc: 'sdm845', driver: 'Adreno 630' },
        },
      ],
    });

    const webhook = await db.webhook.create({
      data: { url: 'https://ci.example.com/hook', secret: 's3cret', events: ['run.succeeded'], createdById: user.id },
    });
    await db.webhookDelivery.create({
      data: { webhookId: webhook.id, event: 'run.succeeded', payload: { runId: run.id } },
    });

    // Read it all back through the relations.
    const full = await db.run.findUniqueOrThrow({
      where: { id: run.id },
      include: {
        deployment: { include: { models: { include: { modelFile: true }, orderBy: { role: 'asc' } } } },
        createdBy: { include: { tokens: true } },
        jobs: { include: { dependsOn: true, dependents: true }, orderBy: { createdAt: 'asc' } },
        benchmarkResults: { include: { ops: { orderBy: { index: 'asc' } }, opTypes: true, device: true } },
        validationResults: { orderBy: { output: 'asc' } },
        artifacts: { orderBy: { name: 'asc' } },
      },
    });
    expect(full.createdBy?.tokens.map((t) => t.id)).toEqual([token.id]);
    expect(full.deployment.models.map((m) => [m.role, m.modelFile.originalFilename])).toEqual([
      ['model', 'mobilenet.onnx'],
      ['weights', 'mobilenet.data'],
    ]);
    expect(full.deployment.models[0].modelFile.size).toBe(5_000_000_000n);
    expect(full.jobs.map((j) => j.kind).sort()).toEqual(['benchmark', 'build', 'convert', 'validate']);
    const byKind = Object.fromEntries(full.jobs.map((j) => [j.kind, j]));
    expect(byKind.build.dependsOn.map((d) => d.dependsOnId)).toEqual([convert.id]);
    expect(byKind.build.dependents.map((d) => d.jobId).sort()).toEqual([benchmark.id, validate.id].sort());
    expect(byKind.benchmark.payload).toEqual({ rounds: 10, threads: 4 });
    expect(byKind.convert.attempts).toBe(0);
    expect(byKind.convert.maxAttempts).toBe(3);

    const [bench] = full.benchmarkResults;
    expect(bench.id).toBe(result.id);
    expect(bench.macs).toBe(macs);
    expect(bench.device?.serial).toBe('emulator-5554');
    expect(bench.ops.map((o) => [o.name, o.type, o.outputShape])).toEqual([
      ['conv1', 'Conv2D', [[1, 112, 112, 32]]],
      ['relu1', 'Activation', [[1, 112, 112, 32]]],
    ]);
    expect(bench.ops[0].macs).toBe(10_838_016n);
    expect(bench.opTypes).toHaveLength(2);
    expect(full.validationResults.map((v) => [v.output, v.sqnrDb, v.passed])).toEqual([
      ['logits', null, true],
      ['prob', 38.5, true],
    ]);
    expect(full.artifacts.map((a) => a.name)).toEqual(['mobilenet.pb', 'mobilenet_v1.pb', 'tuned.bin']);
    expect(new Set(full.artifacts.map((a) => a.storageKey)).size).toBe(2);

    const devices = await db.device.findMany({ where: { state: 'available' } });
    expect(devices.map((d) => d.properties)).toEqual([device.properties]);
    expect(await db.webhookDelivery.count({ where: { webhookId: webhook.id, status: 'pending' } })).toBe(1);
  });
});

describe('constraints enforced by the database', () => {
  let userId: string;
  let otherUserId: string;
  let deploymentId: string;
  let runId: string;

  beforeAll(async () => {
    userId = (await db.user.create({ data: { name: 'carol' } })).id;
    otherUserId = (await db.user.create({ data: { name: 'dave' } })).id;
    deploymentId = (await db.deployment.create({ data: { libraryName: 'lib', yaml: 'x', config: {} } })).id;
    runId = (await db.run.create({ data: { deploymentId, actions: ['convert'], createdById: userId } })).id;
  });

  it('one model file per sha256', async () => {
    await db.modelFile.create({ data: { sha256: sha('e'), size: 1n, originalFilename: 'a.onnx', storageKey: 'k1' } });
    expect(
      await prismaCode(
        db.modelFile.create({ data: { sha256: sha('e'), size: 1n, originalFilename: 'b.onnx', storageKey: 'k2' } }),
      ),
    ).toBe('P2002');
  });

  it('one job per idempotency key, so creating a job twice yields one row', async () => {
    const data = { runId, kind: 'convert' as const, idempotencyKey: 'inputs-hash-1' };
    const first = await db.job.create({ data });
    expect(await prismaCode(db.job.create({ data }))).toBe('P2002');
    const again = await db.job.upsert({ where: { idempotencyKey: 'inputs-hash-1' }, create: data, update: {} });
    expect(again.id).toBe(first.id);
    expect(await db.job.count({ where: { idempotencyKey: 'inputs-hash-1' } })).toBe(1);
  });

  it('run idempotency keys are unique per creator', async () => {
    const data = { deploymentId, actions: ['convert' as const], idempotencyKey: 'retry-me' };
    await db.run.create({ data: { ...data, createdById: userId } });
    expect(await prismaCode(db.run.create({ data: { ...data, createdById: userId } }))).toBe('P2002');
    await db.run.create({ data: { ...data, createdById: otherUserId } }); // another creator: fine
  });

  it('one device per serial, one benchmark result per job', async () => {
    await db.device.create({ data: { serial: 'board-1', kind: 'linux', abis: ['arm64-v8a'] } });
    expect(await prismaCode(db.device.create({ data: { serial: 'board-1', kind: 'linux', abis: [] } }))).toBe('P2002');

    const job = await db.job.create({ data: { runId, kind: 'benchmark', idempotencyKey: 'bench-1' } });
    const result = {
      jobId: job.id,
      runId,
      modelTag: 'm',
      initMs: 1,
      firstMs: 1,
      minMs: 1,
      medianMs: 1,
      p90Ms: 1,
      p99Ms: 1,
      maxMs: 1,
      meanMs: 1,
      stdMs: 0,
      count: 1,
      peakRssKb: 1,
      macs: 0n,
      threads: 1,
      raw: {},
    };
    await db.benchmarkResult.create({ data: result });
    expect(await prismaCode(db.benchmarkResult.create({ data: result }))).toBe('P2002');
  });

  it('enum columns reject unknown values', async () => {
    await expect(db.$executeRawUnsafe(`UPDATE runs SET status = 'exploded' WHERE id = '${runId}'`)).rejects.toThrow(
      /invalid input value for enum run_status/,
    );
  });

  it('a model file in use by a deployment cannot be deleted', async () => {
    const file = await db.modelFile.create({
      data: { sha256: sha('f'), size: 1n, originalFilename: 'c.onnx', storageKey: 'k3' },
    });
    await db.deploymentModel.create({ data: { deploymentId, modelTag: 'm', modelFileId: file.id } });
    expect(await prismaCode(db.modelFile.delete({ where: { id: file.id } }))).toMatch(/^P20(03|14)$/);
  });

  it('deleting a run removes its jobs, dependencies, logs, results and artifact rows', async () => {
    const run = await db.run.create({ data: { deploymentId, actions: ['convert', 'benchmark'] } });
    const a = await db.job.create({ data: { runId: run.id, kind: 'convert', idempotencyKey: 'cascade-a' } });
    const b = await db.job.create({
      data: {
        runId: run.id,
        kind: 'benchmark',
        idempotencyKey: 'cascade-b',
        dependsOn: { create: [{ dependsOnId: a.id }] },
      },
    });
    await db.jobLog.create({ data: { runId: run.id, jobId: a.id, stream: 'stdout', text: 'hi' } });
    await db.artifact.create({
      data: { sha256: sha('9'), size: 1n, kind: 'log', name: 'log.txt', runId: run.id, jobId: a.id, storageKey: 'k' },
    });
    await db.benchmarkResult.create({
      data: {
        jobId: b.id,
        runId: run.id,
        modelTag: 'm',
        initMs: 1,
        firstMs: 1,
        minMs: 1,
        medianMs: 1,
        p90Ms: 1,
        p99Ms: 1,
        maxMs: 1,
        meanMs: 1,
        stdMs: 0,
        count: 1,
        peakRssKb: 1,
        macs: 1n,
        threads: 1,
        raw: {},
        ops: {
          create: [
            {
              index: 0,
              name: 'n',
              type: 't',
              startMs: 0,
              avgMs: 1,
              pct: 100,
              cdfPct: 100,
              macs: 1n,
              gmacps: 0,
              outputShape: [],
            },
          ],
        },
      },
    });

    await db.run.delete({ where: { id: run.id } });
    expect(await db.job.count({ where: { runId: run.id } })).toBe(0);
    expect(await db.jobDependency.count({ where: { jobId: b.id } })).toBe(0);
    expect(await db.jobLog.count({ where: { runId: run.id } })).toBe(0);
    expect(await db.artifact.count({ where: { runId: run.id } })).toBe(0);
    expect(await db.benchmarkResult.count({ where: { runId: run.id } })).toBe(0);
    expect(await db.opStat.count({ where: { name: 'n', type: 't' } })).toBe(0);
  });
});
