// The machine form of a benchmark_model run (`benchmark_model --json FILE`): its TypeScript
// types, its JSON Schema, and a validating parser. Field names are the wire names (snake_case),
// as native/tools/common/benchmark_report.cc writes them.

/** End-to-end times of the runs without statistics, in ms. Percentiles use the nearest-rank method. */
export interface BenchmarkRunStats {
  count: number;
  min_ms: number;
  /** Nearest-rank 50th percentile (the lower middle value for an even count). */
  median_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
  /** Population standard deviation. */
  std_ms: number;
}

/** One op of the graph, averaged over the runs with statistics. */
export interface BenchmarkOpStat {
  name: string;
  type: string;
  /** Mean offset of the op's start from the start of the run's first op. */
  start_ms: number;
  /** Time per run (all calls of the op in a run). */
  avg_ms: number;
  /** Share of the total op time, %. */
  pct: number;
  /** Cumulative share in run order, %. */
  cdf_pct: number;
  /** Multiply-accumulates per run. */
  macs: number;
  /** macs / avg_ms in 10^9 per second; 0 when either is 0. */
  gmacps: number;
  /** One shape per output. */
  output_shape: number[][];
}

/** The ops of one type, summed. */
export interface BenchmarkTypeStat {
  type: string;
  /** Distinct ops of this type. */
  count: number;
  avg_ms: number;
  pct: number;
  /** Cumulative share in by_type's order (longest first), %. */
  cdf_pct: number;
  macs: number;
  gmacps: number;
}

export interface BenchmarkResult {
  /** The --model_file given to benchmark_model. */
  model: string;
  threads: number;
  init_ms: number;
  /** The process's first run: the first warm-up run, else the first timed run. */
  first_ms: number;
  runs: BenchmarkRunStats;
  peak_rss_kb: number;
  /** Multiply-accumulates per run, all ops. */
  macs: number;
  /** In run order. */
  ops: BenchmarkOpStat[];
  /** Sorted by avg_ms, longest first. */
  by_type: BenchmarkTypeStat[];
}

/** The subset of JSON Schema that benchmarkResultSchema uses (and parseBenchmarkResult interprets). */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type: 'object' | 'array' | 'string' | 'number' | 'integer';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
}

const ms = (description: string): JsonSchema => ({ type: 'number', minimum: 0, description });
const pct = (description: string): JsonSchema => ({ type: 'number', minimum: 0, maximum: 100, description });
const count = (description: string, minimum = 0): JsonSchema => ({ type: 'integer', minimum, description });

const runStatsSchema: JsonSchema = {
  type: 'object',
  description: 'End-to-end times of the runs without statistics (nearest-rank percentiles)',
  required: ['count', 'min_ms', 'median_ms', 'p90_ms', 'p99_ms', 'max_ms', 'mean_ms', 'std_ms'],
  properties: {
    count: count('number of runs', 1),
    min_ms: ms('fastest run'),
    median_ms: ms('nearest-rank 50th percentile'),
    p90_ms: ms('nearest-rank 90th percentile'),
    p99_ms: ms('nearest-rank 99th percentile'),
    max_ms: ms('slowest run'),
    mean_ms: ms('arithmetic mean'),
    std_ms: ms('population standard deviation'),
  },
};

const opStatSchema: JsonSchema = {
  type: 'object',
  required: ['name', 'type', 'start_ms', 'avg_ms', 'pct', 'cdf_pct', 'macs', 'gmacps', 'output_shape'],
  properties: {
    name: { type: 'string', minLength: 1 },
    type: { type: 'string', minLength: 1 },
    start_ms: ms('mean offset of the start from the start of the run'),
    avg_ms: ms('time per run, averaged over the runs with statistics'),
    pct: pct('share of the total op time'),
    cdf_pct: pct('cumulative share in run order'),
    macs: count('multiply-accumulates per run'),
    gmacps: { type: 'number', minimum: 0, description: 'macs per second / 1e9' },
    output_shape: {
      type: 'array',
      description: 'one shape per output',
      items: { type: 'array', items: { type: 'integer', minimum: 0 } },
    },
  },
};

const typeStatSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'count', 'avg_ms', 'pct', 'cdf_pct', 'macs', 'gmacps'],
  properties: {
    type: { type: 'string', minLength: 1 },
    count: count('distinct ops of this type', 1),
    avg_ms: ms('time per run of all ops of this type'),
    pct: pct('share of the total op time'),
    cdf_pct: pct('cumulative share, longest type first'),
    macs: count('multiply-accumulates per run'),
    gmacps: { type: 'number', minimum: 0, description: 'macs per second / 1e9' },
  },
};

/** JSON Schema (draft 2020-12) of BenchmarkResult. Unknown properties are allowed (and ignored by the parser). */
export const benchmarkResultSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://mace.dev/schemas/benchmark-result.json',
  title: 'BenchmarkResult',
  description: 'benchmark_model --json output: end-to-end run statistics and per-op statistics',
  type: 'object',
  required: ['model', 'threads', 'init_ms', 'first_ms', 'runs', 'peak_rss_kb', 'macs', 'ops', 'by_type'],
  properties: {
    model: { type: 'string', minLength: 1, description: 'the --model_file given' },
    threads: count('CPU threads', 1),
    init_ms: ms('engine creation time'),
    first_ms: ms('the first run of the process'),
    runs: runStatsSchema,
    peak_rss_kb: count('resident-set high-water mark, KiB (0 = unknown)'),
    macs: count('multiply-accumulates per run, all ops'),
    ops: { type: 'array', description: 'per op, in run order', items: opStatSchema },
    by_type: { type: 'array', description: 'per op type, longest first', items: typeStatSchema },
  },
};

/** A benchmark result that does not match the schema: where (`$.ops[2].avg_ms`) and why. */
export class BenchmarkResultError extends Error {
  readonly path: string;
  readonly reason: string;
  constructor(path: string, reason: string) {
    super(`invalid benchmark result at ${path}: ${reason}`);
    this.name = 'BenchmarkResultError';
    this.path = path;
    this.reason = reason;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : `${value}`;
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const child = (path: string, key: string) => (IDENT.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

/**
 * Checks `value` against `schema` (the JsonSchema subset above) and returns a copy that holds
 * only the properties the schema names. Throws BenchmarkResultError at the first violation.
 */
export function validateAgainstSchema(schema: JsonSchema, value: unknown, path = '$'): unknown {
  switch (schema.type) {
    case 'object': {
      if (!isRecord(value)) throw new BenchmarkResultError(path, `expected an object, got ${describeValue(value)}`);
      for (const key of schema.required ?? [])
        if (!Object.prototype.hasOwnProperty.call(value, key))
          throw new BenchmarkResultError(child(path, key), 'is required but missing');
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties ?? {}))
        if (Object.prototype.hasOwnProperty.call(value, key))
          out[key] = validateAgainstSchema(sub, value[key], child(path, key));
      return out;
    }
    case 'array': {
      if (!Array.isArray(value)) throw new BenchmarkResultError(path, `expected an array, got ${describeValue(value)}`);
      if (schema.minItems !== undefined && value.length < schema.minItems)
        throw new BenchmarkResultError(path, `expected at least ${schema.minItems} items, got ${value.length}`);
      return value.map((item, i) => (schema.items ? validateAgainstSchema(schema.items, item, `${path}[${i}]`) : item));
    }
    case 'string': {
      if (typeof value !== 'string')
        throw new BenchmarkResultError(path, `expected a string, got ${describeValue(value)}`);
      if (schema.minLength !== undefined && value.length < schema.minLength)
        throw new BenchmarkResultError(
          path,
          schema.minLength === 1 ? 'must not be empty' : `must have at least ${schema.minLength} characters`,
        );
      return value;
    }
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new BenchmarkResultError(path, `expected a finite number, got ${describeValue(value)}`);
      if (schema.type === 'integer' && !Number.isInteger(value))
        throw new BenchmarkResultError(path, `expected an integer, got ${value}`);
      if (schema.minimum !== undefined && value < schema.minimum)
        throw new BenchmarkResultError(path, `must be >= ${schema.minimum}, got ${value}`);
      if (schema.maximum !== undefined && value > schema.maximum)
        throw new BenchmarkResultError(path, `must be <= ${schema.maximum}, got ${value}`);
      return value;
    }
  }
}

/** Relations between fields that a JSON Schema cannot state. */
function checkConsistency(r: BenchmarkResult): void {
  const order: (keyof BenchmarkRunStats)[] = ['min_ms', 'median_ms', 'p90_ms', 'p99_ms', 'max_ms'];
  for (let i = 1; i < order.length; ++i)
    if (r.runs[order[i]] < r.runs[order[i - 1]])
      throw new BenchmarkResultError(
        `$.runs.${order[i]}`,
        `must be >= runs.${order[i - 1]} (${r.runs[order[i]]} < ${r.runs[order[i - 1]]})`,
      );
  if (r.runs.mean_ms < r.runs.min_ms || r.runs.mean_ms > r.runs.max_ms)
    throw new BenchmarkResultError(
      '$.runs.mean_ms',
      `must lie between runs.min_ms and runs.max_ms, got ${r.runs.mean_ms}`,
    );
  r.ops.forEach((op, i) => {
    if (i > 0 && op.cdf_pct < r.ops[i - 1].cdf_pct)
      throw new BenchmarkResultError(
        `$.ops[${i}].cdf_pct`,
        `must not decrease along the run order (${op.cdf_pct} < ${r.ops[i - 1].cdf_pct})`,
      );
  });
  r.by_type.forEach((t, i) => {
    if (i === 0) return;
    const prev = r.by_type[i - 1];
    if (t.avg_ms > prev.avg_ms)
      throw new BenchmarkResultError(
        `$.by_type[${i}].avg_ms`,
        `by_type must be sorted by avg_ms, longest first (${t.avg_ms} > ${prev.avg_ms})`,
      );
    if (t.cdf_pct < prev.cdf_pct)
      throw new BenchmarkResultError(`$.by_type[${i}].cdf_pct`, `must not decrease (${t.cdf_pct} < ${prev.cdf_pct})`);
  });
  const opMacs = r.ops.reduce((s, op) => s + op.macs, 0);
  if (opMacs !== r.macs)
    throw new BenchmarkResultError('$.macs', `must equal the sum of ops[].macs (${opMacs}), got ${r.macs}`);
}

/**
 * Validates a benchmark_model JSON result (the parsed value, or its text) and returns it typed.
 * Unknown properties are dropped. Throws BenchmarkResultError naming the path and the reason.
 */
export function parseBenchmarkResult(json: unknown): BenchmarkResult {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new BenchmarkResultError('$', `not valid JSON: ${(e as Error).message}`);
    }
  }
  const result = validateAgainstSchema(benchmarkResultSchema, value) as BenchmarkResult;
  checkConsistency(result);
  return result;
}
