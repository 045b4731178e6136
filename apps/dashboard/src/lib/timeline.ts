// The timeline of a benchmark's ops. benchmark_model reports each op's start within a run
// (startMs); when those are missing (every start 0, as older results or tools without timestamps
// store them) the timeline is derived from run order and each op's mean time, and says so.

export interface TimelineOp {
  index: number;
  name: string;
  type: string;
  startMs: number;
  avgMs: number;
}

export interface TimelineBar {
  index: number;
  name: string;
  type: string;
  startMs: number;
  durationMs: number;
}

export interface Timeline {
  bars: TimelineBar[];
  /** Where the end of the last op is. */
  totalMs: number;
  /** true: starts are cumulative sums of mean times in run order, not measured. */
  derived: boolean;
}

/** Measured starts are usable when some op starts after 0 and none goes backwards in run order. */
export function hasMeasuredStarts(ops: readonly TimelineOp[]): boolean {
  if (ops.length < 2) return false;
  const ordered = [...ops].sort((a, b) => a.index - b.index);
  let previous = -Infinity;
  for (const op of ordered) {
    if (!Number.isFinite(op.startMs) || op.startMs < previous) return false;
    previous = op.startMs;
  }
  return ordered[ordered.length - 1].startMs > 0;
}

export function buildTimeline(ops: readonly TimelineOp[]): Timeline {
  const ordered = [...ops].sort((a, b) => a.index - b.index);
  const measured = hasMeasuredStarts(ordered);
  let cursor = 0;
  const bars = ordered.map((op) => {
    const startMs = measured ? op.startMs : cursor;
    cursor += op.avgMs;
    return { index: op.index, name: op.name, type: op.type, startMs, durationMs: op.avgMs };
  });
  const totalMs = bars.reduce((end, b) => Math.max(end, b.startMs + b.durationMs), 0);
  return { bars, totalMs, derived: !measured };
}
