// Memory planner: assigns node outputs to shared memory blocks by liveness over the node order.
// A tensor's block is free once its last reader has run; a new output takes the best-fitting free
// block (the smallest that holds it, else the largest, grown). Graph outputs and constants get
// their own buffer (-1); tensors of unknown size get a block of their own (size 0) never reused.
import type { Graph } from '../ir/graph.js';
import { elementCount, itemSize } from '../ir/tensor.js';

export interface MemoryBlock {
  id: number;
  /** Bytes: the largest tensor assigned to the block (0 when unknown). */
  size: number;
}

export interface MemoryPlan {
  /** Memory id of each node output by tensor name (-1: own buffer). */
  memIds: Map<string, number>;
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

  graph.nodes.forEach((node, k) => {
    for (const out of node.outputs) {
      if (!out) continue;
      if (outputs.has(out) || graph.constants.has(out)) {
        memIds.set(out, -1);
        continue;
      }
      const bytes = tensorBytes(graph, out);
      let block: MemoryBlock;
      if (bytes === undefined) {
        block = { id: blocks.length, size: 0 };
        blocks.push(block);
      } else {
        naiveBytes += bytes;
        block = takeBestFit(free, bytes) ?? { id: blocks.length, size: 0 };
        if (block.id === blocks.length) blocks.push(block);
        free = free.filter((b) => b !== block);
        block.size = Math.max(block.size, bytes);
        holder.set(out, block);
      }
      memIds.set(out, block.id);
      const end = lastUse.get(out) ?? k; // unread outputs die right after their node
      let l = releaseAt.get(end);
      if (!l) releaseAt.set(end, (l = []));
      l.push(out);
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
  return { memIds, blocks, plannedBytes, naiveBytes };
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
