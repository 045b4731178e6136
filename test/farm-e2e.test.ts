// The device farm end to end on the virtual farm: the host, an SSH arm64 board (sshd chrooted into
// an arm64 Debian root filesystem) and two ADB phones (arm64-v8a and armeabi-v7a, our ADB daemon
// behind the real adb server), owned by one agent. One run of mobilenet_v2 with validate and
// benchmark on every device: each device validates with cosine ≥ 0.9999 and stores per-op rows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '@mace/agent';
import { readDevicesFile } from '@mace/config';
import { startFarm, type Farm } from '@mace/farm';
import { submitRun } from '@mace/pipeline';
import { startWorker, type RunningWorker } from '@mace/worker';
import {
  CORPUS,
  createDeployment,
  createPipelineFixture,
  runLog,
  uploadModelFile,
  waitForRun,
  type PipelineFixture,
} from '../packages/pipeline/test/fixtures.js';

const MOBILENET = path.join(CORPUS, 'mobilenet_v2.onnx');
const MOBILENET_INPUT = path.join(CORPUS, 'mobilenet_v2.input.npy');
/** Three emulated devices run mobilenet_v2 under qemu-user on a 2-core machine. */
const RUN_WAIT_MS = 1_500_000;

let fx: PipelineFixture;
let farm: Farm;
let worker: RunningWorker;
let agent: RunningAgent;
let stateDir: string;
const log: string[] = [];

beforeAll(async () => {
  fx = await createPipelineFixture();
  stateDir = await mkdtemp(path.join(tmpdir(), 'mace-farm-e2e-'));
  // A private adb server port per test run.
  farm = await startFarm({ stateDir, adbPort: 15_000 + Math.floor(Math.random() * 5_000), log: (l) => log.push(l) });
  worker = await startWorker({ db: fx.db, queues: fx.queues, store: fx.store, report: () => undefined });
  agent = await startAgent({
    db: fx.db,
    queues: fx.queues,
    store: fx.store,
    serial: `host:farm-e2e-${fx.services.redisPrefix}`,
    adbServer: farm.adbServer,
    boards: await readDevicesFile(farm.devicesFile),
    report: (l) => log.push(l),
  });
}, 600_000);

afterAll(async () => {
  await agent?.close();
  await worker?.close();
  await farm?.stop();
  await fx?.cleanup();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('the virtual farm', () => {
  it('attaches the host, the SSH board and both phones with what they report', async () => {
    const board = await agent.waitForDevice(farm.board.serial);
    expect(board).toMatchObject({ kind: 'linux', abis: ['arm64-v8a', 'aarch64'], state: 'available' });
    expect(board.properties).toMatchObject({ machine: 'aarch64' });
    const [pixel, moto] = await Promise.all(farm.phones.map((p) => agent.waitForDevice(p.serial)));
    expect(pixel).toMatchObject({ kind: 'android', abis: ['arm64-v8a', 'armeabi-v7a', 'armeabi'], soc: 'sdm845' });
    expect(pixel.properties).toMatchObject({ androidVersion: '11', batteryLevel: 87, temperatureC: 31 });
    expect((pixel.properties as { openclLibraries: string[] }).openclLibraries.length).toBeGreaterThan(0);
    expect(moto).toMatchObject({
      kind: 'android',
      abis: ['armeabi-v7a', 'armeabi'],
      soc: 'msm8937',
      model: 'Virtual Moto G5',
    });
  });

  it(
    'runs mobilenet_v2 with validate and benchmark on every device',
    async () => {
      const model = await uploadModelFile(fx.db, fx.store, MOBILENET);
      const input = await fx.store.putFile(MOBILENET_INPUT);
      const deployment = await createDeployment(
        fx.db,
        `library_name: mobilenet
target_abis: [arm64-v8a, armeabi-v7a, host]
models:
  mobilenet_v2:
    platform: onnx
    model_file_path: mobilenet_v2.onnx
    model_sha256_checksum: ${model.sha256}
    subgraphs:
      - input_tensors: input
        input_shapes: 1,3,224,224
        input_data_formats: NCHW
        output_tensors: output
        output_shapes: 1,1000
        validation_inputs_data: sha256:${input.sha256}
    runtime: cpu
    validation_threshold:
      CPU: 0.9999
`,
      );
      const devices = agent.devices();
      expect(devices).toHaveLength(4);
      const run = await submitRun(fx.db, fx.queues, {
        deploymentId: deployment.id,
        actions: ['validate', 'benchmark'],
        deviceSelector: { ids: devices.map((d) => d.id) },
        // maxTime: under qemu on a loaded 2-core machine one run can pass benchmark_model's 10 s default.
        options: { round: 2, maxTime: 300, warmupRuns: 1, threads: 1 },
      });
      const done = await waitForRun(fx.db, run.id, RUN_WAIT_MS);
      expect(done.status, `${done.reason}\n${await runLog(fx.db, run.id)}\n${log.join('\n')}`).toBe('succeeded');
      for (const d of devices) {
        const validation = await fx.db.validationResult.findMany({ where: { runId: run.id, deviceId: d.id } });
        expect(validation, d.serial).toHaveLength(1);
        expect(validation[0].cosine, d.serial).toBeGreaterThanOrEqual(0.9999);
        const bench = await fx.db.benchmarkResult.findFirstOrThrow({
          where: { runId: run.id, deviceId: d.id },
          include: { ops: true },
        });
        expect(bench.count, d.serial).toBe(2);
        expect(bench.ops.length, d.serial).toBeGreaterThan(50);
        expect(bench.ops.map((o) => o.type)).toContain('Conv');
      }
      // The ARM packages went to the ARM devices, and every tool was pushed once per device.
      const text = await runLog(fx.db, run.id);
      expect(text).toMatch(/benchmark_model \(arm64-v8a\): (pushed|already on the device)/);
      expect(text).toMatch(/mace_run \(armeabi-v7a\): (pushed|already on the device)/);
    },
    RUN_WAIT_MS + 60_000,
  );
});
