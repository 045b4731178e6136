// Response schema of GET /v1/runs/:id/results: a run's validation metrics (one entry per device
// job and output) and benchmark summaries with their per-op and per-op-type rows.
import { dateTime, nullable, uuid, type JsonSchema } from './common.js';

const obj = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  required: Object.keys(properties),
  additionalProperties: false,
  properties,
});
const number: JsonSchema = { type: 'number' };
const ms = (description: string): JsonSchema => ({ type: 'number', description: `${description}, milliseconds` });

export const validationResultSchema = obj({
  id: uuid,
  jobId: uuid,
  deviceId: nullable(uuid),
  modelTag: { type: 'string' },
  output: { type: 'string', description: 'the output tensor compared with the original framework’s' },
  cosine: { ...number, description: 'cosine similarity with the reference output' },
  sqnrDb: {
    type: ['number', 'null'],
    description: 'signal-to-quantization-noise ratio in dB; null when the outputs are identical',
  },
  pixelAccuracy: {
    ...number,
    description: 'top-1 agreement: the fraction of rows whose arg-max matches the reference',
  },
  maxAbsError: number,
  threshold: { ...number, description: 'the deployment’s validation_threshold for this runtime' },
  passed: { type: 'boolean', description: 'cosine ≥ threshold' },
  createdAt: dateTime,
});

export const opStatSchema = obj({
  index: { type: 'integer', description: 'position in run order' },
  name: { type: 'string' },
  type: { type: 'string' },
  startMs: ms('start within a run'),
  avgMs: ms('average time'),
  pct: { ...number, description: 'share of the run time, percent' },
  cdfPct: { ...number, description: 'cumulative share in run order, percent' },
  macs: { type: 'integer' },
  gmacps: number,
  outputShape: {
    type: 'array',
    items: { type: 'array', items: { type: 'integer' } },
    description: 'one shape per output',
  },
});

export const opTypeStatSchema = obj({
  type: { type: 'string' },
  count: { type: 'integer', description: 'ops of this type' },
  avgMs: ms('average time of all ops of this type'),
  pct: number,
  cdfPct: number,
  macs: { type: 'integer' },
  gmacps: number,
});

export const benchmarkResultSchema = obj({
  id: uuid,
  jobId: uuid,
  deviceId: nullable(uuid),
  modelTag: { type: 'string' },
  initMs: ms('engine initialization'),
  firstMs: ms('first run'),
  minMs: ms('fastest timed run'),
  medianMs: ms('median timed run'),
  p90Ms: ms('90th percentile'),
  p99Ms: ms('99th percentile'),
  maxMs: ms('slowest timed run'),
  meanMs: ms('mean'),
  stdMs: ms('standard deviation'),
  count: { type: 'integer', description: 'timed runs' },
  peakRssKb: { type: 'integer' },
  macs: { type: 'integer' },
  threads: { type: 'integer' },
  createdAt: dateTime,
  ops: { type: 'array', items: opStatSchema, description: 'every op, in run order' },
  opTypes: { type: 'array', items: opTypeStatSchema, description: 'by op type, longest first' },
});

export const runResultsSchema = obj({
  runId: uuid,
  validation: { type: 'array', items: validationResultSchema, description: 'per device job and output, oldest first' },
  benchmarks: { type: 'array', items: benchmarkResultSchema, description: 'one per benchmark job, oldest first' },
});
