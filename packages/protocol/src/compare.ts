// Comparing two runs' results (GET /v1/runs/:id/results): latency summaries, per-op and per-op-type
// times and validation metrics side by side, and the regressions a CI gate fails on. Pure: the API's
// compare route, the CLI and the dashboard all call this one function.
import type { ApiBenchmarkResult, ApiOpStat, ApiOpTypeStat, ApiValidationResult } from './api.js';

/** One op of a benchmark (the fields compared). */
export type ComparableOp = Pick<ApiOpStat, 'index' | 'name' | 'type' | 'avgMs'>;

export type ComparableBenchmark = Pick<
  ApiBenchmarkResult,
  'jobId' | 'deviceId' | 'modelTag' | 'meanMs' | 'medianMs' | 'p90Ms' | 'p99Ms' | 'threads'
> & {
  ops: ComparableOp[];
  opTypes: Pick<ApiOpTypeStat, 'type' | 'count' | 'avgMs'>[];
};

export type ComparableValidation = Pick<
  ApiValidationResult,
  'jobId' | 'deviceId' | 'modelTag' | 'output' | 'cosine' | 'sqnrDb' | 'pixelAccuracy' | 'maxAbsError' | 'passed'
>;

/** The part of a run's results (ApiRunResults) that comparisons read. */
export interface ComparableRunResults {
  runId: string;
  validation: ComparableValidation[];
  benchmarks: ComparableBenchmark[];
}

export interface CompareOptions {
  /** A time more than this many percent above the base one is a regression (default 10). */
  thresholdPct?: number;
  /**
   * Differences smaller than this many ms are never regressions (default 0.01): timer resolution
   * and scheduling noise make tiny ops swing by large percentages.
   */
  minDeltaMs?: number;
}

export const DEFAULT_REGRESSION_THRESHOLD_PCT = 10;
export const DEFAULT_MIN_DELTA_MS = 0.01;

/** A time in both runs (null where one side lacks it) and their difference. */
export interface TimeDelta {
  baseMs: number | null;
  ms: number | null;
  /** ms - baseMs; null unless both exist. */
  deltaMs: number | null;
  /** 100 · deltaMs / baseMs; null unless both exist and baseMs > 0. */
  deltaPct: number | null;
  regressed: boolean;
}

export const LATENCY_METRICS = ['meanMs', 'medianMs', 'p90Ms', 'p99Ms'] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

export interface OpDelta extends TimeDelta {
  name: string;
  type: string;
  /** Index in the compared run (the base run's for an op only it has). */
  index: number;
  /** How the op was paired: by name, by index and type, or not at all (only one run has it). */
  matchedBy: 'name' | 'index' | 'added' | 'removed';
}

export interface OpTypeDelta extends TimeDelta {
  type: string;
  baseCount: number;
  count: number;
}

/** One model on one device in both runs (or in one of them). */
export interface BenchmarkComparison {
  modelTag: string;
  deviceId: string | null;
  baseDeviceId: string | null;
  jobId: string | null;
  baseJobId: string | null;
  threads: number | null;
  baseThreads: number | null;
  latency: ({ metric: LatencyMetric } & TimeDelta)[];
  ops: OpDelta[];
  opTypes: OpTypeDelta[];
  regressed: boolean;
}

export interface ValidationComparison {
  modelTag: string;
  output: string;
  deviceId: string | null;
  base: Omit<ComparableValidation, 'jobId' | 'deviceId' | 'modelTag' | 'output'> | null;
  value: Omit<ComparableValidation, 'jobId' | 'deviceId' | 'modelTag' | 'output'> | null;
  /** Passed in the base run, fails now. */
  regressed: boolean;
}

export interface Regression {
  kind: 'latency' | 'op' | 'opType' | 'validation';
  modelTag: string;
  deviceId: string | null;
  /** The latency metric, op name, op type or output name. */
  name: string;
  /** The op's type (kind op). */
  type?: string;
  baseMs?: number;
  ms?: number;
  deltaMs?: number;
  deltaPct?: number;
}

export interface RunComparison {
  baseRunId: string;
  runId: string;
  thresholdPct: number;
  minDeltaMs: number;
  benchmarks: BenchmarkComparison[];
  validation: ValidationComparison[];
  /** Everything that regressed, in benchmark order: latency first, then ops, then op types; then validation. */
  regressions: Regression[];
}

/**
 * Compares `run` against `base`. Benchmarks pair by model tag and device, then by model tag alone
 * (a baseline from another device of the same model). Ops pair by name, then by index and type.
 */
export function compareRunResults(
  base: ComparableRunResults,
  run: ComparableRunResults,
  options: CompareOptions = {},
): RunComparison {
  const thresholdPct = options.thresholdPct ?? DEFAULT_REGRESSION_THRESHOLD_PCT;
  const minDeltaMs = options.minDeltaMs ?? DEFAULT_MIN_DELTA_MS;
  if (!(thresholdPct >= 0)) throw new RangeError(`thresholdPct must be ≥ 0, got ${thresholdPct}`);
  if (!(minDeltaMs >= 0)) throw new RangeError(`minDeltaMs must be ≥ 0, got ${minDeltaMs}`);
  const delta = (baseMs: number | null, ms: number | null): TimeDelta =>
    timeDelta(baseMs, ms, thresholdPct, minDeltaMs);

  const benchmarks = pairBenchmarks(base.benchmarks, run.benchmarks).map(([b, r]) => compareBenchmark(b, r, delta));
  const validation = compareValidation(base.validation, run.validation);

  const regressions: Regression[] = [];
  for (const c of benchmarks) {
    const where = { modelTag: c.modelTag, deviceId: c.deviceId };
    for (const l of c.latency.filter((x) => x.regressed))
      regressions.push({ kind: 'latency', ...where, name: l.metric, ...times(l) });
    for (const o of c.ops.filter((x) => x.regressed))
      regressions.push({ kind: 'op', ...where, name: o.name, type: o.type, ...times(o) });
    for (const t of c.opTypes.filter((x) => x.regressed))
      regressions.push({ kind: 'opType', ...where, name: t.type, ...times(t) });
  }
  for (const v of validation.filter((x) => x.regressed))
    regressions.push({ kind: 'validation', modelTag: v.modelTag, deviceId: v.deviceId, name: v.output });

  return { baseRunId: base.runId, runId: run.runId, thresholdPct, minDeltaMs, benchmarks, validation, regressions };
}

function timeDelta(baseMs: number | null, ms: number | null, thresholdPct: number, minDeltaMs: number): TimeDelta {
  if (baseMs === null || ms === null) return { baseMs, ms, deltaMs: null, deltaPct: null, regressed: false };
  const deltaMs = ms - baseMs;
  const deltaPct = baseMs > 0 ? (100 * deltaMs) / baseMs : null;
  const regressed = deltaPct !== null && deltaPct > thresholdPct && deltaMs >= minDeltaMs;
  return { baseMs, ms, deltaMs, deltaPct, regressed };
}

function times(d: TimeDelta): Pick<Regression, 'baseMs' | 'ms' | 'deltaMs' | 'deltaPct'> {
  return {
    baseMs: d.baseMs ?? undefined,
    ms: d.ms ?? undefined,
    deltaMs: d.deltaMs ?? undefined,
    deltaPct: d.deltaPct ?? undefined,
  };
}

type Pair<T> = [T | null, T | null];

function pairBenchmarks(base: ComparableBenchmark[], run: ComparableBenchmark[]): Pair<ComparableBenchmark>[] {
  const left = [...base];
  const take = (pred: (b: ComparableBenchmark) => boolean): ComparableBenchmark | null => {
    const i = left.findIndex(pred);
    return i < 0 ? null : left.splice(i, 1)[0]!;
  };
  const pairs: Pair<ComparableBenchmark>[] = run.map((r) => [
    take((b) => b.modelTag === r.modelTag && b.deviceId === r.deviceId),
    r,
  ]);
  for (const p of pairs) p[0] ??= take((b) => b.modelTag === p[1]!.modelTag);
  return [...pairs, ...left.map((b): Pair<ComparableBenchmark> => [b, null])];
}

function compareBenchmark(
  b: ComparableBenchmark | null,
  r: ComparableBenchmark | null,
  delta: (baseMs: number | null, ms: number | null) => TimeDelta,
): BenchmarkComparison {
  const latency = LATENCY_METRICS.map((metric) => ({ metric, ...delta(b?.[metric] ?? null, r?.[metric] ?? null) }));
  const ops = pairOps(b?.ops ?? [], r?.ops ?? []).map(([bo, ro, matchedBy]) => ({
    name: (ro ?? bo)!.name,
    type: (ro ?? bo)!.type,
    index: (ro ?? bo)!.index,
    matchedBy,
    ...delta(bo?.avgMs ?? null, ro?.avgMs ?? null),
  }));
  const types = new Map<string, { base?: { count: number; avgMs: number }; run?: { count: number; avgMs: number } }>();
  for (const t of b?.opTypes ?? []) types.set(t.type, { ...types.get(t.type), base: t });
  for (const t of r?.opTypes ?? []) types.set(t.type, { ...types.get(t.type), run: t });
  const opTypes = [...types].map(([type, t]) => ({
    type,
    baseCount: t.base?.count ?? 0,
    count: t.run?.count ?? 0,
    ...delta(t.base?.avgMs ?? null, t.run?.avgMs ?? null),
  }));
  const some = (xs: { regressed: boolean }[]) => xs.some((x) => x.regressed);
  return {
    modelTag: (r ?? b)!.modelTag,
    deviceId: r?.deviceId ?? null,
    baseDeviceId: b?.deviceId ?? null,
    jobId: r?.jobId ?? null,
    baseJobId: b?.jobId ?? null,
    threads: r?.threads ?? null,
    baseThreads: b?.threads ?? null,
    latency,
    ops,
    opTypes,
    regressed: some(latency) || some(ops) || some(opTypes),
  };
}

/** Ops by name (where unique on both sides) first, then the rest by index with the same type. */
function pairOps(base: ComparableOp[], run: ComparableOp[]): [...Pair<ComparableOp>, OpDelta['matchedBy']][] {
  const counts = (ops: ComparableOp[]) => {
    const n = new Map<string, number>();
    for (const o of ops) n.set(o.name, (n.get(o.name) ?? 0) + 1);
    return n;
  };
  const baseCounts = counts(base);
  const runCounts = counts(run);
  const unique = (name: string) => name !== '' && baseCounts.get(name) === 1 && runCounts.get(name) === 1;
  const byName = new Map(base.filter((o) => unique(o.name)).map((o) => [o.name, o]));
  const matches = new Map<ComparableOp, ComparableOp>(); // run op -> base op
  const used = new Set<ComparableOp>();
  for (const o of run) {
    const b = unique(o.name) ? byName.get(o.name) : undefined;
    if (b) {
      matches.set(o, b);
      used.add(b);
    }
  }
  const byIndex = new Map(base.filter((o) => !used.has(o)).map((o) => [o.index, o]));
  for (const o of run) {
    if (matches.has(o)) continue;
    const b = byIndex.get(o.index);
    if (b && b.type === o.type && !used.has(b)) {
      matches.set(o, b);
      used.add(b);
    }
  }
  const byNameMatched = new Set(run.filter((o) => unique(o.name) && byName.has(o.name)));
  return [
    ...run.map((o): [ComparableOp | null, ComparableOp, OpDelta['matchedBy']] => {
      const b = matches.get(o) ?? null;
      return [b, o, !b ? 'added' : byNameMatched.has(o) ? 'name' : 'index'];
    }),
    ...base.filter((o) => !used.has(o)).map((o): [ComparableOp, null, OpDelta['matchedBy']] => [o, null, 'removed']),
  ];
}

function compareValidation(base: ComparableValidation[], run: ComparableValidation[]): ValidationComparison[] {
  const key = (v: ComparableValidation) => `${v.modelTag}\u0000${v.output}`;
  const metrics = ({ cosine, sqnrDb, pixelAccuracy, maxAbsError, passed }: ComparableValidation) => ({
    cosine,
    sqnrDb,
    pixelAccuracy,
    maxAbsError,
    passed,
  });
  const left = [...base];
  const out: ValidationComparison[] = run.map((r) => {
    let i = left.findIndex((b) => key(b) === key(r) && b.deviceId === r.deviceId);
    if (i < 0) i = left.findIndex((b) => key(b) === key(r));
    const b = i < 0 ? null : left.splice(i, 1)[0]!;
    return {
      modelTag: r.modelTag,
      output: r.output,
      deviceId: r.deviceId,
      base: b && metrics(b),
      value: metrics(r),
      regressed: (b?.passed ?? false) && !r.passed,
    };
  });
  for (const b of left)
    out.push({
      modelTag: b.modelTag,
      output: b.output,
      deviceId: b.deviceId,
      base: metrics(b),
      value: null,
      regressed: false,
    });
  return out;
}
