// The output list each op is written with. ONNX marks an omitted optional output with '': trailing ones are
// left out, one before a named output (e.g. LSTM ['', 'Y_h']) gets a fresh tensor name, because the runtime
// computes every output an op lists. (Import already names them; this covers graphs built or rewritten later.)
import type { Graph, Node } from '../ir/graph.js';

export interface WrittenOutputs {
  /** Output names per node, as written. */
  names: Map<Node, string[]>;
  /** Fresh names given to omitted outputs → the node's input whose dtype they take (recurrent ops: X). */
  synthetic: Map<string, string>;
}

export function writtenOutputs(graph: Graph): WrittenOutputs {
  const taken = new Set<string>([
    ...graph.constants.keys(),
    ...graph.inputs.map((i) => i.name),
    ...graph.outputs.map((o) => o.name),
  ]);
  for (const n of graph.nodes) for (const v of [...n.inputs, ...n.outputs]) if (v) taken.add(v);
  const names = new Map<Node, string[]>();
  const synthetic = new Map<string, string>();
  for (const n of graph.nodes) {
    let last = n.outputs.length;
    while (last > 0 && !n.outputs[last - 1]) last--;
    names.set(
      n,
      n.outputs.slice(0, last).map((o, i) => {
        if (o) return o;
        const base = `${n.name || n.opType}_unused_output_${i}`;
        let name = base;
        for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
        taken.add(name);
        synthetic.set(name, n.inputs[0] ?? '');
        return name;
      }),
    );
  }
  return { names, synthetic };
}
