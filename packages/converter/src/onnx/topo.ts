// Orders nodes so every input is defined before it is read (ONNX requires it, some exporters break it),
// keeping the model's order where it is already valid; reports undefined inputs and cycles.
import { ConversionError } from '../errors.js';
import type { Node } from '../ir/graph.js';

export function topoSort(nodes: Node[], defined: ReadonlySet<string>, opset: number): Node[] {
  const producer = new Map<string, Node>();
  for (const n of nodes)
    for (const o of n.outputs) {
      if (!o) continue;
      if (producer.has(o) || defined.has(o))
        throw new ConversionError(`value '${o}' is defined twice (again by node '${n.name}' (${n.opType}))`, [
          { name: n.name, opType: n.opType, opset, reason: `output '${o}' is already defined` },
        ]);
      producer.set(o, n);
    }
  for (const n of nodes)
    for (const i of n.inputs)
      if (i && !defined.has(i) && !producer.has(i))
        throw new ConversionError(
          `input '${i}' of node '${n.name}' (${n.opType}) is not produced by any node, graph input or initializer`,
          [{ name: n.name, opType: n.opType, opset, reason: `input '${i}' is undefined` }],
        );

  // Fast path: already in order.
  const ready = new Set(defined);
  let ordered = true;
  for (const n of nodes) {
    if (n.inputs.some((i) => i && !ready.has(i))) {
      ordered = false;
      break;
    }
    for (const o of n.outputs) if (o) ready.add(o);
  }
  if (ordered) return nodes;

  // Depth-first placement of each node after its producers (iterative: graphs can be deep).
  const out: Node[] = [];
  const state = new Map<Node, 1 | 2>(); // 1 = on the stack, 2 = placed
  for (const root of nodes) {
    if (state.get(root) === 2) continue;
    const stack: [Node, number][] = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [n, k] = top;
      if (k < n.inputs.length) {
        top[1]++;
        const p = n.inputs[k] ? producer.get(n.inputs[k]) : undefined;
        if (!p || state.get(p) === 2) continue;
        if (state.get(p) === 1)
          throw new ConversionError(`the graph has a cycle through node '${p.name}' (${p.opType})`, [
            { name: p.name, opType: p.opType, opset, reason: 'part of a cycle' },
          ]);
        state.set(p, 1);
        stack.push([p, 0]);
      } else {
        stack.pop();
        state.set(n, 2);
        out.push(n);
      }
    }
  }
  return out;
}
