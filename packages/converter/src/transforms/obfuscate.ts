// obfuscateNames: renames every internal tensor (node outputs and constants) and every node to a
// short id, so the converted model does not reveal the original layer names. Model input and
// output names are kept: applications address tensors by them.
import type { Graph, ValueInfo } from '../ir/graph.js';
import type { TensorValue } from '../ir/tensor.js';

export function obfuscateNames(graph: Graph): { changed: number } {
  const keep = new Set<string>([...graph.inputs, ...graph.outputs].map((io) => io.name));
  const rename = new Map<string, string>();
  let next = 0;
  const fresh = (prefix: string): string => {
    let id: string;
    do id = `${prefix}${(next++).toString(36)}`;
    while (keep.has(id));
    return id;
  };
  const tensor = (name: string): string => {
    if (!name || keep.has(name)) return name;
    let r = rename.get(name);
    if (!r) rename.set(name, (r = fresh('t')));
    return r;
  };
  let changed = 0;
  for (const name of graph.constants.keys()) tensor(name);
  let op = 0;
  for (const n of graph.nodes) {
    n.inputs = n.inputs.map(tensor);
    n.outputs = n.outputs.map(tensor);
    n.name = `op${(op++).toString(36)}`;
    changed++;
  }
  const constants = new Map<string, TensorValue>();
  for (const [k, v] of graph.constants) constants.set(tensor(k), v);
  graph.constants = constants;
  const values = new Map<string, ValueInfo>();
  for (const [k, v] of graph.values) if (keep.has(k) || rename.has(k)) values.set(tensor(k), v);
  graph.values = values;
  changed += rename.size;
  return { changed };
}
