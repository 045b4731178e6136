// ONNX model (decoded) → the converter's graph IR: initializers and Constant nodes become constants, graph
// inputs/outputs become GraphIO with fixed shapes, every node is normalised to its opset-23 form (opsets 1–27,
// see opset-range.ts) and omitted optional outputs before named ones get names.
import { ConversionError, type ConversionErrorNode } from '../errors.js';
import type { Graph, GraphIO, Node, ValueInfo } from '../ir/graph.js';
import type { DType, TensorValue } from '../ir/tensor.js';
import { inferShapes } from '../shape/infer.js';
import { constantNodeValue, convertAttributes } from './attrs.js';
import type { OnnxModel, OnnxNode, OnnxValueInfo } from './model.js';
import { onnxDType, onnxTypeName } from './model.js';
import { normalizeNode, type NormalizeContext } from './normalize.js';
import { MAX_OPSET, MIN_OPSET, newerOpsetProblem, opsetRangeMessage } from './opset-range.js';
import { nameOmittedOutputs } from './optional-outputs.js';
import { applyShapedRewrites, type ShapedRewrite } from './shaped-rewrites.js';
import { simplifySoftmax } from './softmax.js';
import { topoSort } from './topo.js';

export { MIN_OPSET, MAX_OPSET } from './opset-range.js';

export interface ImportOptions {
  /** Fixed shapes for graph inputs (override or complete the model's declared shapes). */
  inputShapes?: Record<string, number[]>;
}

function modelOpset(model: OnnxModel): number {
  const ids = model.opsetImports.filter((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (ids.length === 0) {
    if (model.opsetImports.length === 0 && model.irVersion < 3) return 1; // IR 1–2 models predate opset_import
    throw new ConversionError('the model imports no default-domain (ai.onnx) opset; is it an ONNX-ML-only model?');
  }
  return Math.max(...ids.map((o) => o.version));
}

function describeDims(v: OnnxValueInfo): string {
  const s = v.type.shape;
  if (!s) return 'unknown rank';
  return `[${s.map((d) => ('value' in d ? d.value : 'param' in d ? d.param : '?')).join(', ')}]`;
}

function inputIO(v: OnnxValueInfo, override: number[] | undefined): GraphIO {
  if (v.type.kind !== 'tensor')
    throw new ConversionError(
      `graph input '${v.name}' is a ${v.type.kind === 'none' ? 'value without a type' : v.type.kind}; only tensor inputs are supported`,
    );
  const dtype = onnxDType(v.type.elemType);
  if (!dtype || dtype === 'string' || dtype === 'complex64' || dtype === 'complex128')
    throw new ConversionError(
      `graph input '${v.name}' has data type ${onnxTypeName(v.type.elemType)}, which the converter does not support`,
    );
  const declared = v.type.shape;
  if (override) {
    if (!Array.isArray(override) || override.some((d) => !Number.isInteger(d) || d < 0))
      throw new ConversionError(`input_shapes for '${v.name}' must be non-negative integers, got [${override}]`);
    if (declared) {
      if (declared.length !== override.length)
        throw new ConversionError(
          `input_shapes for '${v.name}' has rank ${override.length} ([${override}]) but the model declares rank ${declared.length} (${describeDims(v)})`,
        );
      declared.forEach((d, i) => {
        if ('value' in d && d.value >= 0 && d.value !== override[i])
          throw new ConversionError(
            `input_shapes for '${v.name}' gives dimension ${i} as ${override[i]} but the model fixes it to ${d.value} (${describeDims(v)})`,
          );
      });
    }
    return { name: v.name, dtype, shape: [...override], format: 'NONE' };
  }
  if (!declared || declared.some((d) => !('value' in d) || d.value < 0))
    throw new ConversionError(
      `graph input '${v.name}' has ${declared ? `symbolic or unknown dimensions ${describeDims(v)}` : 'no declared shape'}; ` +
        'give its fixed shape with input_shapes in the deployment file',
    );
  return { name: v.name, dtype, shape: declared.map((d) => ('value' in d ? d.value : -1)), format: 'NONE' };
}

function outputIO(v: OnnxValueInfo): GraphIO {
  const dtype: DType = (v.type.kind === 'tensor' ? onnxDType(v.type.elemType) : null) ?? 'float32';
  const shape = (v.type.shape ?? []).map((d) => ('value' in d && d.value >= 0 ? d.value : -1));
  return { name: v.name, dtype, shape, format: 'NONE' };
}

/** Unique node names: keeps the model's names, synthesises `<OpType>_<index>` for missing or repeated ones. */
function nameNodes(nodes: OnnxNode[]): string[] {
  const taken = new Set(nodes.map((n) => n.name).filter(Boolean));
  const seen = new Set<string>();
  return nodes.map((n, i) => {
    if (n.name && !seen.has(n.name)) {
      seen.add(n.name);
      return n.name;
    }
    let name = `${n.opType || 'Node'}_${i}`;
    for (let k = 1; taken.has(name) || seen.has(name); k++) name = `${n.opType || 'Node'}_${i}_${k}`;
    seen.add(name);
    return name;
  });
}

function importProblems(problems: ConversionErrorNode[]): ConversionError {
  return new ConversionError(
    `the model has ${problems.length} node(s) the converter cannot import:\n` +
      problems.map((p) => `  ${p.name} (${p.opType}): ${p.reason}`).join('\n'),
    problems,
  );
}

export function importOnnx(model: OnnxModel, options: ImportOptions = {}): Graph {
  const opset = modelOpset(model);
  if (opset < MIN_OPSET || opset > MAX_OPSET) throw new ConversionError(opsetRangeMessage(opset));
  const g = model.graph;
  if (g.sparseInitializers.length)
    throw new ConversionError(
      `the model has sparse initializers (${g.sparseInitializers.join(', ')}), which are not supported; densify them`,
    );

  const constants = new Map<string, TensorValue>();
  for (const init of g.initializers) {
    if (!init.name) throw new ConversionError('the model has an initializer without a name');
    constants.set(init.name, init.tensor);
  }

  // Inputs: those that are initializers are constants (IR < 4 lists every initializer as an input).
  const shapes = options.inputShapes ?? {};
  const realInputs = g.inputs.filter((v) => !constants.has(v.name));
  for (const name of Object.keys(shapes))
    if (!realInputs.some((v) => v.name === name))
      throw new ConversionError(
        `input_shapes names '${name}', which is not an input of the model (inputs: ${realInputs.map((v) => `'${v.name}'`).join(', ') || 'none'})`,
      );
  const inputs = realInputs.map((v) => inputIO(v, shapes[v.name]));
  const outputs = g.outputs.map(outputIO);

  // Every value name in the model, so new constants get fresh names.
  const names = new Set<string>([...constants.keys(), ...g.inputs.map((v) => v.name), ...g.outputs.map((v) => v.name)]);
  for (const n of g.nodes) for (const v of [...n.inputs, ...n.outputs]) if (v) names.add(v);
  const uses = new Set<string>(g.outputs.map((v) => v.name));
  for (const n of g.nodes) for (const v of n.inputs) if (v) uses.add(v);

  const problems: ConversionErrorNode[] = [];
  const nodeNames = nameNodes(g.nodes);
  const nodes: Node[] = [];
  g.nodes.forEach((on, i) => {
    const name = nodeNames[i];
    const domain = on.domain === 'ai.onnx' ? '' : on.domain;
    const refuse = (reason: string): never => {
      throw new ConversionError(reason, [{ name, opType: on.opType, opset, reason }]);
    };
    if (domain === '' && on.opType === 'Constant') {
      try {
        const out = on.outputs[0];
        if (!out) refuse('Constant node has no output');
        constants.set(out, constantNodeValue(on, refuse));
      } catch (e) {
        if (!(e instanceof ConversionError)) throw e;
        problems.push(...e.nodes);
      }
      return;
    }
    nodes.push({
      name,
      opType: on.opType,
      domain,
      inputs: [...on.inputs],
      outputs: [...on.outputs],
      attrs: convertAttributes(on.attributes),
    });
  });

  const freshValue = (hint: string): string => {
    let name = hint;
    for (let k = 1; names.has(name); k++) name = `${hint}_${k}`;
    names.add(name);
    return name;
  };
  const takenNodeNames = new Set(nodeNames);
  const freshNode = (hint: string): string => {
    let name = hint;
    for (let k = 1; takenNodeNames.has(name); k++) name = `${hint}_${k}`;
    takenNodeNames.add(name);
    return name;
  };
  const refuse = (node: Node, reason: string): void => {
    problems.push({ name: node.name, opType: node.opType, opset, reason });
  };
  const deferred = new Map<Node, ShapedRewrite>();
  const ctx: NormalizeContext = {
    opset,
    constants,
    addConstant(hint, t) {
      const name = freshValue(hint);
      constants.set(name, t);
      return name;
    },
    isUsed: (v) => uses.has(v),
    refuse,
    defer: (node, rewrite) => deferred.set(node, rewrite),
  };
  for (const node of nodes) {
    if (node.domain !== '') continue;
    const newer = newerOpsetProblem(node, opset);
    if (newer) refuse(node, newer);
    else normalizeNode(node, ctx);
  }
  for (const node of nodes)
    nameOmittedOutputs(
      node,
      (v) => names.has(v),
      (v) => names.add(v),
    );
  // A graph output that is a constant (initializer or Constant node) stays produced by a node: Identity.
  for (const o of outputs) {
    const t = constants.get(o.name);
    if (!t) continue;
    const c = ctx.addConstant(`${o.name}_value`, t);
    constants.delete(o.name);
    for (const n of nodes) n.inputs = n.inputs.map((i) => (i === o.name ? c : i));
    nodes.push({
      name: `Identity_${o.name}`,
      opType: 'Identity',
      domain: '',
      inputs: [c],
      outputs: [o.name],
      attrs: {},
    });
  }
  if (problems.length) throw importProblems(problems);

  const defined = new Set<string>([...constants.keys(), ...inputs.map((i) => i.name)]);
  const graph: Graph = {
    name: g.name || 'model',
    opset,
    nodes: topoSort(nodes, defined, opset),
    inputs,
    outputs,
    constants,
    values: new Map<string, ValueInfo>(),
  };
  for (const o of outputs)
    if (!defined.has(o.name) && !graph.nodes.some((n) => n.outputs.includes(o.name)))
      throw new ConversionError(`graph output '${o.name}' is not produced by any node`);
  // Model value_info and declared outputs only seed dtypes (for values of ops shape inference does not know).
  for (const v of [...g.valueInfo, ...g.outputs]) {
    const dtype = v.type.kind === 'tensor' ? onnxDType(v.type.elemType) : null;
    if (dtype) graph.values.set(v.name, { dtype, shape: null });
  }
  // Old-opset forms whose rewrite depends on operand ranks (opsets 1–6), then shapes for the final graph.
  applyShapedRewrites(graph, deferred, { addConstant: ctx.addConstant, freshValue, freshNode, refuse });
  if (problems.length) throw importProblems(problems);
  inferShapes(graph);
  simplifySoftmax(graph);
  return graph;
}
