// Hand-written decoder of the ONNX protobuf messages the converter reads (ModelProto, GraphProto, NodeProto,
// AttributeProto, TensorProto, ValueInfoProto/TypeProto, OperatorSetIdProto). No protobuf library: every read is
// bounds-checked, so truncated or corrupted bytes give a ConversionError naming the byte offset.
import { ConversionError } from '../errors.js';
import type { TensorValue } from '../ir/tensor.js';
import type {
  OnnxAttribute,
  OnnxDim,
  OnnxGraph,
  OnnxModel,
  OnnxNamedTensor,
  OnnxNode,
  OnnxOpsetId,
  OnnxTypeInfo,
  OnnxValueInfo,
} from './model.js';
import { readTensor } from './proto-tensor.js';
import { WIRE_I32, WIRE_LEN, WIRE_VARINT, WireReader, protoError } from './wire.js';

/** Subgraphs (If/Loop bodies) nest; deeper than this is treated as malformed. */
const MAX_GRAPH_DEPTH = 32;

function readOpset(r: WireReader): OnnxOpsetId {
  const o: OnnxOpsetId = { domain: '', version: 0 };
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1) {
      r.expect(w, WIRE_LEN, f, 'OperatorSetIdProto');
      o.domain = r.string();
    } else if (f === 2) {
      r.expect(w, WIRE_VARINT, f, 'OperatorSetIdProto');
      o.version = r.int64();
    } else r.skip(w, f);
  }
  return o;
}

function readStringEntry(r: WireReader): [string, string] {
  let k = '';
  let v = '';
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1) {
      r.expect(w, WIRE_LEN, f, 'StringStringEntryProto');
      k = r.string();
    } else if (f === 2) {
      r.expect(w, WIRE_LEN, f, 'StringStringEntryProto');
      v = r.string();
    } else r.skip(w, f);
  }
  return [k, v];
}

function readDim(r: WireReader): OnnxDim {
  let d: OnnxDim = { unknown: true };
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1) {
      r.expect(w, WIRE_VARINT, f, 'Dimension');
      d = { value: r.int64() };
    } else if (f === 2) {
      r.expect(w, WIRE_LEN, f, 'Dimension');
      d = { param: r.string() };
    } else r.skip(w, f);
  }
  return d;
}

function readShape(r: WireReader): OnnxDim[] {
  const dims: OnnxDim[] = [];
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1) {
      r.expect(w, WIRE_LEN, f, 'TensorShapeProto');
      dims.push(readDim(r.sub()));
    } else r.skip(w, f);
  }
  return dims;
}

function readTensorType(r: WireReader, t: OnnxTypeInfo): void {
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1) {
      r.expect(w, WIRE_VARINT, f, 'TypeProto.Tensor');
      t.elemType = r.int32();
    } else if (f === 2) {
      r.expect(w, WIRE_LEN, f, 'TypeProto.Tensor');
      t.shape = readShape(r.sub());
    } else r.skip(w, f);
  }
}

/** TypeProto's oneof fields. */
const TYPE_KINDS: Record<number, OnnxTypeInfo['kind']> = {
  1: 'tensor',
  4: 'sequence',
  5: 'map',
  8: 'sparse_tensor',
  9: 'optional',
};

function readType(r: WireReader): OnnxTypeInfo {
  const t: OnnxTypeInfo = { kind: 'none', elemType: 0, shape: null };
  while (!r.done) {
    const [f, w] = r.tag();
    const kind = TYPE_KINDS[f];
    if (kind) {
      r.expect(w, WIRE_LEN, f, 'TypeProto');
      t.kind = kind;
      if (kind === 'tensor') readTensorType(r.sub(), t);
      else r.skip(w, f);
    } else r.skip(w, f);
  }
  return t;
}

function readValueInfo(r: WireReader): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', type: { kind: 'none', elemType: 0, shape: null } };
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1) {
      r.expect(w, WIRE_LEN, f, 'ValueInfoProto');
      v.name = r.string();
    } else if (f === 2) {
      r.expect(w, WIRE_LEN, f, 'ValueInfoProto');
      v.type = readType(r.sub());
    } else r.skip(w, f);
  }
  return v;
}

/** AttributeProto.AttributeType codes. */
const A = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 };

function readAttribute(r: WireReader, depth: number): OnnxAttribute {
  const M = 'AttributeProto';
  let name = '';
  let type = 0;
  let refAttr = '';
  const seen = new Set<number>();
  let f32 = 0;
  let i64 = 0;
  let str = '';
  let tensor: TensorValue | null = null;
  let graph: OnnxGraph | null = null;
  const floats: number[] = [];
  const ints: number[] = [];
  const strings: string[] = [];
  const tensors: TensorValue[] = [];
  const graphs: OnnxGraph[] = [];
  while (!r.done) {
    const [f, w] = r.tag();
    seen.add(f);
    switch (f) {
      case 1:
        r.expect(w, WIRE_LEN, f, M);
        name = r.string();
        break;
      case 20:
        r.expect(w, WIRE_VARINT, f, M);
        type = r.int32();
        break;
      case 21:
        r.expect(w, WIRE_LEN, f, M);
        refAttr = r.string();
        break;
      case 2:
        r.expect(w, WIRE_I32, f, M);
        f32 = r.float();
        break;
      case 3:
        r.expect(w, WIRE_VARINT, f, M);
        i64 = r.int64();
        break;
      case 4:
        r.expect(w, WIRE_LEN, f, M);
        str = r.string();
        break;
      case 5:
        r.expect(w, WIRE_LEN, f, M);
        tensor = readTensor(r.sub()).tensor;
        break;
      case 6:
        r.expect(w, WIRE_LEN, f, M);
        graph = readGraph(r.sub(), depth + 1);
        break;
      case 7:
        r.repeated(w, WIRE_I32, f, M, (s) => floats.push(s.float()));
        break;
      case 8:
        r.repeated(w, WIRE_VARINT, f, M, (s) => ints.push(s.int64()));
        break;
      case 9:
        r.expect(w, WIRE_LEN, f, M);
        strings.push(r.string());
        break;
      case 10:
        r.expect(w, WIRE_LEN, f, M);
        tensors.push(readTensor(r.sub()).tensor);
        break;
      case 11:
        r.expect(w, WIRE_LEN, f, M);
        graphs.push(readGraph(r.sub(), depth + 1));
        break;
      default:
        r.skip(w, f);
    }
  }
  if (refAttr) return { name, kind: 'unsupported', value: `reference to function attribute '${refAttr}'` };
  // Models from before IR version 0.0.2 leave `type` unset: infer it from the field that is present.
  if (type === 0) {
    if (seen.has(2)) type = A.FLOAT;
    else if (seen.has(3)) type = A.INT;
    else if (seen.has(4)) type = A.STRING;
    else if (seen.has(5)) type = A.TENSOR;
    else if (seen.has(6)) type = A.GRAPH;
    else if (seen.has(7)) type = A.FLOATS;
    else if (seen.has(8)) type = A.INTS;
    else if (seen.has(9)) type = A.STRINGS;
    else if (seen.has(10)) type = A.TENSORS;
    else if (seen.has(11)) type = A.GRAPHS;
  }
  switch (type) {
    case A.FLOAT:
      return { name, kind: 'float', value: f32 };
    case A.INT:
      return { name, kind: 'int', value: i64 };
    case A.STRING:
      return { name, kind: 'string', value: str };
    case A.TENSOR:
      if (!tensor) throw protoError(`attribute '${name}' of type TENSOR has no tensor`, r.base + r.end);
      return { name, kind: 'tensor', value: tensor };
    case A.GRAPH:
      if (!graph) throw protoError(`attribute '${name}' of type GRAPH has no graph`, r.base + r.end);
      return { name, kind: 'graph', value: graph };
    case A.FLOATS:
      return { name, kind: 'floats', value: floats };
    case A.INTS:
      return { name, kind: 'ints', value: ints };
    case A.STRINGS:
      return { name, kind: 'strings', value: strings };
    case A.TENSORS:
      return { name, kind: 'tensors', value: tensors };
    case A.GRAPHS:
      return { name, kind: 'graphs', value: graphs };
    case 11:
    case 12:
      return { name, kind: 'unsupported', value: 'sparse tensor attribute' };
    case 13:
    case 14:
      return { name, kind: 'unsupported', value: 'type proto attribute' };
    default:
      return { name, kind: 'unsupported', value: `attribute type ${type}` };
  }
}

function readNode(r: WireReader, depth: number): OnnxNode {
  const M = 'NodeProto';
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  while (!r.done) {
    const [f, w] = r.tag();
    switch (f) {
      case 1:
        r.expect(w, WIRE_LEN, f, M);
        n.inputs.push(r.string());
        break;
      case 2:
        r.expect(w, WIRE_LEN, f, M);
        n.outputs.push(r.string());
        break;
      case 3:
        r.expect(w, WIRE_LEN, f, M);
        n.name = r.string();
        break;
      case 4:
        r.expect(w, WIRE_LEN, f, M);
        n.opType = r.string();
        break;
      case 5:
        r.expect(w, WIRE_LEN, f, M);
        n.attributes.push(readAttribute(r.sub(), depth));
        break;
      case 7:
        r.expect(w, WIRE_LEN, f, M);
        n.domain = r.string();
        break;
      default:
        r.skip(w, f);
    }
  }
  return n;
}

function readGraph(r: WireReader, depth: number): OnnxGraph {
  if (depth > MAX_GRAPH_DEPTH) r.fail('subgraphs nested too deeply');
  const M = 'GraphProto';
  const g: OnnxGraph = {
    name: '',
    nodes: [],
    initializers: [],
    sparseInitializers: [],
    inputs: [],
    outputs: [],
    valueInfo: [],
  };
  while (!r.done) {
    const [f, w] = r.tag();
    switch (f) {
      case 1:
        r.expect(w, WIRE_LEN, f, M);
        g.nodes.push(readNode(r.sub(), depth));
        break;
      case 2:
        r.expect(w, WIRE_LEN, f, M);
        g.name = r.string();
        break;
      case 5:
        r.expect(w, WIRE_LEN, f, M);
        g.initializers.push(readTensor(r.sub()));
        break;
      case 15: {
        // SparseTensorProto: only its name (values.name) is kept, so import can refuse it by name.
        r.expect(w, WIRE_LEN, f, M);
        const s = r.sub();
        let name = '';
        while (!s.done) {
          const [sf, sw] = s.tag();
          if (sf === 1 && sw === WIRE_LEN) {
            const v = s.sub();
            while (!v.done) {
              const [vf, vw] = v.tag();
              if (vf === 8 && vw === WIRE_LEN) name = v.string();
              else v.skip(vw, vf);
            }
          } else s.skip(sw, sf);
        }
        g.sparseInitializers.push(name);
        break;
      }
      case 11:
        r.expect(w, WIRE_LEN, f, M);
        g.inputs.push(readValueInfo(r.sub()));
        break;
      case 12:
        r.expect(w, WIRE_LEN, f, M);
        g.outputs.push(readValueInfo(r.sub()));
        break;
      case 13:
        r.expect(w, WIRE_LEN, f, M);
        g.valueInfo.push(readValueInfo(r.sub()));
        break;
      default:
        r.skip(w, f);
    }
  }
  return g;
}

function readFunctionName(r: WireReader): string {
  let name = '';
  let domain = '';
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_LEN) name = r.string();
    else if (f === 10 && w === WIRE_LEN) domain = r.string();
    else r.skip(w, f);
  }
  return `${domain}:${name}`;
}

/** Runs a decoder, turning any non-ConversionError (a bug or an unforeseen input) into a ConversionError. */
function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConversionError) throw e;
    throw new ConversionError(`${what} is not a valid ONNX protobuf: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** Decodes the bytes of an .onnx file. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  return guarded('model file', () => {
    const r = new WireReader(bytes, 0, bytes.length);
    const m: OnnxModel = {
      irVersion: 0,
      producerName: '',
      producerVersion: '',
      domain: '',
      modelVersion: 0,
      opsetImports: [],
      metadata: {},
      functions: [],
      graph: null as unknown as OnnxGraph,
    };
    const M = 'ModelProto';
    let sawGraph = false;
    while (!r.done) {
      const [f, w] = r.tag();
      switch (f) {
        case 1:
          r.expect(w, WIRE_VARINT, f, M);
          m.irVersion = r.int64();
          break;
        case 2:
          r.expect(w, WIRE_LEN, f, M);
          m.producerName = r.string();
          break;
        case 3:
          r.expect(w, WIRE_LEN, f, M);
          m.producerVersion = r.string();
          break;
        case 4:
          r.expect(w, WIRE_LEN, f, M);
          m.domain = r.string();
          break;
        case 5:
          r.expect(w, WIRE_VARINT, f, M);
          m.modelVersion = r.int64();
          break;
        case 6:
          r.expect(w, WIRE_LEN, f, M);
          r.skip(w, f);
          break;
        case 7:
          r.expect(w, WIRE_LEN, f, M);
          m.graph = readGraph(r.sub(), 0);
          sawGraph = true;
          break;
        case 8:
          r.expect(w, WIRE_LEN, f, M);
          m.opsetImports.push(readOpset(r.sub()));
          break;
        case 14: {
          r.expect(w, WIRE_LEN, f, M);
          const [k, v] = readStringEntry(r.sub());
          m.metadata[k] = v;
          break;
        }
        case 25:
          r.expect(w, WIRE_LEN, f, M);
          m.functions.push(readFunctionName(r.sub()));
          break;
        default:
          r.skip(w, f);
      }
    }
    if (!sawGraph) throw protoError('no graph (ModelProto field 7) found; is this an ONNX model?', bytes.length);
    if (m.irVersion <= 0 || m.irVersion > 100)
      throw protoError(`implausible ir_version ${m.irVersion}; is this an ONNX model?`, 0);
    return m;
  });
}

/** Decodes a serialized TensorProto (e.g. an input_0.pb of the ONNX conformance tests) with its name. */
export function decodeNamedTensor(bytes: Uint8Array): OnnxNamedTensor {
  return guarded('tensor file', () => readTensor(new WireReader(bytes, 0, bytes.length, 0, 'tensor file')));
}

/** Decodes a serialized TensorProto. */
export function decodeTensorProto(bytes: Uint8Array): TensorValue {
  return decodeNamedTensor(bytes).tensor;
}
