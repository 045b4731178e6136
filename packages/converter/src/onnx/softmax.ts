// Softmax-family nodes imported from opset < 13 carry coerce_2d=1 (normalise over the flattened trailing
// dims). Once shapes are known, those whose trailing dims after `axis` are all 1 get plain opset-13 semantics.
import type { Graph } from '../ir/graph.js';

export function simplifySoftmax(graph: Graph): void {
  for (const n of graph.nodes) {
    const c = n.attrs.coerce_2d;
    if (!c || c.kind !== 'int' || c.value === 0) continue;
    if (n.opType !== 'Softmax' && n.opType !== 'LogSoftmax' && n.opType !== 'Hardmax') continue;
    const shape = graph.values.get(n.inputs[0])?.shape;
    if (!shape) continue;
    const r = shape.length;
    const a0 = n.attrs.axis?.kind === 'int' ? n.attrs.axis.value : 1;
    const a = a0 < 0 ? a0 + r : a0;
    if (a < 0 || a >= r) continue;
    if (shape.slice(a + 1).every((d) => d === 1)) {
      delete n.attrs.coerce_2d;
      n.attrs.axis = { kind: 'int', value: a };
    }
  }
}
