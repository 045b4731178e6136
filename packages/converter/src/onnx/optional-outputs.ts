// Omitted optional outputs: ONNX names them ''. Trailing ones are dropped; one before a named output (e.g. LSTM
// outputs ['', 'Y_h']) gets a fresh name, since the engine computes every output an op lists.
import type { Node } from '../ir/graph.js';

/** Name for the i-th omitted output of `node`, not taken by any value (`taken` is updated). */
export function unusedOutputName(
  node: Node,
  i: number,
  taken: (name: string) => boolean,
  claim: (name: string) => void,
): string {
  const base = `${node.name || node.opType}_unused_output_${i}`;
  let name = base;
  for (let k = 1; taken(name); k++) name = `${base}_${k}`;
  claim(name);
  return name;
}

/** Drops trailing '' outputs and names the ones left in the middle. Returns the number of names given. */
export function nameOmittedOutputs(
  node: Node,
  taken: (name: string) => boolean,
  claim: (name: string) => void,
): number {
  while (node.outputs.length > 1 && node.outputs[node.outputs.length - 1] === '') node.outputs.pop();
  let named = 0;
  node.outputs = node.outputs.map((o, i) => {
    if (o) return o;
    named++;
    return unusedOutputName(node, i, taken, claim);
  });
  return named;
}
