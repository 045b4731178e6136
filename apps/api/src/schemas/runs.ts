// Request schemas of run creation: actions, the device selector and the device-tool options
// (packages/protocol DeviceSelector and RunOptions; MACE's own option names are accepted too).
import { MAX_TIME_LIMIT_S, type CreateRunRequest, type RunOptions } from '@mace/protocol';
import type { JsonSchema } from './common.js';
import { uuid } from './common.js';
import { DEVICE_KIND_VALUES, JOB_KIND_VALUES } from './resources.js';

export const deviceSelectorSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'which devices run the device jobs; every field given must match; none = every suitable online device',
  properties: {
    ids: { type: 'array', items: uuid, minItems: 1, maxItems: 1000, uniqueItems: true },
    serials: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, maxItems: 1000, uniqueItems: true },
    kind: { type: 'string', enum: DEVICE_KIND_VALUES },
    abi: { type: 'string', minLength: 1 },
    soc: { type: 'string', minLength: 1 },
    model: { type: 'string', minLength: 1 },
  },
};

const affinity = { type: 'integer', enum: [0, 1, 2], description: '0 none, 1 big cores, 2 little cores' };

export const runOptionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    'options of the device tools; MACE’s names (omp_num_threads, cpu_affinity_policy, warmup_runs, max_time) are accepted as aliases',
  properties: {
    round: { type: 'integer', minimum: 1, maximum: 10_000, description: 'benchmark_model timed runs (default 20)' },
    maxTime: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: MAX_TIME_LIMIT_S,
      description:
        'benchmark_model time limit in seconds, for the timed runs and again for the runs with statistics: ' +
        'it stops early (after at least one run) when this is spent (default 10); raise it for slow devices',
    },
    warmupRuns: { type: 'integer', minimum: 0, maximum: 1_000, description: 'untimed runs first (default 1)' },
    threads: { type: 'integer', minimum: -1, maximum: 256, description: 'CPU threads (-1 or absent: one per core)' },
    cpuAffinityPolicy: affinity,
    seed: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1, description: 'seed of random inputs (default 1234)' },
    omp_num_threads: { type: 'integer', minimum: -1, maximum: 256, description: 'alias of threads' },
    cpu_affinity_policy: { ...affinity, description: 'alias of cpuAffinityPolicy' },
    warmup_runs: { type: 'integer', minimum: 0, maximum: 1_000, description: 'alias of warmupRuns' },
    max_time: { type: 'number', exclusiveMinimum: 0, maximum: MAX_TIME_LIMIT_S, description: 'alias of maxTime' },
  },
};

export const IDEMPOTENCY_KEY = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' } as const;

export const createRunBodySchema: JsonSchema = {
  type: 'object',
  required: ['deploymentId', 'actions'],
  additionalProperties: false,
  properties: {
    deploymentId: uuid,
    actions: {
      type: 'array',
      items: { type: 'string', enum: JOB_KIND_VALUES },
      minItems: 1,
      uniqueItems: true,
      description:
        'steps to run: convert, build, tune, validate, benchmark (prerequisites are added by the pipeline: ' +
        'build needs convert; tune, validate and benchmark need build; validate and benchmark of a GPU model ' +
        '(runtime gpu or cpu+gpu) run after its tune job on each device, which reuses earlier tuned OpenCL files ' +
        'when the device, driver, runtime and graph are unchanged; tune needs a GPU model)',
    },
    devices: deviceSelectorSchema,
    options: runOptionsSchema,
    idempotencyKey: {
      ...IDEMPOTENCY_KEY,
      description:
        'a repeated request with the same key (per user) returns the first run (200); also the Idempotency-Key header',
    },
  },
};

/** @mace/protocol's CreateRunRequest, whose options may also use MACE's names. */
export type CreateRunBody = Omit<CreateRunRequest, 'options'> & {
  options?: RunOptions & {
    omp_num_threads?: number;
    cpu_affinity_policy?: 0 | 1 | 2;
    warmup_runs?: number;
    max_time?: number;
  };
};

/** The options in the pipeline's names (aliases folded in; the pipeline's own name wins). */
export function normalizeRunOptions(options: CreateRunBody['options'] = {}): RunOptions {
  const { omp_num_threads, cpu_affinity_policy, warmup_runs, max_time, ...rest } = options;
  const out: RunOptions = { ...rest };
  if (out.threads === undefined && omp_num_threads !== undefined) out.threads = omp_num_threads;
  if (out.cpuAffinityPolicy === undefined && cpu_affinity_policy !== undefined)
    out.cpuAffinityPolicy = cpu_affinity_policy;
  if (out.warmupRuns === undefined && warmup_runs !== undefined) out.warmupRuns = warmup_runs;
  if (out.maxTime === undefined && max_time !== undefined) out.maxTime = max_time;
  return out;
}
