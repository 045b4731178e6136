// A run's jobs as a directed acyclic graph laid out by stage: each job's column is one more than
// the deepest job it depends on (convert → build per ABI → tune → validate / benchmark per
// device), rows within a column ordered by what the job is for (ABI, device, model) so that a
// device's jobs line up across columns.

export interface GraphJob {
  id: string;
  kind: string;
  status: string;
  dependsOn: string[];
  abi: string | null;
  deviceId: string | null;
  modelTag: string | null;
}

export interface GraphNode<J extends GraphJob = GraphJob> {
  job: J;
  column: number;
  row: number;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface PipelineGraph<J extends GraphJob = GraphJob> {
  nodes: GraphNode<J>[];
  edges: GraphEdge[];
  columns: number;
  rows: number;
}

/** Kind order, for columns' rows and for jobs whose dependencies are unknown. */
const KIND_ORDER = ['convert', 'build', 'tune', 'validate', 'benchmark'];

export function layoutPipeline<J extends GraphJob>(jobs: readonly J[]): PipelineGraph<J> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const column = new Map<string, number>();
  const visiting = new Set<string>();
  const columnOf = (job: J): number => {
    const known = column.get(job.id);
    if (known !== undefined) return known;
    if (visiting.has(job.id)) return 0; // a cycle cannot happen in a pipeline; don't loop if it does
    visiting.add(job.id);
    const deps = job.dependsOn.map((id) => byId.get(id)).filter((d): d is J => d !== undefined);
    const c = deps.length === 0 ? 0 : Math.max(...deps.map(columnOf)) + 1;
    visiting.delete(job.id);
    column.set(job.id, c);
    return c;
  };
  const rank = (j: J): string =>
    [j.deviceId ?? '', j.abi ?? '', j.modelTag ?? '', String(KIND_ORDER.indexOf(j.kind)).padStart(2, '0'), j.id].join(
      '\u0000',
    );
  const columns = new Map<number, J[]>();
  for (const j of jobs) {
    const c = columnOf(j);
    columns.set(c, [...(columns.get(c) ?? []), j]);
  }
  const nodes: GraphNode<J>[] = [];
  let rows = 0;
  for (const [c, members] of [...columns].sort((a, b) => a[0] - b[0])) {
    members.sort((a, b) => rank(a).localeCompare(rank(b)));
    members.forEach((job, row) => nodes.push({ job, column: c, row }));
    rows = Math.max(rows, members.length);
  }
  const edges = jobs.flatMap((j) => j.dependsOn.filter((d) => byId.has(d)).map((d) => ({ from: d, to: j.id })));
  return { nodes, edges, columns: columns.size === 0 ? 0 : Math.max(...columns.keys()) + 1, rows };
}
