// The /v1 API's JSON bodies as the CLI and the dashboard read them: one copy of the response
// types, matching the API's response schemas (apps/api/src/schemas; serialize.ts builds them from
// rows). Types only, no runtime code: the dashboard bundles this for the browser.
import type { DeviceSelector, JobKind, JobStatus, RunOptions, RunStatus, ValidationOutput } from './jobs.js';

/** A list response: one page and the cursor of the next (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  /** Path and query of the next page. */
  next: string | null;
}

/** GET /v1/tokens/self, GET /v1/tokens. */
export interface ApiToken {
  id: string;
  name: string;
  scope: 'admin' | 'user' | 'agent';
  /** The first characters of the token, to tell tokens apart. */
  prefix: string;
  userId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ApiModelFile {
  id: string;
  sha256: string;
  size: number;
  originalFilename: string;
  createdById: string | null;
  createdAt: string;
}

/** GET /v1/deployments (list items). */
export interface ApiDeploymentSummary {
  id: string;
  libraryName: string;
  models: { tag: string; role: 'model' | 'weights'; modelFileId: string; sha256: string }[];
  createdById: string | null;
  createdAt: string;
}

/** POST /v1/deployments, GET /v1/deployments/:id. */
export interface ApiDeployment extends ApiDeploymentSummary {
  /** The deployment file as submitted. */
  yaml: string;
  /** The typed configuration parsed by @mace/config. */
  config: Record<string, unknown>;
  /** Problems in the deployment file (line and column are 1-based). */
  warnings: { path: string; message: string; line?: number; column?: number }[];
}

export interface ApiJob {
  id: string;
  runId: string;
  kind: JobKind;
  status: JobStatus;
  reason: string | null;
  attempts: number;
  maxAttempts: number;
  deviceId: string | null;
  abi: string | null;
  modelTag: string | null;
  /** Jobs that must succeed before this one starts. */
  dependsOn: string[];
  payload: Record<string, unknown>;
  result: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** GET /v1/runs (list items). */
export interface ApiRunSummary {
  id: string;
  deploymentId: string;
  status: RunStatus;
  reason: string | null;
  actions: JobKind[];
  /** The device selector as given (DeviceSelector). */
  devices: Record<string, unknown>;
  /** The device-tool options as given (RunOptions). */
  options: Record<string, unknown>;
  idempotencyKey: string | null;
  createdById: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** POST /v1/runs, GET /v1/runs/:id. */
export interface ApiRun extends ApiRunSummary {
  jobs: ApiJob[];
}

/** POST /v1/runs body. */
export interface CreateRunRequest {
  deploymentId: string;
  actions: JobKind[];
  devices?: DeviceSelector;
  options?: RunOptions;
  /** A repeated request with the same key (per user) returns the first run. */
  idempotencyKey?: string;
}

/** GET /v1/runs/:id/logs items and SSE `log` events. */
export interface ApiJobLog {
  /** Increasing decimal; the SSE event id. */
  id: string;
  runId: string;
  jobId: string | null;
  stream: 'stdout' | 'stderr' | 'system';
  text: string;
  time: string;
}

export type ArtifactKind =
  | 'model_graph'
  | 'model_data'
  | 'reference_outputs'
  | 'coverage'
  | 'library'
  | 'binary'
  | 'tuned_binary'
  | 'tuned_parameters'
  | 'log'
  | 'outputs'
  | 'other';

export interface ApiArtifact {
  id: string;
  sha256: string;
  size: number;
  kind: ArtifactKind;
  name: string;
  contentType: string;
  runId: string | null;
  jobId: string | null;
  deviceId: string | null;
  metadata: Record<string, unknown>;
  downloadUrl: string;
  createdAt: string;
}

export type DeviceKind = 'host' | 'android' | 'linux';
export type DeviceState = 'available' | 'busy' | 'offline' | 'unauthorized' | 'quarantined';

export interface ApiDevice {
  id: string;
  serial: string;
  kind: DeviceKind;
  abis: string[];
  soc: string | null;
  model: string | null;
  state: DeviceState;
  properties: Record<string, unknown>;
  agentTokenId: string | null;
  lastHeartbeatAt: string | null;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
}

/** A device as the lab shows it (GET /v1/devices/events): the device and the job it runs now. */
export interface ApiLabDevice extends ApiDevice {
  currentJob: { id: string; runId: string; kind: JobKind; modelTag: string | null; startedAt: string | null } | null;
}

/** A named reference run (GET /v1/baselines/:tag). */
export interface ApiBaseline {
  id: string;
  tag: string;
  /** The run the tag points to. */
  runId: string;
  /** The user who last set the tag. */
  setById: string | null;
  createdAt: string;
  /** When the tag last moved. */
  updatedAt: string;
}

/** One output's validation metrics of a device job (GET /v1/runs/:id/results). */
export interface ApiValidationResult extends ValidationOutput {
  id: string;
  jobId: string;
  deviceId: string | null;
  modelTag: string;
  createdAt: string;
}

/** One op of a benchmark, in run order. */
export interface ApiOpStat {
  index: number;
  name: string;
  type: string;
  startMs: number;
  avgMs: number;
  /** Share of the run time, percent. */
  pct: number;
  /** Cumulative share in run order, percent. */
  cdfPct: number;
  macs: number;
  gmacps: number;
  /** One shape per output. */
  outputShape: number[][];
}

/** The ops of one type of a benchmark. */
export interface ApiOpTypeStat {
  type: string;
  count: number;
  avgMs: number;
  pct: number;
  cdfPct: number;
  macs: number;
  gmacps: number;
}

/** One benchmark job's summary (times in ms). */
export interface ApiBenchmarkResult {
  id: string;
  jobId: string;
  deviceId: string | null;
  modelTag: string;
  initMs: number;
  firstMs: number;
  minMs: number;
  medianMs: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  stdMs: number;
  /** Timed runs. */
  count: number;
  peakRssKb: number;
  macs: number;
  threads: number;
  createdAt: string;
  ops: ApiOpStat[];
  /** Longest first. */
  opTypes: ApiOpTypeStat[];
}

/** GET /v1/runs/:id/results. */
export interface ApiRunResults {
  runId: string;
  validation: ApiValidationResult[];
  benchmarks: ApiBenchmarkResult[];
}
