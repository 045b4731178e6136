// Pipeline contracts shared by the API, the worker and the agents: queue names, the payload of a
// queued job, run inputs (actions, device selector, options) and what each job kind produces
// (its `jobs.result` JSON and the artifact formats: reference outputs and the build package).
//
// PostgreSQL holds the state of runs and jobs; BullMQ (Redis) only carries `QueueJobData`, the
// id of a job row. A delivery of a job that is already finished, or owned by a live worker,
// does no work: the row decides.

export type JobKind = 'convert' | 'build' | 'validate' | 'benchmark' | 'tune';
export type JobStatus = 'pending' | 'queued' | 'running' | 'succeeded' | 'failed' | 'errored' | 'cancelled';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'errored' | 'cancelled';

export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'errored', 'cancelled'];
export const JOB_KINDS: readonly JobKind[] = ['convert', 'build', 'validate', 'benchmark', 'tune'];
/** Job kinds that run on a device (queue `device.<deviceId>`, consumed by the agent that owns it). */
export const DEVICE_JOB_KINDS: readonly JobKind[] = ['validate', 'benchmark', 'tune'];
/** Terminal states: `failed` = user error (bad model or config, unsupported op, validation below
 *  threshold), `errored` = infrastructure fault after the last retry, `cancelled` = by request or
 *  because a job it depends on did not succeed. Each comes with a reason. */
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'errored', 'cancelled'];
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'errored', 'cancelled'];

export const CONVERT_QUEUE = 'convert';
export const BUILD_QUEUE = 'build';
/** One queue per device, so agents never compete for a device. */
export function deviceQueueName(deviceId: string): string {
  return `device.${deviceId}`;
}

/** The BullMQ job's data. The BullMQ job id is `jobId` (the jobs row's id). */
export interface QueueJobData {
  jobId: string;
  runId: string;
  kind: JobKind;
}

/** Which devices a run's device jobs go to. Every given field must match; nothing given = every
 *  online device whose ABIs meet the deployment's target_abis. */
export interface DeviceSelector {
  ids?: string[];
  serials?: string[];
  kind?: 'host' | 'android' | 'linux';
  abi?: string;
  soc?: string;
  model?: string;
}

/**
 * Largest options.maxTime: benchmark_model spends up to twice this (timed runs, then runs with
 * statistics), which stays inside the agents' default 900 s limit for a device tool.
 */
export const MAX_TIME_LIMIT_S = 300;

/** Per-run options of the device tools. */
export interface RunOptions {
  /** benchmark_model timed runs (default 20). */
  round?: number;
  /** benchmark_model's time limit in seconds for its timed runs, after the first (default 10, as MACE's). */
  maxTime?: number;
  /** benchmark_model untimed runs first (default 1). */
  warmupRuns?: number;
  /** CPU threads (default: one per core). */
  threads?: number;
  /** 0 none, 1 big cores, 2 little cores. */
  cpuAffinityPolicy?: 0 | 1 | 2;
  /** Seed of the random inputs when a model has no validation_inputs_data (default 1234). */
  seed?: number;
}

/** A stored artifact: content address plus the name it has in this run. */
export interface ArtifactRef {
  name: string;
  sha256: string;
  size: number;
}

/**
 * `jobs.payload` of every job: what the job works on, fixed when the run is planned.
 * convert: modelTag + modelSha256; build: abi; device jobs: deviceId + abi + modelTag.
 */
export interface JobPayload {
  modelTag?: string;
  /** sha256 of the model file in the artifact store (the upload that `model_sha256_checksum` names). */
  modelSha256?: string;
  abi?: string;
  deviceId?: string;
  options?: RunOptions;
}

/**
 * Reference outputs of the original framework (onnxruntime-node for ONNX), artifact kind
 * `reference_outputs`, file `<tag>.reference.json`: this manifest, whose tensors are separate
 * `.npy` blobs (float32, little-endian, C order) in the store, named by sha256.
 *
 * - `inputs`: the values fed to the model, in the deployment file's declared layout and shape
 *   (`input_shapes` / `input_data_formats`): exactly what `mace_run --input_file` takes.
 *   Source: `validation_inputs_data` when each entry names a stored blob (`sha256:<hex>` or a bare
 *   64-hex digest of an upload), else seeded random values within `input_ranges` (`seed`;
 *   MACE's own behaviour). Paths and URLs cannot be read by the service: they fall back to random
 *   inputs with a warning in the job log.
 * - `outputs`: the framework's outputs, transposed to the declared `output_data_formats`
 *   (NHWC outputs of an NCHW model are transposed), i.e. comparable element by element with what
 *   `mace_run` writes.
 */
export interface ReferenceOutputsManifest {
  format: 'mace-reference-outputs/1';
  modelTag: string;
  modelSha256: string;
  framework: { name: string; version: string };
  inputSource: 'validation_inputs_data' | 'random';
  seed: number | null;
  inputs: ReferenceTensor[];
  outputs: ReferenceTensor[];
}

export interface ReferenceTensor {
  name: string;
  shape: number[];
  dataFormat: string;
  dtype: 'float32';
  /** The .npy blob. */
  sha256: string;
  size: number;
}

/** `jobs.result` of a convert job. */
export interface ConvertJobResult {
  modelTag: string;
  modelSha256: string;
  /** `<tag>.mace` (artifact kind model_graph). */
  graph: ArtifactRef;
  /** `<tag>.data` (model_data). */
  data: ArtifactRef;
  /** `<tag>.coverage.json` (coverage): the converter's op-coverage report. */
  coverage: ArtifactRef;
  /** `<tag>.reference.json` (reference_outputs): a ReferenceOutputsManifest. */
  referenceOutputs: ArtifactRef;
  stats: { nodesIn: number; nodesOut: number; folded: number; plannedBytes: number; naiveBytes: number };
}

/**
 * The library package for one ABI, artifact kind `library`, `<library_name>-<abi>.tar.gz`: a
 * gzip'd ustar in MACE's builds/<library_name>/ layout (packages/builder/src/package.ts):
 *   include/mace/public/mace.h, lib/<abi>/libmace.{a,so}, bin/<abi>/{mace_run,benchmark_model},
 *   model/<tag>.{mace,data} (file formats) or lib/<abi>/lib<library_name>.a with
 *   include/mace/public/mace_engine_factory.h and include/mace/models/<tag>.h (code format),
 *   manifest-<abi>.json (this object).
 * Deterministic: the same inputs give the same bytes (entries sorted, mtime 0, no owners, and
 * no build path inside any binary).
 */
/** The manifest's name inside a library package (one per ABI, so packages unpack side by side). */
export const packageManifestName = (abi: string): string => `manifest-${abi}.json`;

export interface BuildPackageManifest {
  format: 'mace-library/1';
  libraryName: string;
  abi: string;
  runtimes: 'cpu' | 'cpu+gpu';
  /** sha256 over native/** sources (paths and contents) and scripts/native-build.sh. */
  nativeSourceHash: string;
  /** sha256 of (source hash, ABI, runtimes, CMake options, compiler version): the build cache key. */
  buildKey: string;
  toolchain: { kind: 'gcc' | 'ndk'; compiler: string; version: string; cmake: string; ndk: string | null };
  cmakeOptions: string[];
  modelGraphFormat: 'file' | 'code';
  modelDataFormat: 'file' | 'code';
  models: { tag: string; graphSha256: string; dataSha256: string }[];
  files: { path: string; sha256: string; size: number; mode: number }[];
}

/** `jobs.result` of a build job. */
export interface BuildJobResult {
  abi: string;
  nativeSourceHash: string;
  /** True when an earlier build of the same sources was reused: no compilation. */
  cacheHit: boolean;
  /** How the runtime was produced: cache (earlier build), imported (an up-to-date native/build/<abi>) or compiled. */
  origin: 'cache' | 'imported' | 'compiled';
  package: ArtifactRef;
  manifest: BuildPackageManifest;
}

/** `jobs.result` of a validate job. */
export interface ValidateJobResult {
  modelTag: string;
  passed: boolean;
  outputs: ValidationOutput[];
}

/** One output of a model compared with the original framework's (cosine ≥ threshold passes). */
export interface ValidationOutput {
  output: string;
  cosine: number;
  /** dB; null when the outputs are identical. */
  sqnrDb: number | null;
  pixelAccuracy: number;
  maxAbsError: number;
  threshold: number;
  passed: boolean;
}

/** `jobs.result` of a benchmark job (the full document is in benchmark_results.raw). */
export interface BenchmarkJobResult {
  modelTag: string;
  medianMs: number;
  initMs: number;
  threads: number;
}

/**
 * What tuned OpenCL files are valid for: the device (its model and SoC), the OpenCL device and
 * driver the GPU engine opens, the runtime (MACE version + OpenCL kernel source hash, from
 * `mace_run --opencl_info`) and the converted graph. Stored as the `metadata` of the
 * `tuned_binary` / `tuned_parameters` artifacts; files are reused only for an exact match.
 */
export interface OpenCLFingerprint {
  deviceModel: string | null;
  soc: string | null;
  /** `opencl engine device:` */
  openclDevice: string;
  /** `opencl driver:` */
  driver: string;
  /** `opencl runtime:` (`<mace version>+cl<kernel source hash>`) */
  runtime: string;
  /** sha256 of the converted `<tag>.mace`. */
  graphSha256: string;
}

/** `jobs.result` of a tune job: MACE's two tuning outputs for one device and model. */
export interface TuneJobResult {
  modelTag: string;
  /** True when files tuned earlier for exactly this fingerprint were reused: no tuning ran. */
  reused: boolean;
  /** The run that tuned the reused files. */
  reusedFromRunId?: string;
  fingerprint: OpenCLFingerprint;
  /** `<library_name>_compiled_opencl_kernel.<tag>.<soc>.bin` (artifact kind tuned_binary). */
  binary: ArtifactRef;
  /** `<library_name>_tuned_opencl_parameter.<tag>.<soc>.bin` (artifact kind tuned_parameters). */
  parameters: ArtifactRef;
}

/** Whether a model runs on the GPU (OpenCL; unsupported ops fall back to the CPU): runtime gpu or cpu+gpu. */
export function isGpuRuntime(runtime: string | null | undefined): boolean {
  return runtime === 'gpu' || runtime === 'cpu+gpu';
}
