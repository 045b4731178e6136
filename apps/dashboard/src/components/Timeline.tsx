// The ops of one run on a time axis (SVG), coloured by op type; says when the starts are derived
// from run order and mean times instead of measured.
import { useMemo } from 'react';
import type { ApiOpStat } from '@mace/protocol';
import { buildTimeline } from '../lib/timeline';

const ROW_H = 14;
const LABEL_W = 0;
const WIDTH = 900;
const PALETTE = ['#2563eb', '#d97706', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569'];

export function Timeline({ ops }: { ops: ApiOpStat[] }) {
  const timeline = useMemo(() => buildTimeline(ops), [ops]);
  const types = useMemo(() => [...new Set(timeline.bars.map((b) => b.type))], [timeline]);
  const colour = (type: string): string => PALETTE[types.indexOf(type) % PALETTE.length];
  const scale = (ms: number): number =>
    LABEL_W + (timeline.totalMs > 0 ? (ms / timeline.totalMs) * (WIDTH - LABEL_W) : 0);
  // One lane per op would be tall for big models: ops share lanes when they do not overlap.
  const lanes: number[] = [];
  const laneOf = timeline.bars.map((b) => {
    let lane = lanes.findIndex((end) => end <= b.startMs + 1e-9);
    if (lane < 0) lane = lanes.length;
    lanes[lane] = b.startMs + b.durationMs;
    return lane;
  });
  const height = Math.max(1, lanes.length) * ROW_H + 24;
  return (
    <figure className="timeline">
      <figcaption>
        {timeline.derived ? <strong>Derived timeline:</strong> : <strong>Measured timeline:</strong>}{' '}
        {timeline.derived
          ? 'per-op start times were not recorded, so ops are laid end to end in run order with their mean times.'
          : 'each op at its recorded start within a run.'}{' '}
        Total {timeline.totalMs.toFixed(3)} ms.
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        preserveAspectRatio="none"
        role="img"
        aria-label={`${timeline.derived ? 'Derived' : 'Measured'} timeline of ${timeline.bars.length} ops`}
      >
        {timeline.bars.map((b, i) => (
          <rect
            key={b.index}
            x={scale(b.startMs)}
            y={laneOf[i] * ROW_H}
            width={Math.max(0.5, scale(b.startMs + b.durationMs) - scale(b.startMs))}
            height={ROW_H - 2}
            fill={colour(b.type)}
          >
            <title>
              {`#${b.index} ${b.name} (${b.type}): starts ${b.startMs.toFixed(3)} ms, ${b.durationMs.toFixed(3)} ms`}
            </title>
          </rect>
        ))}
        <text x={0} y={height - 6} className="axis">
          0 ms
        </text>
        <text x={WIDTH} y={height - 6} className="axis" textAnchor="end">
          {timeline.totalMs.toFixed(2)} ms
        </text>
      </svg>
      <ul className="legend">
        {types.map((t) => (
          <li key={t}>
            <span className="swatch" style={{ background: colour(t) }} aria-hidden="true" /> {t}
          </li>
        ))}
      </ul>
    </figure>
  );
}
