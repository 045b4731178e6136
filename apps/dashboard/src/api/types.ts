// The API's JSON objects, the fields the dashboard reads (GET /docs/json is the reference; the
// schemas live in apps/api/src/schemas).
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'errored' | 'cancelled';
export type JobStatus = 'pending' | RunStatus;
export type DeviceState = 'available' | 'busy' | 'offline' | 'unauthorized' | 'quarantined';

export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'errored', 'cancelled'];
export const TERMINAL_STATUSES: readonly string[] = ['succeeded', 'failed', 'errored', 'cancelled'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  next: string | null;
}

export interface TokenInfo {
  id: string;
  name: string;
  scope: 'admin' | 'user' | 'agent';
  prefix: string;
}

export interface Device {
  id: string;
  serial: string;
  kind: 'host' | 'android' | 'linux';
  abis: string[];
  soc: string | null;
  model: string | null;
  state: DeviceState;
  properties: Record<string, unknown>;
  lastHeartbeatAt: string | null;
  consecutiveFailures: number;
}

export interface LabDevice extends Device {
  currentJob: {
    id: string;
    runId: string;
    kind: string;
    modelTag: string | null;
    startedAt: string | null;
  } | null;
}

export interface Job {
  id: string;
  runId: string;
  kind: string;
  status: JobStatus;
  reason: string | null;
  attempts: number;
  deviceId: string | null;
  abi: string | null;
  modelTag: string | null;
  dependsOn: string[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunSummary {
  id: string;
  deploymentId: string;
  status: RunStatus;
  reason: string | null;
  actions: string[];
  devices: Record<string, unknown>;
  options: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Run extends RunSummary {
  jobs: Job[];
}

export interface Deployment {
  id: string;
  libraryName: string;
  createdAt: string;
}

export interface JobLog {
  id: string;
  runId: string;
  jobId: string | null;
  stream: 'stdout' | 'stderr' | 'system';
  text: string;
  time: string;
}

export interface OpStat {
  index: number;
  name: string;
  type: string;
  startMs: number;
  avgMs: number;
  pct: number;
  cdfPct: number;
  macs: number;
  gmacps: number;
  outputShape: number[][];
}

export interface OpTypeStat {
  type: string;
  count: number;
  avgMs: number;
  pct: number;
  cdfPct: number;
  macs: number;
  gmacps: number;
}

export interface BenchmarkResult {
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
  count: number;
  peakRssKb: number;
  macs: number;
  threads: number;
  createdAt: string;
  ops: OpStat[];
  opTypes: OpTypeStat[];
}

export interface ValidationResult {
  id: string;
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

export interface RunResults {
  runId: string;
  validation: ValidationResult[];
  benchmarks: BenchmarkResult[];
}

export interface Artifact {
  id: string;
  sha256: string;
  size: number;
  kind: string;
  name: string;
  contentType: string;
  runId: string | null;
  jobId: string | null;
  deviceId: string | null;
  metadata: Record<string, unknown>;
  downloadUrl: string;
  createdAt: string;
}
