// Public API of @mace/protocol: the data formats shared by the device tools, the CLI and the
// service — benchmark_model's JSON result, the output-validation metrics, the pipeline's contracts
// and the /v1 API's response types.

export type {
  BenchmarkOpStat,
  BenchmarkResult,
  BenchmarkRunStats,
  BenchmarkTypeStat,
  JsonSchema,
} from './benchmark.js';
export {
  BenchmarkResultError,
  benchmarkResultSchema,
  parseBenchmarkResult,
  validateAgainstSchema,
} from './benchmark.js';
export type { ValidationMetrics } from './validation.js';
export { computeValidationMetrics } from './validation.js';
export type {
  ArtifactRef,
  BenchmarkJobResult,
  BuildJobResult,
  BuildPackageManifest,
  ConvertJobResult,
  DeviceSelector,
  JobKind,
  JobPayload,
  JobStatus,
  OpenCLFingerprint,
  QueueJobData,
  ReferenceOutputsManifest,
  ReferenceTensor,
  RunOptions,
  RunStatus,
  TuneJobResult,
  ValidateJobResult,
  ValidationOutput,
} from './jobs.js';
export {
  BUILD_QUEUE,
  CONVERT_QUEUE,
  DEVICE_JOB_KINDS,
  isGpuRuntime,
  JOB_KINDS,
  MAX_TIME_LIMIT_S,
  packageManifestName,
  RUN_STATUSES,
  TERMINAL_JOB_STATUSES,
  TERMINAL_RUN_STATUSES,
  deviceQueueName,
} from './jobs.js';
export { WEBHOOK_DELIVERY_HEADER, WEBHOOK_EVENT_HEADER, WEBHOOK_EVENTS, WEBHOOK_SIGNATURE_HEADER } from './webhooks.js';
export type { WebhookEnvelope, WebhookEvent } from './webhooks.js';
export type { SseEvent } from './sse.js';
export { readSseEvents } from './sse.js';
export {
  compareRunResults,
  DEFAULT_MIN_DELTA_MS,
  DEFAULT_REGRESSION_THRESHOLD_PCT,
  LATENCY_METRICS,
} from './compare.js';
export type {
  BenchmarkComparison,
  ComparableBenchmark,
  ComparableOp,
  ComparableRunResults,
  ComparableValidation,
  CompareOptions,
  LatencyMetric,
  OpDelta,
  OpTypeDelta,
  Regression,
  RunComparison,
  TimeDelta,
  ValidationComparison,
} from './compare.js';
export type {
  ApiArtifact,
  ApiBaseline,
  ApiBenchmarkResult,
  ApiDeployment,
  ApiDeploymentSummary,
  ApiDevice,
  ApiJob,
  ApiJobLog,
  ApiLabDevice,
  ApiModelFile,
  ApiOpStat,
  ApiOpTypeStat,
  ApiRun,
  ApiRunResults,
  ApiRunSummary,
  ApiToken,
  ApiValidationResult,
  ArtifactKind,
  CreateRunRequest,
  DeviceKind,
  DeviceState,
  Page,
} from './api.js';
