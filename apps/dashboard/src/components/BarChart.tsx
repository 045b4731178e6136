// A bar chart of labelled values drawn with uPlot (canvas; small and fast). The same numbers are
// always in a table next to it, so the chart is not the only way to read them.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function BarChart({
  labels,
  values,
  unit,
  title,
  height = 280,
}: {
  labels: string[];
  values: number[];
  unit: string;
  title: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || labels.length === 0) return;
    const xs = labels.map((_, i) => i);
    const plot = new uPlot(
      {
        width: Math.max(320, el.clientWidth),
        height,
        legend: { show: false },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        scales: {
          x: { time: false, range: [-0.5, labels.length - 0.5] },
          y: { range: (_u, _min, max) => [0, max * 1.08] },
        },
        axes: [
          {
            splits: () => xs,
            values: (_u, splits) => splits.map((i) => labels[i] ?? ''),
            rotate: labels.length > 6 ? -40 : 0,
            size: labels.length > 6 ? 80 : 40,
            gap: 4,
            font: '12px system-ui, sans-serif',
          },
          { label: unit, font: '12px system-ui, sans-serif', labelFont: '12px system-ui, sans-serif' },
        ],
        series: [
          {},
          {
            label: title,
            fill: 'rgba(37, 99, 235, 0.75)',
            stroke: 'rgb(29, 78, 216)',
            width: 1,
            paths: uPlot.paths.bars!({ size: [0.7, 60] }),
            points: { show: false },
          },
        ],
      },
      [xs, values],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(320, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [labels, values, unit, title, height]);
  return <div ref={box} className="chart" role="img" aria-label={title} data-chart={title} />;
}
