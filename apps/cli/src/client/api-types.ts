// The API's JSON objects as the client reads them (the fields it uses; GET /docs/json has all).
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'errored' | 'cancelled';
export type JobStatus = 'pending' | RunStatus;
export type JobKind = 'convert' | 'build' | 'validate' | 'benchmark' | 'tune';

export const TERMINAL_STATUSES: readonly string[] = ['succeeded', 'failed', 'errored', 'cancelled'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  next: string | null;
}

export interface ApiModelFile {
  id: string;
  sha256: string;
  size: number;
  originalFilename: string;
}

export interface ApiDeployment {
  id: string;
  libraryName: string;
  models: { tag: string; role: 'model' | 'weights'; modelFileId: string; sha256: string }[];
  warnings: { path: string; message: string }[];
}

export interface ApiJob {
  id: string;
  runId: string;
  kind: JobKind;
  status: JobStatus;
  reason: string | null;
  attempts: number;
  deviceId: string | null;
  abi: string | null;
  modelTag: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ApiRun {
  id: string;
  deploymentId: string;
  status: RunStatus;
  reason: string | null;
  actions: JobKind[];
  options: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  jobs: ApiJob[];
}

export interface CreateRunRequest {
  deploymentId: string;
  actions: JobKind[];
  devices?: {
    ids?: string[];
    serials?: string[];
    kind?: 'host' | 'android' | 'linux';
    abi?: string;
    soc?: string;
    model?: string;
  };
  options?: { round?: number; warmupRuns?: number; threads?: number; cpuAffinityPolicy?: number; seed?: number };
  idempotencyKey?: string;
}

export interface ApiDevice {
  id: string;
  serial: string;
  kind: 'host' | 'android' | 'linux';
  abis: string[];
  soc: string | null;
  model: string | null;
  state: string;
  properties: Record<string, unknown>;
  lastHeartbeatAt: string | null;
}

export interface ApiJobLog {
  id: string;
  runId: string;
  jobId: string | null;
  stream: 'stdout' | 'stderr' | 'system';
  text: string;
  time: string;
}

export interface ApiValidationResult {
  jobId: string;
  deviceId: string | null;
  modelTag: string;
  output: string;
  cosine: number;
  sqnrDb: number | null;
  pixelAccuracy: number;
  maxAbsError: number;
  threshold: number;
  passed: boolean;
}

export interface ApiOpStat {
  index: number;
  name: string;
  type: string;
  avgMs: number;
  pct: number;
  macs: number;
  outputShape: number[][];
}

export interface ApiBenchmarkResult {
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
  count: number;
  peakRssKb: number;
  threads: number;
  ops: ApiOpStat[];
  opTypes: { type: string; count: number; avgMs: number; pct: number }[];
}

export interface ApiRunResults {
  runId: string;
  validation: ApiValidationResult[];
  benchmarks: ApiBenchmarkResult[];
}

export interface ApiArtifact {
  id: string;
  sha256: string;
  size: number;
  kind: string;
  name: string;
  contentType: string;
  runId: string | null;
  jobId: string | null;
  deviceId: string | null;
  downloadUrl: string;
}

export interface ApiBaseline {
  id: string;
  tag: string;
  runId: string;
  setById: string | null;
  createdAt: string;
  updatedAt: string;
}
