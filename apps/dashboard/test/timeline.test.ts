// The ops' timeline: measured starts when benchmark_model recorded them, else derived from run
// order and mean times (and flagged as derived).
import { describe, expect, it } from 'vitest';
import { buildTimeline, hasMeasuredStarts } from '../src/lib/timeline';

const op = (index: number, startMs: number, avgMs: number) => ({
  index,
  name: `op${index}`,
  type: index % 2 ? 'Conv' : 'Relu',
  startMs,
  avgMs,
});

describe('buildTimeline', () => {
  it('uses measured starts (gaps between ops included)', () => {
    const t = buildTimeline([op(1, 0.5, 0.25), op(0, 0, 0.5), op(2, 1, 2)]);
    expect(t.derived).toBe(false);
    expect(t.bars.map((b) => [b.index, b.startMs, b.durationMs])).toEqual([
      [0, 0, 0.5],
      [1, 0.5, 0.25],
      [2, 1, 2],
    ]);
    expect(t.totalMs).toBe(3);
  });

  it('derives starts from run order and mean times when no start was recorded', () => {
    const t = buildTimeline([op(2, 0, 3), op(0, 0, 1), op(1, 0, 0.5)]);
    expect(t.derived).toBe(true);
    expect(t.bars.map((b) => [b.index, b.startMs])).toEqual([
      [0, 0],
      [1, 1],
      [2, 1.5],
    ]);
    expect(t.totalMs).toBe(4.5);
  });

  it('does not trust starts that go backwards in run order', () => {
    expect(hasMeasuredStarts([op(0, 0, 1), op(1, 2, 1), op(2, 1, 1)])).toBe(false);
    expect(hasMeasuredStarts([op(0, 0, 1), op(1, 1, 1)])).toBe(true);
    expect(hasMeasuredStarts([op(0, 0, 1)])).toBe(false);
  });

  it('is empty for no ops', () => {
    expect(buildTimeline([])).toEqual({ bars: [], totalMs: 0, derived: true });
  });
});
