// writeEngineModel: serialises a graph and its memory plan to the engine format of
// docs/engine-format.md — the .mace NetDef FlatBuffer plus its CRC-32C trailer, and the .data
// file of 64-byte-aligned constants.
import type { Graph } from '../ir/graph.js';
import type { MemoryPlan } from '../plan/memory.js';
import { crc32c } from './crc32c.js';
import { packConstants } from './data.js';
import { buildNetDef, type GpuDataType } from './netdef.js';
import { validateGraph } from './validate.js';

export { crc32c } from './crc32c.js';
export { TENSOR_ALIGNMENT, type PackedTensor } from './data.js';
export { MODEL_FORMAT_VERSION, type GpuDataType } from './netdef.js';

export const TRAILER_MAGIC = 'MCRC';
export const TRAILER_SIZE = 8;

export interface WriteOptions {
  /** NetDef name (default: the graph's). */
  name?: string;
  /** GPU storage: 'half' (fp16_fp32, the default) or 'float' (fp32_fp32). */
  gpuDataType?: GpuDataType;
}

/** Constants the model needs in .data: those nodes read, then constant model outputs; first use first. */
export function usedConstants(graph: Graph): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  const visit = (name: string): void => {
    if (name && graph.constants.has(name) && !seen.has(name)) {
      seen.add(name);
      order.push(name);
    }
  };
  for (const n of graph.nodes) n.inputs.forEach(visit);
  for (const o of graph.outputs) visit(o.name);
  return order;
}

/** Appends the integrity trailer: CRC-32C (uint32 little-endian) of `fb`, then "MCRC". */
export function withTrailer(fb: Uint8Array): Uint8Array {
  const out = new Uint8Array(fb.length + TRAILER_SIZE);
  out.set(fb, 0);
  new DataView(out.buffer).setUint32(fb.length, crc32c(fb), true);
  out.set(new TextEncoder().encode(TRAILER_MAGIC), fb.length + 4);
  return out;
}

export function writeEngineModel(
  graph: Graph,
  plan: MemoryPlan,
  options: WriteOptions = {},
): { mace: Uint8Array; data: Uint8Array } {
  validateGraph(graph);
  const { tensors, data } = packConstants(usedConstants(graph), graph.constants);
  const fb = buildNetDef({
    graph,
    plan,
    tensors,
    dataSize: data.length,
    dataCrc: crc32c(data),
    name: options.name,
    gpuDataType: options.gpuDataType ?? 'half',
  });
  return { mace: withTrailer(fb), data };
}
