// A run's pipeline as an SVG graph: jobs by stage (lib/pipeline-graph.ts), edges for
// dependencies, each node coloured by its state and linked to its log lines.
import type { ApiJob } from '@mace/protocol';
import { layoutPipeline } from '../lib/pipeline-graph';

const NODE_W = 170;
const NODE_H = 46;
const GAP_X = 60;
const GAP_Y = 16;
const PAD = 8;
/** Characters of a label that fit a node at the title's size. */
const MAX_LABEL = 20;

function label(job: ApiJob, deviceName: (id: string) => string): string {
  if (job.kind === 'build') return `build ${job.abi ?? ''}`;
  if (job.deviceId) return `${job.kind} · ${deviceName(job.deviceId)}`;
  return `${job.kind} ${job.modelTag ?? ''}`;
}

export function PipelineGraph({
  jobs,
  deviceName,
  onSelect,
  selected,
}: {
  jobs: ApiJob[];
  deviceName: (id: string) => string;
  onSelect: (jobId: string | null) => void;
  selected: string | null;
}) {
  const graph = layoutPipeline(jobs);
  const pos = new Map(
    graph.nodes.map((n) => [n.job.id, { x: PAD + n.column * (NODE_W + GAP_X), y: PAD + n.row * (NODE_H + GAP_Y) }]),
  );
  const width = PAD * 2 + graph.columns * NODE_W + Math.max(0, graph.columns - 1) * GAP_X;
  const height = PAD * 2 + graph.rows * NODE_H + Math.max(0, graph.rows - 1) * GAP_Y;
  return (
    <figure className="graph">
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="group"
        aria-label={`Pipeline of ${jobs.length} jobs`}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" className="edge-head" />
          </marker>
        </defs>
        {graph.edges.map((e) => {
          const a = pos.get(e.from)!;
          const b = pos.get(e.to)!;
          const x1 = a.x + NODE_W;
          const y1 = a.y + NODE_H / 2;
          const x2 = b.x;
          const y2 = b.y + NODE_H / 2;
          const mid = (x1 + x2) / 2;
          return (
            <path
              key={`${e.from}-${e.to}`}
              className="edge"
              d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 2},${y2}`}
              markerEnd="url(#arrow)"
            />
          );
        })}
        {graph.nodes.map(({ job }) => {
          const p = pos.get(job.id)!;
          const text = label(job, deviceName);
          return (
            <a
              key={job.id}
              href={`#job-${job.id}`}
              className={`node node-${job.status}${selected === job.id ? ' node-selected' : ''}`}
              data-job={job.id}
              aria-label={`${text}: ${job.status}${selected === job.id ? ' (showing its log)' : ''}`}
              onClick={(e) => {
                e.preventDefault();
                onSelect(selected === job.id ? null : job.id);
              }}
            >
              <title>{`${text}: ${job.status}`}</title>
              <rect x={p.x} y={p.y} width={NODE_W} height={NODE_H} rx="6" />
              <text x={p.x + 10} y={p.y + 19} className="node-title">
                {text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text}
              </text>
              <text x={p.x + 10} y={p.y + 36} className="node-status">
                {job.status}
                {job.attempts > 1 ? ` · attempt ${job.attempts}` : ''}
              </text>
            </a>
          );
        })}
      </svg>
      <figcaption className="muted small">Stages left to right; select a job to filter the log.</figcaption>
    </figure>
  );
}
