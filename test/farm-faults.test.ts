// Faults on the virtual farm, with one agent owning the host, the SSH board and the phones:
// a board presenting another host key is refused (unauthorized, with the reason); a phone
// unplugged in the middle of a benchmark goes offline, comes back when it is plugged in again, and
// the job is retried there and succeeds; a hot phone is left to cool down before a benchmark; two
// runs for one device run one after the other.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '@mace/agent';
import { readDevicesFile } from '@mace/config';
import { adb, PHONES, startFarm, startVirtualPhone, type Farm } from '@mace/farm';
import { submitRun } from '@mace/pipeline';
import { startWorker, type RunningWorker } from '@mace/worker';
import {
  createDeployment,
  createPipelineFixture,
  runLog,
  SQUEEZENET,
  uploadModelFile,
  waitFor,
  waitForLog,
  waitForRun,
  type PipelineFixture,
} from '../packages/pipeline/test/fixtures.js';

let fx: PipelineFixture;
let farm: Farm;
let worker: RunningWorker;
let agent: RunningAgent;
let stateDir: string;
let adbPort: number;
let deploymentId: string;
const log: string[] = [];
const settings = { leaseMs: 3_000, retryBaseMs: 1_000, reconcileMs: 1_000 };

const YAML = (sha: string): string => `library_name: squeezenet
target_abis: [arm64-v8a, armeabi-v7a, host]
models:
  squeezenet1_1:
    platform: onnx
    model_file_path: squeezenet1_1.onnx
    model_sha256_checksum: ${sha}
    subgraphs:
      - input_tensors: input
        input_shapes: 1,3,224,224
        input_data_formats: NCHW
        output_tensors: output
        output_shapes: 1,1000
    runtime: cpu
`;

beforeAll(async () => {
  fx = await createPipelineFixture();
  stateDir = await mkdtemp(path.join(tmpdir(), 'mace-farm-faults-'));
  adbPort = 25_000 + Math.floor(Math.random() * 5_000);
  farm = await startFarm({ stateDir, adbPort, log: (l) => log.push(l) });
  // The real board, and a second entry for the same sshd pinned to another key.
  const [board] = await readDevicesFile(farm.devicesFile);
  const impostor = { ...board, name: 'impostor', hostKey: `SHA256:${'x'.repeat(43)}` };
  worker = await startWorker({ db: fx.db, queues: fx.queues, store: fx.store, settings, report: () => undefined });
  agent = await startAgent({
    db: fx.db,
    queues: fx.queues,
    store: fx.store,
    serial: `host:farm-faults-${fx.services.redisPrefix}`,
    adbServer: farm.adbServer,
    boards: [board, impostor],
    settings,
    report: (l) => log.push(l),
  });
  const model = await uploadModelFile(fx.db, fx.store, SQUEEZENET);
  deploymentId = (await createDeployment(fx.db, YAML(model.sha256))).id;
}, 600_000);

afterAll(async () => {
  await agent?.close();
  await worker?.close();
  await farm?.stop();
  await fx?.cleanup();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('faults on the virtual farm', () => {
  it('refuses a board that presents another host key, and says why', async () => {
    await agent.waitForDevice(farm.board.serial);
    const impostor = await waitFor('the impostor to be recorded', () =>
      fx.db.device.findUnique({ where: { serial: 'ssh:impostor' } }),
    );
    expect(impostor.state).toBe('unauthorized');
    expect((impostor.properties as { stateReason: string }).stateReason).toMatch(
      new RegExp(
        `presented host key ${farm.board.hostKeyFingerprint.replace(/[+/]/g, '\\$&')}, not the pinned SHA256:x+; refusing`,
      ),
    );
    expect(agent.devices().map((d) => d.serial)).not.toContain('ssh:impostor');
  });

  it('a phone unplugged mid-benchmark goes offline; plugged in again, it gets the job again and finishes it', async () => {
    const phone = farm.phoneObjects[0];
    const spec = PHONES[0];
    const device = await agent.waitForDevice(phone.serial);
    const run = await submitRun(fx.db, fx.queues, {
      deploymentId,
      actions: ['benchmark'],
      deviceSelector: { ids: [device.id] },
      options: { round: 15, warmupRuns: 0, threads: 1 },
    });
    await waitForLog(fx.db, run.id, /\$ \S+benchmark_model/, 600_000);
    await new Promise((r) => setTimeout(r, 2_000));
    await phone.kill();
    await waitFor('the phone to be offline', async () => {
      const d = await fx.db.device.findUniqueOrThrow({ where: { id: device.id } });
      return d.state === 'offline' ? d : null;
    });
    const retrying = await waitForLog(fx.db, run.id, /attempt 1 of \d+ failed \(device .* was lost/, 60_000);
    expect(retrying).toMatch(/retrying in/);

    // Plugged in again on the same port: the adb server reconnects, the agent attaches it again.
    const again = await startVirtualPhone({
      dataDir: path.join(stateDir, 'phones', spec.name),
      rootfs: phone.rootDir,
      port: phone.port,
      properties: { ...spec.properties, 'ro.serialno': `virtual-${spec.name}` },
      battery: spec.battery,
    });
    farm.phoneObjects[0] = again;
    await adb(adbPort, 'connect', again.serial).catch(() => undefined);
    await waitFor(
      'the phone to be available again',
      async () => {
        const d = await fx.db.device.findUniqueOrThrow({ where: { id: device.id } });
        return d.state === 'available' || d.state === 'busy' ? d : null;
      },
      120_000,
    );
    const done = await waitForRun(fx.db, run.id, 900_000);
    expect(done.status, `${done.reason}\n${await runLog(fx.db, run.id)}`).toBe('succeeded');
    const job = await fx.db.job.findFirstOrThrow({ where: { runId: run.id, kind: 'benchmark' } });
    expect(job.attempts).toBe(2);
    expect(await fx.db.benchmarkResult.count({ where: { runId: run.id, deviceId: device.id } })).toBe(1);
    expect(log.join('\n')).toMatch(new RegExp(`detached ${phone.serial.replace(/\./g, '\\.')} \\(offline\\)`));
  }, 1_200_000);

  it('waits for a hot phone to cool down before benchmarking it', async () => {
    const phone = farm.phoneObjects[1];
    const device = await agent.waitForDevice(phone.serial);
    process.env.MACE_COOL_DOWN_POLL_S = '1';
    phone.setBattery({ temperature: 455 });
    try {
      const run = await submitRun(fx.db, fx.queues, {
        deploymentId,
        actions: ['benchmark'],
        deviceSelector: { ids: [device.id] },
        options: { round: 1, warmupRuns: 0, threads: 1 },
      });
      await waitForLog(fx.db, run.id, /cooling down: device at 45\.5 °C > 40 °C, waiting 1 s/, 600_000);
      expect(await fx.db.benchmarkResult.count({ where: { runId: run.id } })).toBe(0);
      phone.setBattery({ temperature: 330 });
      expect((await waitForRun(fx.db, run.id, 600_000)).status).toBe('succeeded');
      expect(await runLog(fx.db, run.id)).toMatch(/device temperature 33(\.0)? °C \(limit 40 °C\): benchmarking/);
    } finally {
      delete process.env.MACE_COOL_DOWN_POLL_S;
      phone.setBattery({ temperature: 295 });
    }
  }, 900_000);

  it('two runs submitted together for one device run one after the other', async () => {
    const host = agent.device;
    const runs = await Promise.all(
      [1, 2].map(() =>
        submitRun(fx.db, fx.queues, {
          deploymentId,
          actions: ['validate', 'benchmark'],
          deviceSelector: { ids: [host.id] },
          options: { round: 10, threads: 1 },
        }),
      ),
    );
    for (const r of runs) expect((await waitForRun(fx.db, r.id, 600_000)).status).toBe('succeeded');
    const jobs = await fx.db.job.findMany({
      where: { runId: { in: runs.map((r) => r.id) }, deviceId: host.id },
      orderBy: { startedAt: 'asc' },
    });
    expect(jobs).toHaveLength(4);
    for (let i = 1; i < jobs.length; i++)
      expect(jobs[i].startedAt!.getTime(), `job ${i} starts after job ${i - 1} ends`).toBeGreaterThanOrEqual(
        jobs[i - 1].finishedAt!.getTime(),
      );
  }, 900_000);
});
