// Small graph-editing helpers shared by the transforms: fresh names, rewiring uses,
// removing a node that only forwards its input, reading constants.
import { consumers, isGraphOutput, type Graph, type Node, type ValueInfo } from '../ir/graph.js';
import { toNumbers, type TensorValue } from '../ir/tensor.js';

/** A transform rewrites the graph in place and says how many rewrites it made. */
export type Transform = (graph: Graph) => { changed: number };

/** Hands out names no node, value or constant of the graph uses. */
export class NameAllocator {
  private readonly used = new Set<string>();
  constructor(graph: Graph) {
    for (const n of graph.nodes) {
      this.used.add(n.name);
      for (const o of n.outputs) this.used.add(o);
      for (const i of n.inputs) this.used.add(i);
    }
    for (const k of graph.values.keys()) this.used.add(k);
    for (const k of graph.constants.keys()) this.used.add(k);
    for (const io of [...graph.inputs, ...graph.outputs]) this.used.add(io.name);
  }
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }
}

/** Makes every node input that reads `from` read `to` instead. */
export function replaceUses(graph: Graph, from: string, to: string): void {
  for (const n of graph.nodes) for (let i = 0; i < n.inputs.length; i++) if (n.inputs[i] === from) n.inputs[i] = to;
}

export function isGraphInput(graph: Graph, name: string): boolean {
  return graph.inputs.some((i) => i.name === name);
}

export function removeNode(graph: Graph, node: Node): void {
  const k = graph.nodes.indexOf(node);
  if (k >= 0) graph.nodes.splice(k, 1);
}

/**
 * Removes `node`, whose output 0 holds the same values as `src` (same shape too). Readers of the
 * output read `src` instead. When the output is a graph output, `src`'s producer is renamed to
 * produce it, so the model's output names stay. Returns false (and changes nothing) when that is
 * impossible: `src` is a graph input, a constant or itself a graph output.
 */
export function bypassNode(graph: Graph, node: Node, src: string): boolean {
  const out = node.outputs[0];
  if (!out || !src || out === src) return false;
  if (
    node.outputs.slice(1).some((o) => o && (isGraphOutput(graph, o) || graph.nodes.some((n) => n.inputs.includes(o))))
  )
    return false;
  if (!isGraphOutput(graph, out)) {
    removeNode(graph, node);
    replaceUses(graph, out, src);
    graph.values.delete(out);
    return true;
  }
  if (isGraphOutput(graph, src) || isGraphInput(graph, src) || graph.constants.has(src)) return false;
  const producer = graph.nodes.find((n) => n.outputs.includes(src));
  if (!producer) return false;
  removeNode(graph, node);
  producer.outputs[producer.outputs.indexOf(src)] = out;
  replaceUses(graph, src, out);
  const info = graph.values.get(out) ?? graph.values.get(src);
  if (info) graph.values.set(out, info);
  graph.values.delete(src);
  return true;
}

/** The single node reading `name`, when exactly one does and it is not a graph output. */
export function soleConsumer(graph: Graph, uses: Map<string, Node[]>, name: string): Node | undefined {
  const l = uses.get(name);
  if (!l || l.length !== 1 || isGraphOutput(graph, name)) return undefined;
  // The consumer must read it once (a node reading it twice still counts as one consumer).
  return l[0];
}

/** A constant's values as numbers, or undefined when `name` is not a constant. */
export function constNumbers(graph: Graph, name: string | undefined): number[] | undefined {
  if (!name) return undefined;
  const t = graph.constants.get(name);
  if (!t || t.dtype === 'string') return undefined;
  return toNumbers(t);
}

/** A float32 constant, or undefined. */
export function constF32(graph: Graph, name: string | undefined): TensorValue | undefined {
  if (!name) return undefined;
  const t = graph.constants.get(name);
  return t && t.dtype === 'float32' && t.data instanceof Float32Array ? t : undefined;
}

/** A fully known static shape (every dim ≥ 0), or undefined. */
export function staticShape(graph: Graph, name: string | undefined): number[] | undefined {
  if (!name) return undefined;
  const s = graph.values.get(name)?.shape ?? graph.constants.get(name)?.dims;
  return s && s.every((d) => Number.isInteger(d) && d >= 0) ? s : undefined;
}

export function valueInfo(graph: Graph, name: string): ValueInfo | undefined {
  const v = graph.values.get(name);
  if (v) return v;
  const c = graph.constants.get(name);
  return c ? { dtype: c.dtype, shape: c.dims } : undefined;
}

/** Adds a constant (and its value info) under a fresh name derived from `base`. */
export function addConstant(graph: Graph, names: NameAllocator, base: string, t: TensorValue): string {
  const name = names.fresh(base);
  graph.constants.set(name, t);
  graph.values.set(name, { dtype: t.dtype, shape: [...t.dims] });
  return name;
}

/** Drops constants no node reads and no graph output names. */
export function pruneConstants(graph: Graph): void {
  const used = new Set<string>();
  for (const n of graph.nodes) for (const i of n.inputs) used.add(i);
  for (const o of graph.outputs) used.add(o.name);
  for (const k of [...graph.constants.keys()])
    if (!used.has(k)) {
      graph.constants.delete(k);
      graph.values.delete(k);
    }
}

/** True when no node reads `name` and it is not a graph output. */
export function isDead(graph: Graph, name: string): boolean {
  return !isGraphOutput(graph, name) && !graph.nodes.some((n) => n.inputs.includes(name));
}

export { consumers };
