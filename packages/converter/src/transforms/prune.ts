// pruneToOutputs: drops nodes none of whose outputs reach a model output (after the deployment
// file picked the outputs, or when the exporter left unused branches), then unused constants.
import type { Graph } from '../ir/graph.js';
import { pruneConstants } from './util.js';

export function pruneToOutputs(graph: Graph): { changed: number } {
  const needed = new Set(graph.outputs.map((o) => o.name));
  const keep = new Array<boolean>(graph.nodes.length).fill(false);
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const n = graph.nodes[k];
    if (!n.outputs.some((o) => o && needed.has(o))) continue;
    keep[k] = true;
    for (const i of n.inputs) if (i) needed.add(i);
  }
  const before = graph.nodes.length;
  const dropped = graph.nodes.filter((_, k) => !keep[k]);
  graph.nodes = graph.nodes.filter((_, k) => keep[k]);
  for (const n of dropped) for (const o of n.outputs) if (o && !needed.has(o)) graph.values.delete(o);
  pruneConstants(graph);
  return { changed: before - graph.nodes.length };
}
