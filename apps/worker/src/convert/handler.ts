// The convert job: one model of the deployment → engine model (.mace + .data), op-coverage report
// and reference outputs of the original framework, all stored as artifacts of the job. The work
// runs in a child process (task.ts); this side resolves inputs from the store and records results.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Prisma } from '@mace/db';
import {
  findModel,
  InfrastructureError,
  loadRunDeployment,
  UserJobError,
  type JobContext,
  type NewArtifact,
  type SuccessInput,
} from '@mace/pipeline';
import type { ArtifactRef, ConvertJobResult, ReferenceOutputsManifest, ReferenceTensor } from '@mace/protocol';
import type { ArtifactStore } from '@mace/storage';
import { runNodeTask } from '../child.js';
import {
  TASK_FILES,
  USER_ERROR_EXIT,
  type ConvertTaskError,
  type ConvertTaskRequest,
  type ConvertTaskResult,
} from './task-protocol.js';

const DEFAULT_SEED = 1234;
const STORE_REF_RE = /^(?:sha256:)?([0-9a-f]{64})$/i;

/** validation_inputs_data entries that name stored blobs → their paths; else null (random inputs) with a warning. */
async function resolveValidationInputs(
  store: ArtifactStore,
  entries: string[],
  ctx: JobContext,
): Promise<string[] | null> {
  if (entries.length === 0) return null;
  const paths: string[] = [];
  for (const entry of entries) {
    const m = STORE_REF_RE.exec(entry.trim());
    if (!m || !(await store.has(m[1].toLowerCase()))) {
      ctx.log.system(
        `warning: validation input "${entry}" is not an uploaded file the service can read (use sha256:<hex> of an upload); ` +
          'using seeded random inputs within input_ranges instead',
      );
      return null;
    }
    paths.push(store.pathOf(m[1].toLowerCase()));
  }
  return paths;
}

export function convertHandler(store: ArtifactStore) {
  return async function convertJob(ctx: JobContext): Promise<SuccessInput> {
    const { job, payload, log } = ctx;
    const { config } = await loadRunDeployment(ctx.db, job.runId);
    const model = findModel(config, payload.modelTag ?? job.modelTag);
    const modelSha256 = payload.modelSha256;
    if (!modelSha256) throw new UserJobError(`model ${model.tag} has no uploaded model file`);
    if (model.weightFilePath)
      throw new UserJobError(
        `model ${model.tag}: separate weight files (weight_file_path) are not supported for ${model.platform} models yet`,
      );
    if (!(await store.has(modelSha256)))
      throw new InfrastructureError(`model file ${modelSha256} is missing from the artifact store (${store.root})`);
    const sg = model.subgraphs[0];
    const validationInputs = sg ? await resolveValidationInputs(store, sg.validationInputsData, ctx) : null;
    const seed = payload.options?.seed ?? ((ctx.run.options ?? {}) as { seed?: number }).seed ?? DEFAULT_SEED;

    const work = await mkdtemp(path.join(tmpdir(), 'mace-convert-'));
    try {
      const request: ConvertTaskRequest = { modelPath: store.pathOf(modelSha256), model, validationInputs, seed };
      await writeFile(path.join(work, TASK_FILES.request), JSON.stringify(request));
      const taskUrl = new URL(`./task${path.extname(new URL(import.meta.url).pathname)}`, import.meta.url);
      const exit = await runNodeTask(taskUrl, [work], { signal: ctx.signal, log });
      if (exit.code !== 0) {
        const report = await readFile(path.join(work, TASK_FILES.error), 'utf8')
          .then((t) => JSON.parse(t) as ConvertTaskError)
          .catch(() => null);
        if (exit.code === USER_ERROR_EXIT && report?.user)
          throw new UserJobError(`conversion failed: ${report.message}`);
        throw new InfrastructureError(
          `the convert task ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}` +
            (report ? `: ${report.message}` : '; see the job log'),
        );
      }
      const result = JSON.parse(await readFile(path.join(work, TASK_FILES.result), 'utf8')) as ConvertTaskResult;
      const artifacts: NewArtifact[] = [];
      const put = async (
        file: string,
        name: string,
        kind: NewArtifact['kind'],
        contentType: string,
        metadata?: Prisma.InputJsonValue,
      ): Promise<ArtifactRef> => {
        const blob = await store.putFile(path.join(work, file));
        artifacts.push({
          kind,
          name,
          sha256: blob.sha256,
          size: blob.size,
          contentType,
          ...(metadata ? { metadata } : {}),
        });
        return { name, ...blob };
      };
      const tag = model.tag;
      const graph = await put(TASK_FILES.graph, `${tag}.mace`, 'model_graph', 'application/octet-stream');
      const data = await put(TASK_FILES.data, `${tag}.data`, 'model_data', 'application/octet-stream');
      const coverage = await put(TASK_FILES.coverage, `${tag}.coverage.json`, 'coverage', 'application/json');
      const tensors = async (
        list: ConvertTaskResult['inputs'],
        role: 'input' | 'output',
      ): Promise<ReferenceTensor[]> => {
        const out: ReferenceTensor[] = [];
        for (const [i, t] of list.entries()) {
          const ref = await put(t.file, `${tag}.reference/${role}_${i}.npy`, 'reference_outputs', 'application/x-npy', {
            role,
            tensor: t.name,
          });
          out.push({
            name: t.name,
            shape: t.shape,
            dataFormat: t.dataFormat,
            dtype: 'float32',
            sha256: ref.sha256,
            size: ref.size,
          });
        }
        return out;
      };
      const manifest: ReferenceOutputsManifest = {
        format: 'mace-reference-outputs/1',
        modelTag: tag,
        modelSha256,
        framework: result.framework,
        inputSource: validationInputs ? 'validation_inputs_data' : 'random',
        seed: validationInputs ? null : seed,
        inputs: await tensors(result.inputs, 'input'),
        outputs: await tensors(result.outputs, 'output'),
      };
      const manifestFile = path.join(work, 'reference.json');
      await writeFile(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
      const referenceOutputs = await put(
        'reference.json',
        `${tag}.reference.json`,
        'reference_outputs',
        'application/json',
        { role: 'manifest' },
      );
      const jobResult: ConvertJobResult = {
        modelTag: tag,
        modelSha256,
        graph,
        data,
        coverage,
        referenceOutputs,
        stats: result.stats,
      };
      log.system(
        `stored ${tag}.mace (${graph.size} B), ${tag}.data (${data.size} B), coverage and reference outputs (${manifest.outputs.length} output(s))`,
      );
      return { result: jobResult as unknown as Prisma.InputJsonValue, artifacts };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  };
}
