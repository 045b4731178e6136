// Test helper: small hand-built graphs, each exercising one pattern a graph transform rewrites
// (Conv+BN, Conv+Relu, Conv+Clip(relu6), Gemm+Relu, Reshape chains, Transpose pairs, Identity, …).
import type { Graph } from '../../src/ir/graph.js';
import { makeTensor } from '../../src/ir/tensor.js';
import { GraphBuilder } from './graph-builder.js';

/** BatchNormalization parameters for `c` channels (variance > 0). */
function bn(b: GraphBuilder, x: string, c: number, shape: number[], seed: number, out = 'y'): string {
  const s = b.weight(`bn${seed}.scale`, [c], seed, 0.5, 1.5);
  const bias = b.weight(`bn${seed}.bias`, [c], seed + 1);
  const mean = b.weight(`bn${seed}.mean`, [c], seed + 2, -0.5, 0.5);
  const v = b.weight(`bn${seed}.var`, [c], seed + 3, 0.2, 2);
  return b.nodeN(
    'BatchNormalization',
    [x, s, bias, mean, v],
    { epsilon: { float: 1e-3 } },
    [{ shape, name: out }],
    `bn${seed}`,
  )[0];
}

export function convBn(withBias: boolean): Graph {
  const b = new GraphBuilder('conv_bn');
  const x = b.input('x', [1, 3, 6, 6]);
  const w = b.weight('w', [4, 3, 3, 3], 11);
  const ins = withBias ? [x, w, b.weight('b', [4], 12)] : [x, w];
  const c = b.node('Conv', ins, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, [1, 4, 6, 6], 'float32', 'conv');
  return b.output(bn(b, c, 4, [1, 4, 6, 6], 20)).build();
}

export function groupedConvBn(): Graph {
  const b = new GraphBuilder('gconv_bn');
  const x = b.input('x', [1, 4, 5, 5]);
  const c = b.node(
    'Conv',
    [x, b.weight('w', [6, 2, 3, 3], 13), b.weight('b', [6], 14)],
    { group: 2, strides: [2, 2], pads: [1, 1, 1, 1] },
    [1, 6, 3, 3],
    'float32',
    'conv',
  );
  return b.output(bn(b, c, 6, [1, 6, 3, 3], 30)).build();
}

export function convTransposeBn(): Graph {
  const b = new GraphBuilder('convt_bn');
  const x = b.input('x', [1, 4, 3, 3]);
  const c = b.node(
    'ConvTranspose',
    [x, b.weight('w', [4, 3, 3, 3], 15), b.weight('b', [6], 16)],
    { group: 2, strides: [2, 2], pads: [1, 1, 1, 1] },
    [1, 6, 5, 5],
    'float32',
    'convt',
  );
  return b.output(bn(b, c, 6, [1, 6, 5, 5], 40)).build();
}

export function gemmBn(transB: boolean, withC: boolean): Graph {
  const b = new GraphBuilder('gemm_bn');
  const x = b.input('x', [2, 5]);
  const w = b.weight('w', transB ? [3, 5] : [5, 3], 17);
  const ins = withC ? [x, w, b.weight('c', [3], 18)] : [x, w];
  const g = b.node(
    'Gemm',
    ins,
    { transB: transB ? 1 : 0, alpha: { float: 0.7 }, beta: { float: 1.3 } },
    [2, 3],
    'float32',
    'gemm',
  );
  return b.output(bn(b, g, 3, [2, 3], 50)).build();
}

export function matmulBn(): Graph {
  const b = new GraphBuilder('matmul_bn');
  const x = b.input('x', [2, 5]);
  const m = b.node('MatMul', [x, b.weight('w', [5, 3], 19)], {}, [2, 3], 'float32', 'matmul');
  return b.output(bn(b, m, 3, [2, 3], 60)).build();
}

/** BN after an Add (stays), and BN after a Conv whose output is also a model output (stays). */
export function bnThatStays(): Graph {
  const b = new GraphBuilder('bn_stays');
  const x = b.input('x', [1, 2, 3, 3]);
  const a = b.node('Add', [x, b.weight('k', [1, 2, 1, 1], 21)], {}, [1, 2, 3, 3], 'float32', 'add');
  const y1 = bn(b, a, 2, [1, 2, 3, 3], 70, 'y1');
  const c = b.node('Conv', [x, b.weight('w', [2, 2, 1, 1], 22)], {}, [1, 2, 3, 3], 'float32', 'conv');
  const y2 = bn(b, c, 2, [1, 2, 3, 3], 80, 'y2');
  return b.output(y1).output(y2).output(c).build();
}

export type Act = 'Relu' | 'Clip' | 'LeakyRelu' | 'Sigmoid' | 'Tanh' | 'HardSigmoid' | 'HardSwish';

function act(b: GraphBuilder, kind: Act, x: string, shape: number[]): string {
  switch (kind) {
    case 'Clip':
      return b.node('Clip', [x, b.scalar('lo', 0), b.scalar('hi', 6)], {}, shape, 'float32', 'relu6');
    case 'LeakyRelu':
      return b.node('LeakyRelu', [x], { alpha: { float: 0.1 } }, shape, 'float32', 'act');
    case 'HardSigmoid':
      return b.node('HardSigmoid', [x], { alpha: { float: 0.3 }, beta: { float: 0.4 } }, shape, 'float32', 'act');
    default:
      return b.node(kind, [x], {}, shape, 'float32', 'act');
  }
}

/** Input x [1, 3, 5, 5] and a 3x3 'same' Conv with bias to 4 channels: its output [1, 4, 5, 5]. */
function conv3x3(b: GraphBuilder): string {
  const x = b.input('x', [1, 3, 5, 5]);
  return b.node(
    'Conv',
    [x, b.weight('w', [4, 3, 3, 3], 23, -2, 2), b.weight('b', [4], 24)],
    { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
    [1, 4, 5, 5],
    'float32',
    'conv',
  );
}

export function convAct(kind: Act): Graph {
  const b = new GraphBuilder(`conv_${kind}`);
  return b.output(act(b, kind, conv3x3(b), [1, 4, 5, 5])).build();
}

export function gemmRelu(): Graph {
  const b = new GraphBuilder('gemm_relu');
  const x = b.input('x', [2, 6]);
  const g = b.node(
    'Gemm',
    [x, b.weight('w', [4, 6], 25), b.weight('c', [4], 26)],
    { transB: 1 },
    [2, 4],
    'float32',
    'gemm',
  );
  return b.output(act(b, 'Relu', g, [2, 4])).build();
}

/** MatMul (3-D input) followed by a Clip with only a max bound (min omitted). */
export function matmulClipMaxOnly(): Graph {
  const b = new GraphBuilder('matmul_clip');
  const x = b.input('x', [1, 2, 6]);
  const m = b.node('MatMul', [x, b.weight('w', [6, 4], 27)], {}, [1, 2, 4], 'float32', 'matmul');
  return b.output(b.node('Clip', [m, '', b.scalar('hi', 0.5)], {}, [1, 2, 4], 'float32', 'clip')).build();
}

export function convTransposeLeaky(): Graph {
  const b = new GraphBuilder('convt_leaky');
  const x = b.input('x', [1, 2, 3, 3]);
  const c = b.node(
    'ConvTranspose',
    [x, b.weight('w', [2, 3, 2, 2], 28)],
    { strides: [2, 2] },
    [1, 3, 6, 6],
    'float32',
    'convt',
  );
  return b.output(act(b, 'LeakyRelu', c, [1, 3, 6, 6])).build();
}

/** Conv output read by the activation and by an Add: no fusion. */
export function convActTwoReaders(): Graph {
  const b = new GraphBuilder('no_fuse');
  const x = b.input('x', [1, 2, 3, 3]);
  const c = b.node('Conv', [x, b.weight('w', [2, 2, 1, 1], 29)], {}, [1, 2, 3, 3], 'float32', 'conv');
  const r = b.node('Relu', [c], {}, [1, 2, 3, 3], 'float32', 'relu');
  return b.output(b.node('Add', [r, c], {}, [1, 2, 3, 3], 'float32', 'add')).build();
}

export function reshapeChain(endsAtOutput: boolean): Graph {
  const b = new GraphBuilder('reshape_chain');
  const x = b.input('x', [1, 2, 3, 4]);
  const r0 = b.node('Relu', [x], {}, [1, 2, 3, 4], 'float32', 'relu0');
  const a = b.node('Reshape', [r0, b.ints('s1', [6, 4])], {}, [6, 4], 'float32', 'r1');
  const c = b.node('Reshape', [a, b.ints('s2', [2, -1])], {}, [2, 12], 'float32', 'r2');
  const d = b.nodeN(
    'Reshape',
    [c, b.ints('s3', [0, 3, 4])],
    {},
    [{ shape: [2, 3, 4], name: endsAtOutput ? 'y' : undefined }],
    'r3',
  )[0];
  if (endsAtOutput) return b.output(d).build();
  return b.output(b.node('Relu', [d], {}, [2, 3, 4], 'float32', 'relu1')).build();
}

/** Reshape → Reshape whose second shape is computed (Shape of the input): the Shape node dies too. */
export function reshapeComputedShape(): Graph {
  const b = new GraphBuilder('reshape_computed');
  const x = b.input('x', [2, 3, 4]);
  const r0 = b.node('Relu', [x], {}, [2, 3, 4], 'float32', 'relu0');
  const a = b.node('Reshape', [r0, b.ints('s1', [6, 4])], {}, [6, 4], 'float32', 'r1');
  const s = b.node('Shape', [x], {}, [3], 'int64', 'shape');
  const c = b.node('Reshape', [a, s], {}, [2, 3, 4], 'float32', 'r2');
  return b.output(b.node('Relu', [c], {}, [2, 3, 4], 'float32', 'relu1')).build();
}

export function squeezeChain(): Graph {
  const b = new GraphBuilder('squeeze_chain');
  const x = b.input('x', [1, 3, 1, 4]);
  const r0 = b.node('Relu', [x], {}, [1, 3, 1, 4], 'float32', 'relu0');
  const s = b.node('Squeeze', [r0, b.ints('ax1', [2])], {}, [1, 3, 4], 'float32', 'squeeze');
  const u = b.node('Unsqueeze', [s, b.ints('ax2', [0])], {}, [1, 1, 3, 4], 'float32', 'unsqueeze');
  const f = b.node('Flatten', [u], { axis: 2 }, [1, 12], 'float32', 'flatten');
  return b.output(b.node('Relu', [f], {}, [1, 12], 'float32', 'relu1')).build();
}

export function transposePairs(): Graph {
  const b = new GraphBuilder('transpose_pairs');
  const x = b.input('x', [1, 2, 3, 4]);
  const r0 = b.node('Relu', [x], {}, [1, 2, 3, 4], 'float32', 'relu0');
  // A pair that cancels (NCHW → NHWC → NCHW).
  const t1 = b.node('Transpose', [r0], { perm: [0, 2, 3, 1] }, [1, 3, 4, 2], 'float32', 't1');
  const t2 = b.node('Transpose', [t1], { perm: [0, 3, 1, 2] }, [1, 2, 3, 4], 'float32', 't2');
  const r1 = b.node('Relu', [t2], {}, [1, 2, 3, 4], 'float32', 'relu1');
  // A pair that composes into one permutation, the second with the default (reversed) perm.
  const t3 = b.node('Transpose', [r1], { perm: [1, 0, 2, 3] }, [2, 1, 3, 4], 'float32', 't3');
  const t4 = b.node('Transpose', [t3], {}, [4, 3, 1, 2], 'float32', 't4');
  // An identity permutation.
  const t5 = b.node('Transpose', [t4], { perm: [0, 1, 2, 3] }, [4, 3, 1, 2], 'float32', 't5');
  return b.output(b.node('Relu', [t5], {}, [4, 3, 1, 2], 'float32', 'relu2')).build();
}

export function identityReshape(): Graph {
  const b = new GraphBuilder('same_shape');
  const x = b.input('x', [1, 2, 3]);
  const r0 = b.node('Relu', [x], {}, [1, 2, 3], 'float32', 'relu0');
  const r = b.node('Reshape', [r0, b.ints('s', [1, -1, 3])], {}, [1, 2, 3], 'float32', 'reshape');
  return b.output(b.node('Relu', [r], {}, [1, 2, 3], 'float32', 'relu1')).build();
}

export function identities(): Graph {
  const b = new GraphBuilder('identities');
  const x = b.input('x', [1, 2, 4, 4]);
  const i0 = b.node('Identity', [x], {}, [1, 2, 4, 4], 'float32', 'id0');
  const c = b.node('Conv', [i0, b.weight('w', [3, 2, 1, 1], 31)], {}, [1, 3, 4, 4], 'float32', 'conv');
  const i1 = b.node('Identity', [c], {}, [1, 3, 4, 4], 'float32', 'id1');
  const r = b.node('Relu', [i1], {}, [1, 3, 4, 4], 'float32', 'relu');
  return b.output(b.nodeN('Identity', [r], {}, [{ shape: [1, 3, 4, 4], name: 'y' }], 'id2')[0]).build();
}

/** Inference-mode Dropout (ratio given, training_mode absent) between a Conv and a Relu. */
export function dropout(): Graph {
  const b = new GraphBuilder('dropout');
  const x = b.input('x', [1, 2, 4, 4]);
  const c = b.node('Conv', [x, b.weight('w', [3, 2, 1, 1], 32)], {}, [1, 3, 4, 4], 'float32', 'conv');
  const d = b.node('Dropout', [c, b.scalar('ratio', 0.5)], {}, [1, 3, 4, 4], 'float32', 'dropout');
  return b.output(b.nodeN('Relu', [d], {}, [{ shape: [1, 3, 4, 4], name: 'y' }], 'relu')[0]).build();
}

/** Only Identity nodes: x → a → y. The one Identity from the input to the output must stay. */
export function identityOnly(): Graph {
  const b = new GraphBuilder('identity_only');
  const x = b.input('x', [2, 3]);
  const a = b.node('Identity', [x], {}, [2, 3], 'float32', 'id0');
  const y = b.nodeN('Identity', [a], {}, [{ shape: [2, 3], name: 'y' }], 'id1')[0];
  b.constant('k', makeTensor('float32', [2], [1, 2]));
  const z = b.nodeN('Identity', ['k'], {}, [{ shape: [2], name: 'z' }], 'id2')[0];
  return b.output(y).output(z).build();
}

/** NCHW graph (Conv + Relu) whose input and output the deployment file declares NHWC. */
export function nchwConvRelu(): Graph {
  const b = new GraphBuilder('nhwc_io');
  const x = b.input('x', [1, 3, 5, 4]);
  const c = b.node(
    'Conv',
    [x, b.weight('w', [4, 3, 3, 3], 33), b.weight('b', [4], 34)],
    { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
    [1, 4, 5, 4],
    'float32',
    'conv',
  );
  return b.output(b.nodeN('Relu', [c], {}, [{ shape: [1, 4, 5, 4], name: 'y' }], 'relu')[0]).build();
}

/**
 * Conv then hardswish written out as PyTorch exports it below opset 14: Mul(x, HardSigmoid(x))
 * with alpha 1/6, beta 1/2 (`hsFirst` puts the HardSigmoid output first in the Mul). With
 * `alpha` other than 1/6 it is not hardswish and must stay.
 */
export function convHardSwishPair(hsFirst: boolean, alpha = 1 / 6): Graph {
  const b = new GraphBuilder('conv_hswish_pair');
  const c = conv3x3(b);
  const h = b.node(
    'HardSigmoid',
    [c],
    { alpha: { float: alpha }, beta: { float: 0.5 } },
    [1, 4, 5, 5],
    'float32',
    'hs',
  );
  return b.output(b.node('Mul', hsFirst ? [h, c] : [c, h], {}, [1, 4, 5, 5], 'float32', 'mul')).build();
}

/**
 * Conv then hardswish as Paddle and TensorFlow export it: `x * Clip(x + 3, 0, 6) / 6` (`byMul`:
 * the last step a Mul by 1/6). With `three` other than 3 it is not hardswish and must stay.
 */
export function convHardSwishClip(byMul: boolean, three = 3): Graph {
  const b = new GraphBuilder('conv_hswish_clip');
  const s = [1, 4, 5, 5];
  const c = conv3x3(b);
  const a = b.node('Add', [c, b.scalar('three', three)], {}, s, 'float32', 'add');
  const r = b.node('Clip', [a, b.scalar('lo', 0), b.scalar('hi', 6)], {}, s, 'float32', 'clip');
  const m = b.node('Mul', [c, r], {}, s, 'float32', 'mul');
  const out = byMul
    ? b.node('Mul', [b.scalar('sixth', 1 / 6), m], {}, s, 'float32', 'scale')
    : b.node('Div', [m, b.scalar('six', 6)], {}, s, 'float32', 'div');
  return b.output(out).build();
}
