// convert(): a model file and the deployment file's input/output declarations → the engine
// model (.mace + .data). Load (ONNX → IR, shapes, constant folding), pick the outputs, run the
// graph transforms, check op coverage (refusing the whole model if any node is unsupported),
// plan memory and write. Every failure is a ConversionError a user can act on.
import { checkCoverage, assertSupported, type CoverageReport } from './coverage/index.js';
import { ConversionError } from './errors.js';
import type { DataFormat, Graph, GraphIO } from './ir/graph.js';
import { loadOnnx } from './onnx/index.js';
import { decodeModel } from './onnx/proto.js';
import { planMemory } from './plan/memory.js';
import {
  applyIoFormats,
  foldBatchNorm,
  fuseActivations,
  obfuscateNames,
  pruneToOutputs,
  removeIdentities,
  simplifyReshapeTranspose,
} from './transforms/index.js';
import { writeEngineModel, type GpuDataType } from './writer/index.js';

export interface ConvertOptions {
  platform: 'onnx';
  /** Inputs with their shape written in `format` (an NHWC shape for NHWC). */
  inputs?: { name: string; shape: number[]; format: DataFormat }[];
  /** Outputs to produce (model outputs or any tensor of the model), shape in `format` when given. */
  outputs?: { name: string; shape?: number[]; format: DataFormat }[];
  /** Rename internal tensors and nodes to short ids. */
  obfuscate?: boolean;
  transforms?: { disable?: string[] };
  /** How GPU engines store activations and weights (the deployment file's data_type): half (default, MACE's fp16_fp32) or float. */
  gpuDataType?: GpuDataType;
  /** The deployment file's `winograd`: 2 or 4 lets the CPU and GPU engines run 3x3 stride-1 convolutions as Winograd F(2,3) / F(4,3). */
  winograd?: 0 | 2 | 4;
}

/** What convert() needs of a deployment file's model (@mace/config's ModelConfig has these fields). */
export interface DeploymentModel {
  obfuscate: boolean;
  dataType: string;
  winograd: 0 | 2 | 4;
  subgraphs: {
    inputTensors: string[];
    inputShapes: number[][];
    inputDataFormats: DataFormat[];
    outputTensors: string[];
    outputShapes: number[][] | null;
    outputDataFormats: DataFormat[];
  }[];
}

/** The convert() options of a deployment file's (single-subgraph) model: one mapping for the CLI and the worker. */
export function convertOptionsFor(model: DeploymentModel): ConvertOptions {
  const sg = model.subgraphs[0];
  return {
    platform: 'onnx',
    inputs: sg.inputTensors.map((name, i) => ({
      name,
      shape: sg.inputShapes[i],
      format: sg.inputDataFormats[i] ?? 'NONE',
    })),
    outputs: sg.outputTensors.map((name, i) => ({
      name,
      ...(sg.outputShapes ? { shape: sg.outputShapes[i] } : {}),
      format: sg.outputDataFormats[i] ?? 'NONE',
    })),
    obfuscate: model.obfuscate,
    // GPU engines store tensors in half unless the deployment file asks for fp32_fp32.
    gpuDataType: model.dataType === 'fp32_fp32' ? 'float' : 'half',
    winograd: model.winograd,
  };
}

export interface ConvertStats {
  /** Nodes after loading (constant-folded nodes are gone already). */
  nodesIn: number;
  nodesOut: number;
  /** Nodes folded into others: BatchNormalizations into weights, activations into their producers. */
  folded: number;
  memory: { plannedBytes: number; naiveBytes: number };
  /** Rewrites each transform made, by name. */
  transforms: Record<string, number>;
}

export interface ConvertResult {
  mace: Uint8Array;
  data: Uint8Array;
  coverage: CoverageReport;
  graph: Graph;
  stats: ConvertStats;
}

/** Optimisations `transforms.disable` may switch off, in the order they run. */
export const OPTIONAL_TRANSFORMS = [
  'removeIdentities',
  'foldBatchNorm',
  'fuseActivations',
  'simplifyReshapeTranspose',
] as const;

const FORMATS: readonly DataFormat[] = ['NONE', 'NCHW', 'NHWC', 'OIHW'];
const list = (names: string[]): string => names.map((n) => `'${n}'`).join(', ') || 'none';
const toNCHW = (s: number[]): number[] => [s[0], s[3], s[1], s[2]];
const toNHWC = (s: number[]): number[] => [s[0], s[2], s[3], s[1]];
const same = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

function checkOptions(options: ConvertOptions): void {
  if (!options || options.platform !== 'onnx')
    throw new ConversionError(
      `platform '${String(options?.platform)}' is not supported; only 'onnx' models can be converted`,
    );
  const seen = new Set<string>();
  for (const [what, items] of [
    ['input', options.inputs ?? []],
    ['output', options.outputs ?? []],
  ] as const) {
    if (!Array.isArray(items)) throw new ConversionError(`${what}s must be a list`);
    seen.clear();
    for (const io of items) {
      if (!io || typeof io.name !== 'string' || !io.name) throw new ConversionError(`every ${what} needs a name`);
      if (seen.has(io.name)) throw new ConversionError(`${what} '${io.name}' is listed twice`);
      seen.add(io.name);
      if (!FORMATS.includes(io.format))
        throw new ConversionError(
          `${what} '${io.name}' has data format '${String(io.format)}'; use one of ${FORMATS.join(', ')}`,
        );
      const shape = (io as { shape?: number[] }).shape;
      if (
        (what === 'input' || shape !== undefined) &&
        (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0))
      )
        throw new ConversionError(
          `${what} '${io.name}' shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`,
        );
    }
  }
  const disable = options.transforms?.disable ?? [];
  for (const t of disable)
    if (!(OPTIONAL_TRANSFORMS as readonly string[]).includes(t))
      throw new ConversionError(
        t === 'applyIoFormats'
          ? 'applyIoFormats cannot be disabled: it gives inputs and outputs their declared data formats'
          : `unknown transform '${t}' in transforms.disable; the transforms are ${list([...OPTIONAL_TRANSFORMS])}`,
      );
}

/** Declared static input shapes of the ONNX file (only read when a layout must be decided). */
function declaredInputShapes(bytes: Uint8Array): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  try {
    for (const v of decodeModel(bytes).graph.inputs) {
      const s = v.type.kind === 'tensor' ? v.type.shape : undefined;
      if (s && s.every((d) => 'value' in d && d.value >= 0))
        shapes.set(
          v.name,
          s.map((d) => ('value' in d ? d.value : -1)),
        );
    }
  } catch {
    // loadOnnx reports a malformed file with its own message.
  }
  return shapes;
}

/**
 * Input shapes in the graph's layout for loadOnnx, and the inputs whose declared layout is already
 * the graph's: a 4-D NHWC input is NCHW in the graph unless the model itself declares exactly the
 * NHWC shape (an NHWC-native export).
 */
function planInputs(
  bytes: Uint8Array,
  inputs: NonNullable<ConvertOptions['inputs']>,
): { shapes: Record<string, number[]>; asIs: string[] } {
  const shapes: Record<string, number[]> = {};
  const asIs: string[] = [];
  const nhwc = inputs.filter((io) => io.format === 'NHWC' && io.shape.length === 4);
  const declared = nhwc.length ? declaredInputShapes(bytes) : new Map<string, number[]>();
  for (const io of inputs) {
    if (io.format !== 'NHWC' || io.shape.length !== 4) {
      shapes[io.name] = [...io.shape];
      continue;
    }
    const d = declared.get(io.name);
    if (d && same(d, io.shape) && !same(d, toNCHW(io.shape))) {
      asIs.push(io.name);
      shapes[io.name] = [...io.shape];
    } else shapes[io.name] = toNCHW(io.shape);
  }
  return { shapes, asIs };
}

/** Applies the deployment file's output list: model outputs or inner tensors, checked shapes. */
function selectOutputs(graph: Graph, outputs: NonNullable<ConvertOptions['outputs']>, asIs: string[]): void {
  const produced = new Set<string>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o) produced.add(o);
  const modelOutputs = graph.outputs.map((o) => o.name);
  const unknown = outputs.filter((o) => !modelOutputs.includes(o.name) && !produced.has(o.name));
  if (unknown.length)
    throw new ConversionError(
      `output(s) ${list(unknown.map((o) => o.name))} are not tensors of the model; the model's outputs are ${list(modelOutputs)}`,
    );
  graph.outputs = outputs.map((o): GraphIO => {
    const existing = graph.outputs.find((x) => x.name === o.name);
    const v = graph.values.get(o.name);
    const shape = v?.shape ?? existing?.shape ?? [];
    return {
      name: o.name,
      dtype: v?.dtype ?? existing?.dtype ?? 'float32',
      shape: [...shape],
      format: existing?.format ?? 'NONE',
    };
  });
  const nativeInputs = asIs.length > 0;
  for (const o of outputs) {
    const io = graph.outputs.find((x) => x.name === o.name) as GraphIO;
    const nhwc = o.format === 'NHWC' && io.shape.length === 4;
    // Without a declared shape to tell, an NHWC-native model (NHWC-native inputs) has NHWC-native outputs.
    if (!o.shape && nhwc && nativeInputs) asIs.push(o.name);
    if (!o.shape || io.shape.some((d) => d < 0)) continue;
    // An NHWC output of an NHWC-native graph already has the declared shape.
    if (nhwc && same(o.shape, io.shape) && !same(o.shape, toNHWC(io.shape))) asIs.push(o.name);
    const expected = nhwc && !asIs.includes(o.name) ? toNHWC(io.shape) : io.shape;
    if (!same(expected, o.shape))
      throw new ConversionError(
        `output '${o.name}' has shape [${expected.join(', ')}]${nhwc ? ' in NHWC' : ''} but the deployment file declares ` +
          `[${o.shape.join(', ')}]; fix output_shapes (or input_shapes) in the deployment file`,
      );
  }
}

function run(modelBytes: Uint8Array, options: ConvertOptions): ConvertResult {
  checkOptions(options);
  if (!(modelBytes instanceof Uint8Array) || modelBytes.length === 0)
    throw new ConversionError('the model file is empty; check the model path and download');
  const inputs = options.inputs ?? [];
  const { shapes, asIs } = planInputs(modelBytes, inputs);
  const graph = loadOnnx(modelBytes, { inputShapes: shapes });
  const nodesIn = graph.nodes.length;

  const counts: Record<string, number> = {};
  if (options.outputs?.length) selectOutputs(graph, options.outputs, asIs);
  counts.pruneToOutputs = pruneToOutputs(graph).changed;

  const disabled = new Set(options.transforms?.disable ?? []);
  const step = (name: string, t: (g: Graph) => { changed: number }): void => {
    if (!disabled.has(name)) counts[name] = t(graph).changed;
  };
  step('removeIdentities', removeIdentities);
  step('foldBatchNorm', foldBatchNorm);
  step('fuseActivations', fuseActivations);
  const fmt = (items: { name: string; format: DataFormat }[]): Record<string, DataFormat> =>
    Object.fromEntries(items.map((io) => [io.name, io.format]));
  counts.applyIoFormats = applyIoFormats(graph, {
    inputs: fmt(inputs),
    outputs: fmt(options.outputs ?? []),
    asIs,
  }).changed;
  step('simplifyReshapeTranspose', simplifyReshapeTranspose);
  if (options.obfuscate) counts.obfuscateNames = obfuscateNames(graph).changed;
  // The runtime decides per op whether Winograd applies (3x3, stride 1, dilation 1, group 1).
  if (options.winograd)
    for (const n of graph.nodes) if (n.opType === 'Conv') n.attrs.winograd = { kind: 'int', value: options.winograd };

  const coverage = checkCoverage(graph);
  assertSupported(graph, 'cpu', coverage);
  const plan = planMemory(graph);
  const { mace, data } = writeEngineModel(graph, plan, { gpuDataType: options.gpuDataType });
  return {
    mace,
    data,
    coverage,
    graph,
    stats: {
      nodesIn,
      nodesOut: graph.nodes.length,
      folded: (counts.foldBatchNorm ?? 0) + (counts.fuseActivations ?? 0),
      memory: { plannedBytes: plan.plannedBytes, naiveBytes: plan.naiveBytes },
      transforms: counts,
    },
  };
}

/** Converts a model; throws ConversionError (only) when it cannot. */
export function convert(modelBytes: Uint8Array, options: ConvertOptions): ConvertResult {
  try {
    return run(modelBytes, options);
  } catch (e) {
    if (e instanceof ConversionError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new ConversionError(
      `the converter failed unexpectedly (${msg}); the model may be malformed — check it with onnx.checker, ` +
        'and report this error with the model if it is valid',
    );
  }
}
