// Memory planner: assigns node outputs to shared memory blocks by liveness over the node order.
// A tensor's block is free once its last reader has run; a new output takes the best-fitting free
// block (the smallest that holds it, else the largest, grown). Graph outputs and constants get
// their own buffer (-1); tensors of unknown size get a block of their own (size 0) never reused.
//
// In-place Concat: when a Concat's inputs are contiguous slices of its output (every dimension
// before the axis is 1, e.g. channels of one image) and the Concat is their last reader, each
// input is placed inside the output's block at its byte offset, so its producer writes straight
// into the output and the Concat copies nothing (squeezenet's fire modules). The output's block
// is taken when the first such input is produced and lives until the output's last reader.
import { attrInt, type Graph, type Node } from '../ir/graph.js';
import { elementCount, itemSize } from '../ir/tensor.js';

export interface MemoryBlock {
  id: number;
  /** Bytes: the largest tensor assigned to the block (0 when unknown). */
  size: number;
}

export interface MemoryPlan {
  /** Memory id of each node output by tensor name (-1: own buffer). */
  memIds: Map<string, number>;
  /** Byte offset inside its block of each in-place Concat input (absent: 0, the block's start). */
  memOffsets: Map<string, number>;
  blocks: MemoryBlock[];
  /** Sum of block sizes. */
  plannedBytes: number;
  /** Sum of the sizes of every planned tensor, as if none shared memory. */
  naiveBytes: number;
}

/** Bytes of a value with a fully known shape and a storable dtype, else undefined. */
export function tensorBytes(graph: Graph, name: string): number | undefined {
  const v = graph.values.get(name);
  if (!v || !v.shape || v.shape.some((d) => !Number.isInteger(d) || d < 0)) return undefined;
  const size = itemSize(v.dtype);
  return size ? elementCount(v.shape) * size : undefined;
}

export function planMemory(graph: Graph): MemoryPlan {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const lastUse = new Map<string, number>();
  graph.nodes.forEach((n, k) => {
    for (const i of n.inputs) if (i) lastUse.set(i, k);
  });

  const memIds = new Map<string, number>();
  const blocks: MemoryBlock[] = [];
  let free: MemoryBlock[] = [];
  const holder = new Map<string, MemoryBlock>(); // live tensor -> its (reusable) block
  const releaseAt = new Map<number, string[]>();
  let naiveBytes = 0;

  const inPlace = inPlaceConcatInputs(graph, lastUse, outputs);
  const memOffsets = new Map<string, number>();
  /** Places `out` (of `bytes`, produced at node k) in a best-fitting free block, released after its last reader. */
  const place = (out: string, bytes: number, k: number): MemoryBlock => {
    naiveBytes += bytes;
    const block = takeBestFit(free, bytes) ?? { id: blocks.length, size: 0 };
    if (block.id === blocks.length) blocks.push(block);
    free = free.filter((b) => b !== block);
    block.size = Math.max(block.size, bytes);
    holder.set(out, block);
    memIds.set(out, block.id);
    const end = lastUse.get(out) ?? k; // unread outputs die right after their node
    let l = releaseAt.get(end);
    if (!l) releaseAt.set(end, (l = []));
    l.push(out);
    return block;
  };

  graph.nodes.forEach((node, k) => {
    for (const out of node.outputs) {
      if (!out || memIds.has(out)) continue; // placed already: the output of an in-place Concat
      const slot = inPlace.get(out);
      if (slot) {
        const outer = memIds.get(slot.concat);
        const block = outer === undefined ? place(slot.concat, slot.concatBytes, k) : blocks[outer];
        memIds.set(out, block.id);
        memOffsets.set(out, slot.offset);
        naiveBytes += slot.bytes;
        continue;
      }
      if (outputs.has(out) || graph.constants.has(out)) {
        memIds.set(out, -1);
        continue;
      }
      const bytes = tensorBytes(graph, out);
      if (bytes === undefined) {
        const block = { id: blocks.length, size: 0 };
        blocks.push(block);
        memIds.set(out, block.id);
      } else {
        place(out, bytes, k);
      }
    }
    // Free after this node's outputs were placed: they never share a block with its inputs.
    for (const t of releaseAt.get(k) ?? []) {
      const b = holder.get(t);
      if (b) {
        holder.delete(t);
        free.push(b);
      }
    }
  });
  const plannedBytes = blocks.reduce((s, b) => s + b.size, 0);
  return { memIds, memOffsets, blocks, plannedBytes, naiveBytes };
}

/** Bytes every tensor's start is aligned to in the runtime (kTensorAlignment). */
const TENSOR_ALIGNMENT = 64;

interface InPlaceSlot {
  /** The Concat output holding this input. */
  concat: string;
  concatBytes: number;
  /** Byte offset of this input inside the Concat output. */
  offset: number;
  bytes: number;
}

/**
 * The Concat inputs that can live inside their Concat's output: the output has a known size, is
 * not a graph output, and every dimension before the axis is 1, and every input is a node output
 * of a known non-zero size, a multiple of 64 bytes; the input is not a graph output nor another Concat's output, appears
 * once, and this Concat is its last reader.
 */
function inPlaceConcatInputs(
  graph: Graph,
  lastUse: Map<string, number>,
  outputs: Set<string>,
): Map<string, InPlaceSlot> {
  const producer = new Map<string, Node>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const slots = new Map<string, InPlaceSlot>();
  graph.nodes.forEach((node, k) => {
    const out = node.outputs[0];
    if (node.opType !== 'Concat' || node.domain || !out || outputs.has(out)) return;
    const shape = graph.values.get(out)?.shape;
    const concatBytes = tensorBytes(graph, out);
    if (!shape || concatBytes === undefined) return;
    const axis = attrInt(node, 'axis', 0) < 0 ? attrInt(node, 'axis', 0) + shape.length : attrInt(node, 'axis', 0);
    if (axis < 0 || axis >= shape.length || shape.slice(0, axis).some((d) => d !== 1)) return;
    // Every input is a node output of a known, non-zero size (the runtime checks each offset
    // against the sizes before it).
    const sizes = node.inputs.map((i) => (i && producer.has(i) ? (tensorBytes(graph, i) ?? 0) : 0));
    // Offsets stay multiples of the runtime's tensor alignment, which kernels may rely on.
    if (sizes.some((b) => b === 0 || b % TENSOR_ALIGNMENT !== 0)) return;
    let offset = 0;
    node.inputs.forEach((input, j) => {
      const once = node.inputs.indexOf(input) === node.inputs.lastIndexOf(input);
      if (producer.get(input)!.opType !== 'Concat' && once && !outputs.has(input) && lastUse.get(input) === k)
        slots.set(input, { concat: out, concatBytes, offset, bytes: sizes[j] });
      offset += sizes[j];
    });
  });
  return slots;
}

/** Smallest free block holding `bytes`; else the largest free block (to be grown); else undefined. */
function takeBestFit(free: MemoryBlock[], bytes: number): MemoryBlock | undefined {
  let best: MemoryBlock | undefined;
  let largest: MemoryBlock | undefined;
  for (const b of free) {
    if (b.size >= bytes && (!best || b.size < best.size)) best = b;
    if (!largest || b.size > largest.size) largest = b;
  }
  return best ?? largest;
}
