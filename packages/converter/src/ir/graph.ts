// The converter's graph IR: ONNX-like nodes over named values, with constants held in memory.
// Frontends build it, transforms rewrite it, the writer serialises it to the engine format.
import type { DType, TensorValue } from './tensor.js';

export type DataFormat = 'NONE' | 'NCHW' | 'NHWC' | 'OIHW';

export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'tensor'; value: TensorValue }
  | { kind: 'graph'; value: unknown };

export interface Node {
  name: string;
  opType: string;
  /** '' or 'ai.onnx' for standard ops. */
  domain: string;
  /** '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

/** What is known about a value (tensor) flowing through the graph. */
export interface ValueInfo {
  dtype: DType;
  /** null = rank unknown; -1 = dimension unknown. */
  shape: number[] | null;
}

export interface GraphIO {
  name: string;
  dtype: DType;
  shape: number[];
  /** The layout the deployment file declares for the user's data. */
  format: DataFormat;
}

export interface Graph {
  name: string;
  /** Default-domain opset the model was exported with. */
  opset: number;
  nodes: Node[];
  inputs: GraphIO[];
  outputs: GraphIO[];
  /** Constant tensors (initializers and folded Constant nodes), by name. */
  constants: Map<string, TensorValue>;
  /** Inferred type and shape of every value (inputs, node outputs, constants). */
  values: Map<string, ValueInfo>;
}

export function attrInt(node: Node, name: string, dflt: number): number {
  const a = node.attrs[name];
  return a && (a.kind === 'int' || a.kind === 'float') ? a.value : dflt;
}
export function attrFloat(node: Node, name: string, dflt: number): number {
  const a = node.attrs[name];
  return a && (a.kind === 'float' || a.kind === 'int') ? a.value : dflt;
}
export function attrString(node: Node, name: string, dflt: string): string {
  const a = node.attrs[name];
  return a && a.kind === 'string' ? a.value : dflt;
}
export function attrInts(node: Node, name: string, dflt: number[] | null = null): number[] | null {
  const a = node.attrs[name];
  return a && a.kind === 'ints' ? a.value : dflt;
}
export function attrFloats(node: Node, name: string, dflt: number[] | null = null): number[] | null {
  const a = node.attrs[name];
  return a && a.kind === 'floats' ? a.value : dflt;
}

/** Map from value name to the nodes that read it (graph outputs are not counted). */
export function consumers(graph: Graph): Map<string, Node[]> {
  const m = new Map<string, Node[]>();
  for (const n of graph.nodes)
    for (const i of n.inputs) {
      if (!i) continue;
      let l = m.get(i);
      if (!l) m.set(i, (l = []));
      if (!l.includes(n)) l.push(n);
    }
  return m;
}

/** Map from value name to the node that produces it. */
export function producers(graph: Graph): Map<string, Node> {
  const m = new Map<string, Node>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o) m.set(o, n);
  return m;
}

export function isGraphOutput(graph: Graph, name: string): boolean {
  return graph.outputs.some((o) => o.name === name);
}
