// How runs fail, against real PostgreSQL and Redis with the worker in this process: a user error
// fails at once with the converter's reason (no retry); an infrastructure error is retried with
// exponential backoff and ends `errored`; what depends on a failed job is cancelled, not run;
// bad run inputs are refused before anything is created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunInputError, submitRun } from '@mace/pipeline';
import { startWorker, type RunningWorker } from '@mace/worker';
import { singleNodeModel } from '../packages/converter/test/helpers/onnx-builder.js';
import {
  createDeployment,
  createPipelineFixture,
  runLog,
  SQUEEZENET,
  squeezenetYaml,
  uploadModelFile,
  waitForRun,
  type PipelineFixture,
} from '../packages/pipeline/test/fixtures.js';
import { rmSync } from 'node:fs';

let fx: PipelineFixture;
let worker: RunningWorker;
const quiet = (): void => undefined;

beforeAll(async () => {
  fx = await createPipelineFixture();
  worker = await startWorker({
    db: fx.db,
    queues: fx.queues,
    store: fx.store,
    report: quiet,
    settings: { retryBaseMs: 50 },
  });
});

afterAll(async () => {
  await worker?.close();
  await fx?.cleanup();
});

function acosYaml(sha: string): string {
  return `library_name: acos
target_abis: [host]
models:
  acos:
    platform: onnx
    model_file_path: acos.onnx
    model_sha256_checksum: ${sha}
    subgraphs:
      - input_tensors: x
        input_shapes: 1,4
        input_data_formats: NONE
        output_tensors: y
        output_data_formats: NONE
`;
}

describe('failures', () => {
  it('fails a run at once with the converter reason when the model has an unsupported op', async () => {
    const model = singleNodeModel('Acos', { x: { dtype: 'float32', shape: [1, 4] } }, ['y']);
    const file = await uploadModelFile(fx.db, fx.store, model, 'acos.onnx');
    const deployment = await createDeployment(fx.db, acosYaml(file.sha256));
    const run = await submitRun(fx.db, fx.queues, { deploymentId: deployment.id, actions: ['convert'] });
    const done = await waitForRun(fx.db, run.id);
    expect(done.status).toBe('failed');
    expect(done.reason).toMatch(/^convert acos: conversion failed: .*op Acos \(opset \d+\) is not supported/s);
    const convert = await fx.db.job.findFirstOrThrow({ where: { runId: run.id, kind: 'convert' } });
    expect(convert).toMatchObject({ status: 'failed', attempts: 1 });
    expect(convert.reason).toMatch(/Acos/);
    expect(await fx.db.artifact.count({ where: { jobId: convert.id } })).toBe(0);
    expect(await runLog(fx.db, run.id)).not.toMatch(/retrying/);
  });

  it('retries an infrastructure error with backoff, then ends errored with the reason', async () => {
    const model = await uploadModelFile(fx.db, fx.store, SQUEEZENET);
    const deployment = await createDeployment(fx.db, squeezenetYaml(model.sha256));
    // The store lost the model file: not the user's fault, worth retrying.
    rmSync(fx.store.pathOf(model.sha256));
    const run = await submitRun(fx.db, fx.queues, { deploymentId: deployment.id, actions: ['convert'] });
    const done = await waitForRun(fx.db, run.id);
    expect(done.status).toBe('errored');
    expect(done.reason).toMatch(
      /^convert squeezenet1_1: gave up after 3 attempts: model file [0-9a-f]{64} is missing from the artifact store/,
    );
    const job = await fx.db.job.findFirstOrThrow({ where: { runId: run.id } });
    expect(job).toMatchObject({ status: 'errored', attempts: 3, maxAttempts: 3 });
    const log = await runLog(fx.db, run.id);
    // exponential backoff from the configured base (50 ms): 50 ms, then 100 ms
    expect(log).toMatch(
      /attempt 1 of 3 failed \(model file [0-9a-f]{64} is missing from the artifact store .*\); retrying in 50 ms/,
    );
    expect(log).toMatch(/attempt 2 of 3 failed \(.*\); retrying in 100 ms/);
    expect(log).toMatch(/attempt 3 of 3 started/);
  });

  it('cancels what depends on a failed job instead of running it', async () => {
    const model = singleNodeModel('Acos', { x: { dtype: 'float32', shape: [1, 4] } }, ['y']);
    const file = await uploadModelFile(fx.db, fx.store, model, 'acos.onnx');
    const deployment = await createDeployment(fx.db, acosYaml(file.sha256));
    // a device for the validate job: never started, so only the dependency rule can end its job
    const device = await fx.db.device.create({
      data: { serial: 'test:idle', kind: 'host', abis: ['host'], state: 'available' },
    });
    const run = await submitRun(fx.db, fx.queues, {
      deploymentId: deployment.id,
      actions: ['validate'],
      deviceSelector: { ids: [device.id] },
    });
    const done = await waitForRun(fx.db, run.id);
    expect(done.status).toBe('failed');
    const validate = await fx.db.job.findFirstOrThrow({ where: { runId: run.id, kind: 'validate' } });
    expect(validate).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(validate.reason).toBe('not run: convert acos failed');
  });

  it('refuses bad run input before creating anything', async () => {
    const runs = await fx.db.run.count();
    const model = await uploadModelFile(fx.db, fx.store, SQUEEZENET);
    const deployment = await createDeployment(fx.db, squeezenetYaml(model.sha256));
    const bad = async (input: Parameters<typeof submitRun>[2]): Promise<RunInputError> => {
      const err = await submitRun(fx.db, fx.queues, input).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunInputError);
      return err as RunInputError;
    };
    expect((await bad({ deploymentId: deployment.id, actions: [] })).field).toBe('actions');
    expect((await bad({ deploymentId: deployment.id, actions: ['tune'] })).message).toMatch(
      /no model of this deployment runs on the GPU \(squeezenet1_1: runtime cpu\)/,
    );
    expect((await bad({ deploymentId: '0190a0a0-0000-7000-8000-000000000000', actions: ['convert'] })).statusCode).toBe(
      404,
    );
    const noDevice = await bad({
      deploymentId: deployment.id,
      actions: ['benchmark'],
      deviceSelector: { soc: 'nonexistent' },
    });
    expect(noDevice.field).toBe('deviceSelector');
    expect(noDevice.message).toMatch(/no online device matches soc=nonexistent/);
    expect((await bad({ deploymentId: deployment.id, actions: ['convert'], options: { round: 0 } })).field).toBe(
      'options.round',
    );
    expect(await fx.db.run.count()).toBe(runs);
  });
});
