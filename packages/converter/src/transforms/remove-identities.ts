// removeIdentities: drops Identity nodes (and inference-mode Dropout, which forwards its input)
// by rewiring their readers. Model input and output names stay: when the removed node produces a
// graph output, its source's producer is renamed instead; an Identity from a graph input or a
// constant to a graph output stays, since the runtime needs an op to produce that output.
import type { Graph, Node } from '../ir/graph.js';
import { bypassNode, constNumbers, pruneConstants } from './util.js';

function forwardedInput(graph: Graph, node: Node): string | undefined {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return undefined;
  if (node.opType === 'Identity') return node.inputs[0] || undefined;
  if (node.opType === 'Dropout') {
    // Dropout(data, ratio, training_mode): in inference (training_mode absent or false) it is the identity.
    const tm = node.inputs[2];
    if (tm) {
      const v = constNumbers(graph, tm);
      if (!v || v.some((x) => x !== 0)) return undefined;
    }
    return node.inputs[0] || undefined;
  }
  return undefined;
}

export function removeIdentities(graph: Graph): { changed: number } {
  let changed = 0;
  for (const node of [...graph.nodes]) {
    if (!graph.nodes.includes(node)) continue;
    const src = forwardedInput(graph, node);
    if (src && bypassNode(graph, node, src)) changed++;
  }
  if (changed) pruneConstants(graph);
  return { changed };
}
