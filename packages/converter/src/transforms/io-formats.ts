// applyIoFormats: gives each model input/output the data format the deployment file declares.
// The graph computes in NCHW; a 4-D NHWC input keeps its name, takes the NHWC shape and feeds the
// old readers through a Transpose(0,3,1,2); a 4-D NHWC output is produced by a Transpose(0,2,3,1)
// of the NCHW result. Other formats (and non-4-D tensors) are only recorded.
import type { DataFormat, Graph, Node } from '../ir/graph.js';
import { ConversionError } from '../errors.js';
import { NameAllocator, isGraphInput, replaceUses } from './util.js';

export interface IoFormats {
  inputs?: Record<string, DataFormat>;
  outputs?: Record<string, DataFormat>;
  /** Inputs/outputs whose tensors already use the declared layout (e.g. an NHWC-native model): only recorded. */
  asIs?: string[];
}

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
const permute = (shape: number[], perm: number[]): number[] => perm.map((p) => shape[p]);

function transposeNode(name: string, input: string, output: string, perm: number[]): Node {
  return {
    name,
    opType: 'Transpose',
    domain: '',
    inputs: [input],
    outputs: [output],
    attrs: { perm: { kind: 'ints', value: perm } },
  };
}

function checkNames(what: 'input' | 'output', given: Record<string, DataFormat>, known: string[]): void {
  const unknown = Object.keys(given).filter((k) => !known.includes(k));
  if (unknown.length)
    throw new ConversionError(
      `data format given for unknown model ${what}(s) ${unknown.map((u) => `'${u}'`).join(', ')}; ` +
        `the model's ${what}s are ${known.map((k) => `'${k}'`).join(', ')}`,
    );
}

export function applyIoFormats(graph: Graph, formats: IoFormats): { changed: number } {
  let changed = 0;
  const names = new NameAllocator(graph);
  const inputs = formats.inputs ?? {};
  const outputs = formats.outputs ?? {};
  const asIs = new Set(formats.asIs ?? []);
  checkNames(
    'input',
    inputs,
    graph.inputs.map((i) => i.name),
  );
  checkNames(
    'output',
    outputs,
    graph.outputs.map((o) => o.name),
  );

  // NCHW twin of each transposed input, for outputs that read an input directly.
  const nchwOf = new Map<string, string>();
  const front: Node[] = [];
  for (const io of graph.inputs) {
    const fmt = inputs[io.name];
    if (!fmt) continue;
    io.format = fmt;
    if (fmt !== 'NHWC' || io.shape.length !== 4 || asIs.has(io.name)) continue;
    const inner = names.fresh(`${io.name}_nchw`);
    replaceUses(graph, io.name, inner);
    front.push(transposeNode(names.fresh(`${io.name}_to_nchw`), io.name, inner, TO_NCHW));
    const info = graph.values.get(io.name);
    graph.values.set(inner, { dtype: io.dtype, shape: info?.shape ? [...info.shape] : [...io.shape] });
    io.shape = permute(io.shape, TO_NHWC);
    graph.values.set(io.name, { dtype: io.dtype, shape: [...io.shape] });
    nchwOf.set(io.name, inner);
    changed++;
  }
  graph.nodes.unshift(...front);

  for (const io of graph.outputs) {
    const fmt = outputs[io.name];
    if (fmt) io.format = fmt;
    const nhwc = fmt === 'NHWC' && io.shape.length === 4 && !asIs.has(io.name);
    if (isGraphInput(graph, io.name)) {
      // An input passed straight through keeps the input's layout: the formats must agree.
      const inNhwc = nchwOf.has(io.name);
      if (inNhwc !== nhwc && (fmt || inNhwc))
        throw new ConversionError(
          `output '${io.name}' is also a model input; declare the same data format for both ` +
            `(input: ${inputs[io.name] ?? 'NONE'}, output: ${fmt ?? 'NONE'})`,
        );
      if (nhwc) io.shape = permute(io.shape, TO_NHWC);
      continue;
    }
    if (!nhwc) continue;
    const producer = graph.nodes.find((n) => n.outputs.includes(io.name));
    if (!producer)
      throw new ConversionError(`output '${io.name}' is not produced by any node; it cannot be given the NHWC format`);
    const src = names.fresh(`${io.name}_nchw`);
    producer.outputs[producer.outputs.indexOf(io.name)] = src;
    replaceUses(graph, io.name, src);
    const info = graph.values.get(io.name);
    graph.values.set(src, { dtype: io.dtype, shape: info?.shape ? [...info.shape] : [...io.shape] });
    io.shape = permute(io.shape, TO_NHWC);
    graph.values.set(io.name, { dtype: io.dtype, shape: [...io.shape] });
    graph.nodes.push(transposeNode(names.fresh(`${io.name}_to_nhwc`), src, io.name, TO_NHWC));
    changed++;
  }
  return { changed };
}
