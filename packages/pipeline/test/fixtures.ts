// Test fixtures for pipeline integration tests: real PostgreSQL and Redis (getTestServices), a
// temporary artifact store, and helpers that do what the API does — store an upload, create a
// deployment with its model files — plus waiting for a run or a log line.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDeployment } from '@mace/config';
import { createDb, type Db, type Deployment, type Run } from '@mace/db';
import { createQueues, type Queues } from '@mace/pipeline';
import { createFsStore, type ArtifactStore } from '@mace/storage';
import { getTestServices, type TestServices } from '../../../test/helpers/services.js';

export const CORPUS = path.resolve(import.meta.dirname, '../../../../shared/corpus/models');
export const SQUEEZENET = path.join(CORPUS, 'squeezenet1_1.onnx');
export const SQUEEZENET_INPUT = path.join(CORPUS, 'squeezenet1_1.input.npy');

export interface PipelineFixture {
  services: TestServices;
  db: Db;
  queues: Queues;
  store: ArtifactStore;
  artifactDir: string;
  cleanup(): Promise<void>;
}

export async function createPipelineFixture(): Promise<PipelineFixture> {
  const services = await getTestServices();
  const db = createDb(services.databaseUrl, { poolSize: 5 });
  const queues = createQueues(services.redisUrl, { prefix: services.redisPrefix });
  const artifactDir = mkdtempSync(path.join(tmpdir(), 'mace-artifacts-'));
  const store = createFsStore(artifactDir);
  return {
    services,
    db,
    queues,
    store,
    artifactDir,
    async cleanup() {
      await queues.close();
      await db.close();
      await services.cleanup();
      rmSync(artifactDir, { recursive: true, force: true });
    },
  };
}

/** What POST /v1/models does: the file into the store, a model_files row. */
export async function uploadModelFile(db: Db, store: ArtifactStore, file: string | Uint8Array, name = 'model.onnx') {
  const blob = typeof file === 'string' ? await store.putFile(file) : await store.putBytes(file);
  return db.modelFile.upsert({
    where: { sha256: blob.sha256 },
    create: {
      sha256: blob.sha256,
      size: BigInt(blob.size),
      originalFilename: typeof file === 'string' ? path.basename(file) : name,
      storageKey: blob.sha256,
    },
    update: {},
  });
}

/** What POST /v1/deployments does: the YAML parsed, each model resolved by its checksum. */
export async function createDeployment(db: Db, yaml: string): Promise<Deployment> {
  const config = parseDeployment(yaml);
  const deployment = await db.deployment.create({
    data: { libraryName: config.libraryName, yaml, config: JSON.parse(JSON.stringify({ ...config, raw: undefined })) },
  });
  for (const m of config.models) {
    const file = await db.modelFile.findUniqueOrThrow({ where: { sha256: m.modelSha256Checksum! } });
    await db.deploymentModel.create({
      data: { deploymentId: deployment.id, modelTag: m.tag, role: 'model', modelFileId: file.id },
    });
  }
  return deployment;
}

/** A squeezenet1_1 deployment whose validation input is an upload (sha256:<hex>). */
export function squeezenetYaml(modelSha: string, inputSha?: string): string {
  return `library_name: squeezenet
target_abis: [host]
models:
  squeezenet1_1:
    platform: onnx
    model_file_path: squeezenet1_1.onnx
    model_sha256_checksum: ${modelSha}
    subgraphs:
      - input_tensors: input
        input_shapes: 1,3,224,224
        input_data_formats: NCHW
        output_tensors: output
        output_shapes: 1,1000
        output_data_formats: NONE
${inputSha ? `        validation_inputs_data: sha256:${inputSha}\n` : ''}    runtime: cpu
    validation_threshold:
      CPU: 0.999
`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `check` returns a value (not undefined/false); fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false | null>,
  timeoutMs = 240_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const TERMINAL = ['succeeded', 'failed', 'errored', 'cancelled'];

export async function waitForRun(db: Db, runId: string, timeoutMs?: number): Promise<Run> {
  return waitFor(
    `run ${runId} to finish`,
    async () => {
      const run = await db.run.findUniqueOrThrow({ where: { id: runId } });
      return TERMINAL.includes(run.status) ? run : undefined;
    },
    timeoutMs,
  );
}

export async function waitForLog(db: Db, runId: string, pattern: RegExp, timeoutMs?: number): Promise<string> {
  return waitFor(
    `a log line matching ${pattern}`,
    async () => {
      const lines = await db.jobLog.findMany({ where: { runId }, orderBy: { id: 'asc' } });
      return lines.find((l) => pattern.test(l.text))?.text;
    },
    timeoutMs,
  );
}

export async function runLog(db: Db, runId: string): Promise<string> {
  const lines = await db.jobLog.findMany({ where: { runId }, orderBy: { id: 'asc' } });
  return lines.map((l) => `[${l.stream}] ${l.text}`).join('\n');
}

export function readJson<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

export const fileBytes = (p: string): Buffer => readFileSync(p);
