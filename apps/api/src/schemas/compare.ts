// Schemas of baselines (named reference runs) and of GET /v1/runs/:id/compare, whose body is
// @mace/protocol's RunComparison.
import { LATENCY_METRICS } from '@mace/protocol';
import { dateTime, nullable, uuid, type JsonSchema } from './common.js';

const obj = (properties: Record<string, JsonSchema>, optional: string[] = []): JsonSchema => ({
  type: 'object',
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  additionalProperties: false,
  properties,
});
const nullableNumber: JsonSchema = { type: ['number', 'null'] };
const modelTag: JsonSchema = { type: 'string' };

/** Letters, digits, '.', '_' and '-', starting with a letter or digit: a tag fits in a path segment. */
export const BASELINE_TAG: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  description: 'letters, digits, ".", "_" and "-" (1–100 characters, starting with a letter or digit), e.g. main',
};

export const baselineSchema = obj({
  id: uuid,
  tag: BASELINE_TAG,
  runId: { ...uuid, description: 'the run the tag points to' },
  setById: { ...nullable(uuid), description: 'the user who last set the tag' },
  createdAt: { ...dateTime, description: 'when the tag was first set' },
  updatedAt: { ...dateTime, description: 'when the tag last moved' },
});

export const setBaselineBodySchema = obj({ tag: BASELINE_TAG });

/** A time in both runs and the difference (TimeDelta). */
const timeDelta: Record<string, JsonSchema> = {
  baseMs: { ...nullableNumber, description: 'in the base run (null: not in it)' },
  ms: { ...nullableNumber, description: 'in the compared run (null: not in it)' },
  deltaMs: { ...nullableNumber, description: 'ms - baseMs' },
  deltaPct: { ...nullableNumber, description: '100 · deltaMs / baseMs (null when baseMs is 0 or missing)' },
  regressed: { type: 'boolean', description: 'deltaPct > thresholdPct and deltaMs ≥ minDeltaMs' },
};

const validationMetrics = nullable(
  obj({
    cosine: { type: 'number' },
    sqnrDb: nullableNumber,
    pixelAccuracy: { type: 'number' },
    maxAbsError: { type: 'number' },
    passed: { type: 'boolean' },
  }),
);

export const runComparisonSchema = obj({
  baseRunId: uuid,
  baselineTag: { type: ['string', 'null'], description: 'the baseline compared with (?baseline=), else null' },
  runId: uuid,
  thresholdPct: { type: 'number' },
  minDeltaMs: { type: 'number' },
  benchmarks: {
    type: 'array',
    description: 'one per model and device: paired by model tag and device, then by model tag alone',
    items: obj({
      modelTag,
      deviceId: nullable(uuid),
      baseDeviceId: nullable(uuid),
      jobId: nullable(uuid),
      baseJobId: nullable(uuid),
      threads: { type: ['integer', 'null'] },
      baseThreads: { type: ['integer', 'null'] },
      latency: {
        type: 'array',
        items: obj({ metric: { type: 'string', enum: [...LATENCY_METRICS] }, ...timeDelta }),
      },
      ops: {
        type: 'array',
        description: 'paired by name, then by index and type; unpaired ops are added or removed',
        items: obj({
          name: { type: 'string' },
          type: { type: 'string' },
          index: { type: 'integer' },
          matchedBy: { type: 'string', enum: ['name', 'index', 'added', 'removed'] },
          ...timeDelta,
        }),
      },
      opTypes: {
        type: 'array',
        items: obj({
          type: { type: 'string' },
          baseCount: { type: 'integer' },
          count: { type: 'integer' },
          ...timeDelta,
        }),
      },
      regressed: { type: 'boolean' },
    }),
  },
  validation: {
    type: 'array',
    items: obj({
      modelTag,
      output: { type: 'string' },
      deviceId: nullable(uuid),
      base: validationMetrics,
      value: validationMetrics,
      regressed: { type: 'boolean', description: 'passed in the base run, fails in this one' },
    }),
  },
  regressions: {
    type: 'array',
    description: 'everything that regressed; empty when the comparison passes',
    items: obj(
      {
        kind: { type: 'string', enum: ['latency', 'op', 'opType', 'validation'] },
        modelTag,
        deviceId: nullable(uuid),
        name: { type: 'string', description: 'latency metric, op name, op type or output' },
        type: { type: 'string', description: 'the op type (kind op)' },
        baseMs: { type: 'number' },
        ms: { type: 'number' },
        deltaMs: { type: 'number' },
        deltaPct: { type: 'number' },
      },
      ['type', 'baseMs', 'ms', 'deltaMs', 'deltaPct'],
    ),
  },
});
