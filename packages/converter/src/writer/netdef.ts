// Builds the NetDef FlatBuffer (file identifier "MACE") of a graph: ops with typed arguments,
// inferred output shapes/types and memory ids, constant tensor descriptors, input/output info
// and memory blocks.
import * as flatbuffers from 'flatbuffers';
import { ConversionError } from '../errors.js';
import { Argument } from '../generated/mace/schema/argument.js';
import { ConstTensor } from '../generated/mace/schema/const-tensor.js';
import { DataType as FbType } from '../generated/mace/schema/data-type.js';
import { InputOutputInfo } from '../generated/mace/schema/input-output-info.js';
import { MemoryBlock } from '../generated/mace/schema/memory-block.js';
import { NetDef } from '../generated/mace/schema/net-def.js';
import { Operator } from '../generated/mace/schema/operator.js';
import { Shape } from '../generated/mace/schema/shape.js';
import type { AttrValue, Graph, GraphIO, Node } from '../ir/graph.js';
import type { MemoryPlan } from '../plan/memory.js';
import type { PackedTensor } from './data.js';
import { schemaDataFormat, schemaDataType } from './dtype.js';
import { writtenOutputs, type WrittenOutputs } from './outputs.js';

export const MODEL_FORMAT_VERSION = 2;

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** An attribute integer as int64 (saturating: ONNX exporters write ±2^63-ish as floats). */
export function toInt64(v: number): bigint {
  if (Number.isNaN(v)) return 0n;
  if (v >= 9.223372036854775e18) return INT64_MAX;
  if (v <= -9.223372036854775e18) return INT64_MIN;
  return BigInt(Math.trunc(v));
}

const dims64 = (dims: readonly number[]): bigint[] =>
  dims.map((d) => (Number.isInteger(d) && d >= 0 ? BigInt(d) : -1n));

export interface NetDefParts {
  graph: Graph;
  plan: MemoryPlan;
  tensors: PackedTensor[];
  dataSize: number;
  dataCrc: number;
  name?: string;
  gpuDataType: GpuDataType;
}

/** How GPU engines store activations and weights: half images (fp16_fp32) or float (fp32_fp32). */
export type GpuDataType = 'half' | 'float';

/**
 * Deduplicated strings. (flatbuffers 2.0.7's createSharedString returns offset 0 for '', an
 * invalid reference that fails verification; '' marks omitted optional inputs.)
 */
function sharedStrings(b: flatbuffers.Builder): (s: string) => flatbuffers.Offset {
  const cache = new Map<string, flatbuffers.Offset>();
  return (s) => {
    let off = cache.get(s);
    if (off === undefined) cache.set(s, (off = b.createString(s)));
    return off;
  };
}

type Str = (s: string) => flatbuffers.Offset;

function opError(node: Node, graph: Graph, reason: string, advice: string): ConversionError {
  return new ConversionError(`node '${node.name}' (${node.opType}): ${reason}; ${advice}`, [
    { name: node.name, opType: node.opType, opset: graph.opset, reason },
  ]);
}

function buildArg(
  b: flatbuffers.Builder,
  str: Str,
  node: Node,
  graph: Graph,
  name: string,
  a: AttrValue,
): flatbuffers.Offset {
  const nameOff = str(name);
  let s = 0;
  let floats = 0;
  let ints = 0;
  let strings = 0;
  switch (a.kind) {
    case 'string':
      s = b.createString(a.value);
      break;
    case 'floats':
      floats = Argument.createFloatsVector(b, a.value);
      break;
    case 'ints':
      ints = Argument.createIntsVector(b, a.value.map(toInt64));
      break;
    case 'strings':
      strings = Argument.createStringsVector(
        b,
        a.value.map((x) => b.createString(x)),
      );
      break;
    case 'int':
    case 'float':
      break;
    default:
      throw opError(
        node,
        graph,
        `attribute '${name}' holds a ${a.kind}, which the engine format cannot carry`,
        'this op is not supported in this form; simplify the model (e.g. with onnx-simplifier) and convert again',
      );
  }
  Argument.startArgument(b);
  Argument.addName(b, nameOff);
  if (a.kind === 'int') {
    Argument.addI(b, toInt64(a.value));
    Argument.addHasI(b, true);
  } else if (a.kind === 'float') {
    Argument.addF(b, a.value);
    Argument.addHasF(b, true);
  }
  if (s) Argument.addS(b, s);
  if (floats) Argument.addFloats(b, floats);
  if (ints) Argument.addInts(b, ints);
  if (strings) Argument.addStrings(b, strings);
  return Argument.endArgument(b);
}

function valueType(graph: Graph, name: string, written: WrittenOutputs): FbType {
  const source = written.synthetic.get(name); // an omitted output: its op's data type (that of input 0)
  const dt = graph.values.get(name)?.dtype ?? (source ? graph.values.get(source)?.dtype : undefined) ?? 'float32';
  const t = schemaDataType(dt);
  if (t === undefined)
    throw new ConversionError(
      `tensor '${name}' has data type ${dt}, which the engine cannot hold; export the model in float32`,
    );
  return t;
}

function buildOp(
  b: flatbuffers.Builder,
  str: Str,
  graph: Graph,
  plan: MemoryPlan,
  node: Node,
  written: WrittenOutputs,
): flatbuffers.Offset {
  const args = Object.entries(node.attrs).map(([k, v]) => buildArg(b, str, node, graph, k, v));
  const outputNames = written.names.get(node) ?? node.outputs;
  const shapes = outputNames.map((o) => {
    const shape = graph.values.get(o)?.shape;
    const dims = shape ? Shape.createDimsVector(b, dims64(shape)) : 0;
    Shape.startShape(b);
    if (dims) Shape.addDims(b, dims);
    return Shape.endShape(b);
  });
  const types = outputNames.map((o) => valueType(graph, o, written));
  const mem = outputNames.map((o) => plan.memIds.get(o) ?? -1);
  const offsets = outputNames.map((o) => BigInt(plan.memOffsets.get(o) ?? 0));
  const inputs = Operator.createInputsVector(
    b,
    node.inputs.map((i) => str(i)),
  );
  const outputs = Operator.createOutputsVector(
    b,
    outputNames.map((o) => str(o)),
  );
  const shapesOff = Operator.createOutputShapesVector(b, shapes);
  const typesOff = Operator.createOutputTypesVector(b, types);
  const memOff = Operator.createMemIdsVector(b, mem);
  const inPlace = outputNames.some((o) => plan.memOffsets.has(o));
  const offsetsOff = inPlace ? Operator.createMemOffsetsVector(b, offsets) : 0;
  const argsOff = Operator.createArgsVector(b, args);
  const nameOff = b.createString(node.name);
  const typeOff = str(node.opType);
  Operator.startOperator(b);
  Operator.addName(b, nameOff);
  Operator.addType(b, typeOff);
  Operator.addInputs(b, inputs);
  Operator.addOutputs(b, outputs);
  Operator.addOutputShapes(b, shapesOff);
  Operator.addOutputTypes(b, typesOff);
  Operator.addMemIds(b, memOff);
  Operator.addArgs(b, argsOff);
  if (offsetsOff) Operator.addMemOffsets(b, offsetsOff);
  return Operator.endOperator(b);
}

function buildIo(b: flatbuffers.Builder, str: Str, io: GraphIO, what: string): flatbuffers.Offset {
  const t = schemaDataType(io.dtype);
  if (t === undefined)
    throw new ConversionError(
      `model ${what} '${io.name}' has data type ${io.dtype}, which the engine cannot take; export the model in float32`,
    );
  const name = str(io.name);
  const dims = InputOutputInfo.createDimsVector(b, dims64(io.shape));
  InputOutputInfo.startInputOutputInfo(b);
  InputOutputInfo.addName(b, name);
  InputOutputInfo.addDims(b, dims);
  InputOutputInfo.addDataType(b, t);
  InputOutputInfo.addDataFormat(b, schemaDataFormat(io.format));
  return InputOutputInfo.endInputOutputInfo(b);
}

function buildTensor(b: flatbuffers.Builder, str: Str, p: PackedTensor): flatbuffers.Offset {
  const name = str(p.name);
  const dims = ConstTensor.createDimsVector(b, dims64(p.dims));
  ConstTensor.startConstTensor(b);
  ConstTensor.addName(b, name);
  ConstTensor.addDims(b, dims);
  ConstTensor.addDataType(b, schemaDataType(p.dtype) as FbType);
  ConstTensor.addOffset(b, BigInt(p.offset));
  ConstTensor.addSize(b, BigInt(p.size));
  return ConstTensor.endConstTensor(b);
}

/** The NetDef FlatBuffer bytes (without the integrity trailer). */
export function buildNetDef(parts: NetDefParts): Uint8Array {
  const { graph, plan } = parts;
  const b = new flatbuffers.Builder(1024 + graph.nodes.length * 256);
  // DataType defaults (DT_FLOAT) are still written, so readers need not know the schema default.
  b.forceDefaults(true);
  const str = sharedStrings(b);
  const written = writtenOutputs(graph);
  const ops = NetDef.createOpsVector(
    b,
    graph.nodes.map((n) => buildOp(b, str, graph, plan, n, written)),
  );
  const tensors = NetDef.createTensorsVector(
    b,
    parts.tensors.map((p) => buildTensor(b, str, p)),
  );
  const inputs = NetDef.createInputInfoVector(
    b,
    graph.inputs.map((io) => buildIo(b, str, io, 'input')),
  );
  const outputs = NetDef.createOutputInfoVector(
    b,
    graph.outputs.map((io) => buildIo(b, str, io, 'output')),
  );
  const blocks = NetDef.createMemBlocksVector(
    b,
    plan.blocks.map((m) => MemoryBlock.createMemoryBlock(b, m.id, BigInt(m.size))),
  );
  const name = b.createString(parts.name ?? graph.name);
  NetDef.startNetDef(b);
  NetDef.addVersion(b, MODEL_FORMAT_VERSION);
  NetDef.addName(b, name);
  NetDef.addOps(b, ops);
  NetDef.addTensors(b, tensors);
  NetDef.addInputInfo(b, inputs);
  NetDef.addOutputInfo(b, outputs);
  NetDef.addMemBlocks(b, blocks);
  NetDef.addDataSize(b, BigInt(parts.dataSize));
  NetDef.addDataCrc32c(b, parts.dataCrc);
  NetDef.addGpuDataType(b, parts.gpuDataType === 'half' ? FbType.DT_HALF : FbType.DT_FLOAT);
  NetDef.finishNetDefBuffer(b, NetDef.endNetDef(b));
  return b.asUint8Array().slice();
}
