// Decodes an ONNX TensorProto (raw_data or the typed repeated fields, packed or not) into a TensorValue.
// raw_data becomes a zero-copy typed-array view when it is suitably aligned.
import { ConversionError } from '../errors.js';
import type { DType, TensorData, TensorValue } from '../ir/tensor.js';
import { onnxDType, onnxTypeName } from './model.js';
import { WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT, WireReader } from './wire.js';

const MSG = 'TensorProto';

/** Fields of a TensorProto as read from the wire, before they become a TensorValue. */
interface RawTensor {
  name: string;
  dims: number[];
  dataType: number;
  raw: Uint8Array | null;
  /** Fixed-width packed runs ([start, end) in the file) and single values, in order. */
  floats: Run;
  doubles: Run;
  int32s: number[];
  int64s: bigint[];
  uint64s: bigint[];
  strings: Uint8Array[];
  external: boolean;
  externalLocation: string;
  segmented: boolean;
  start: number;
  subject: string;
}

interface Run {
  parts: (Uint8Array | number)[];
  count: number;
}

function pushFixed(run: Run, r: WireReader, wire: number, width: 4 | 8, field: number): void {
  if (wire === WIRE_LEN) {
    const b = r.bytesField();
    if (b.length % width !== 0)
      r.fail(`${MSG} packed field ${field} has ${b.length} bytes, not a multiple of ${width}`);
    run.parts.push(b);
    run.count += b.length / width;
  } else {
    r.expect(wire, width === 4 ? WIRE_I32 : WIRE_I64, field, MSG);
    run.parts.push(width === 4 ? r.float() : r.double());
    run.count++;
  }
}

function readRawTensor(r: WireReader): RawTensor {
  const t: RawTensor = {
    name: '',
    dims: [],
    dataType: 0,
    raw: null,
    floats: { parts: [], count: 0 },
    doubles: { parts: [], count: 0 },
    int32s: [],
    int64s: [],
    uint64s: [],
    strings: [],
    external: false,
    externalLocation: '',
    segmented: false,
    start: r.base + r.pos,
    subject: r.subject,
  };
  while (!r.done) {
    const [f, w] = r.tag();
    switch (f) {
      case 1:
        r.repeated(w, WIRE_VARINT, f, MSG, (s) => t.dims.push(s.int64()));
        break;
      case 2:
        r.expect(w, WIRE_VARINT, f, MSG);
        t.dataType = r.int32();
        break;
      case 3:
        r.expect(w, WIRE_LEN, f, MSG);
        r.skip(w, f);
        t.segmented = true;
        break;
      case 4:
        pushFixed(t.floats, r, w, 4, f);
        break;
      case 5:
        r.repeated(w, WIRE_VARINT, f, MSG, (s) => t.int32s.push(s.int32()));
        break;
      case 6:
        r.expect(w, WIRE_LEN, f, MSG);
        t.strings.push(r.bytesField());
        break;
      case 7:
        r.repeated(w, WIRE_VARINT, f, MSG, (s) => t.int64s.push(s.int64Big()));
        break;
      case 8:
        r.expect(w, WIRE_LEN, f, MSG);
        t.name = r.string();
        break;
      case 9:
        r.expect(w, WIRE_LEN, f, MSG);
        t.raw = r.bytesField();
        break;
      case 10:
        pushFixed(t.doubles, r, w, 8, f);
        break;
      case 11:
        r.repeated(w, WIRE_VARINT, f, MSG, (s) => t.uint64s.push(s.uint64Big()));
        break;
      case 13: {
        r.expect(w, WIRE_LEN, f, MSG);
        const e = r.sub();
        t.external = true;
        let key = '';
        let value = '';
        while (!e.done) {
          const [ef, ew] = e.tag();
          if (ef === 1 && ew === WIRE_LEN) key = e.string();
          else if (ef === 2 && ew === WIRE_LEN) value = e.string();
          else e.skip(ew, ef);
        }
        if (key === 'location') t.externalLocation = value;
        break;
      }
      case 14:
        r.expect(w, WIRE_VARINT, f, MSG);
        if (r.int32() === 1) t.external = true;
        break;
      default:
        r.skip(w, f);
    }
  }
  return t;
}

function tensorError(t: RawTensor, what: string): ConversionError {
  const who = t.name ? `tensor '${t.name}'` : 'an unnamed tensor';
  return new ConversionError(`${t.subject} is not a valid ONNX protobuf: ${who} ${what} at byte ${t.start}`);
}

const ITEM: Partial<Record<DType, number>> = {
  float32: 4,
  float64: 8,
  int8: 1,
  uint8: 1,
  bool: 1,
  int16: 2,
  uint16: 2,
  float16: 2,
  bfloat16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
};

type Ctor = {
  new (n: number): TensorData & ArrayLike<number | bigint>;
  new (b: ArrayBuffer, o: number, n: number): TensorData;
} & {
  BYTES_PER_ELEMENT: number;
};

function ctorFor(dtype: DType): Ctor {
  switch (dtype) {
    case 'float32':
      return Float32Array as unknown as Ctor;
    case 'float64':
      return Float64Array as unknown as Ctor;
    case 'int8':
      return Int8Array as unknown as Ctor;
    case 'uint8':
    case 'bool':
      return Uint8Array as unknown as Ctor;
    case 'int16':
      return Int16Array as unknown as Ctor;
    case 'uint16':
    case 'float16':
    case 'bfloat16':
      return Uint16Array as unknown as Ctor;
    case 'int32':
      return Int32Array as unknown as Ctor;
    case 'uint32':
      return Uint32Array as unknown as Ctor;
    case 'int64':
      return BigInt64Array as unknown as Ctor;
    case 'uint64':
      return BigUint64Array as unknown as Ctor;
    default:
      throw new Error(`no typed array for ${dtype}`);
  }
}

/** A typed array over little-endian bytes: a view when aligned, else a copy. */
function viewLE(dtype: DType, b: Uint8Array, n: number): TensorData {
  const C = ctorFor(dtype);
  const size = C.BYTES_PER_ELEMENT;
  if (b.byteOffset % size === 0) return new C(b.buffer as ArrayBuffer, b.byteOffset, n);
  const out = new C(n);
  new Uint8Array((out as unknown as Uint8Array).buffer).set(b.subarray(0, n * size));
  return out;
}

function fixedRun(dtype: 'float32' | 'float64', run: Run): TensorData {
  const width = dtype === 'float32' ? 4 : 8;
  if (run.parts.length === 1 && typeof run.parts[0] !== 'number') return viewLE(dtype, run.parts[0], run.count);
  const out = dtype === 'float32' ? new Float32Array(run.count) : new Float64Array(run.count);
  let k = 0;
  for (const p of run.parts) {
    if (typeof p === 'number') out[k++] = p;
    else {
      const v = viewLE(dtype, p, p.length / width) as Float32Array | Float64Array;
      out.set(v, k);
      k += v.length;
    }
  }
  return out;
}

function toTensorValue(t: RawTensor): TensorValue {
  if (t.external)
    throw new ConversionError(
      `tensor '${t.name}' keeps its data in an external file${t.externalLocation ? ` ('${t.externalLocation}')` : ''}; ` +
        'the converter needs a self-contained model: re-save it with onnx.save_model(model, path, save_as_external_data=False)',
    );
  if (t.segmented) throw tensorError(t, 'is segmented (TensorProto.segment), which the converter does not support;');
  const dtype = onnxDType(t.dataType);
  if (dtype === null || dtype === 'complex64' || dtype === 'complex128') {
    if (t.dataType === 0) throw tensorError(t, 'has no data_type');
    throw new ConversionError(
      `tensor '${t.name}' has data type ${onnxTypeName(t.dataType)}, which the converter does not support; ` +
        'export the model with float32/int64 tensors',
    );
  }
  let n = 1;
  for (const d of t.dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw tensorError(t, `has an invalid dimension ${d}`);
    n *= d;
  }
  if (!Number.isSafeInteger(n)) throw tensorError(t, 'has too many elements');
  const dims = t.dims.slice();

  if (dtype === 'string') {
    if (t.strings.length !== n) throw tensorError(t, `of shape [${dims}] needs ${n} strings, has ${t.strings.length}`);
    const dec = new TextDecoder();
    return { dtype, dims, data: t.strings.map((s) => dec.decode(s)) };
  }
  const item = ITEM[dtype]!;
  if (t.raw !== null) {
    if (t.raw.length !== n * item)
      throw tensorError(
        t,
        `of type ${dtype} and shape [${dims}] needs ${n * item} bytes of raw_data, has ${t.raw.length}`,
      );
    return { dtype, dims, data: viewLE(dtype, t.raw, n) };
  }
  const count = (have: number, field: string): void => {
    if (have !== n)
      throw tensorError(t, `of type ${dtype} and shape [${dims}] needs ${n} values, ${field} holds ${have}`);
  };
  switch (dtype) {
    case 'float32':
      count(t.floats.count, 'float_data');
      return { dtype, dims, data: fixedRun('float32', t.floats) };
    case 'float64':
      count(t.doubles.count, 'double_data');
      return { dtype, dims, data: fixedRun('float64', t.doubles) };
    case 'int64':
      count(t.int64s.length, 'int64_data');
      return { dtype, dims, data: BigInt64Array.from(t.int64s) };
    case 'uint32':
      count(t.uint64s.length, 'uint64_data');
      return { dtype, dims, data: Uint32Array.from(t.uint64s, (v) => Number(BigInt.asUintN(32, v))) };
    case 'uint64':
      count(t.uint64s.length, 'uint64_data');
      return { dtype, dims, data: BigUint64Array.from(t.uint64s) };
    default: {
      // int32_data carries int32, int16, int8, uint16, uint8, bool and the bit patterns of float16/bfloat16.
      count(t.int32s.length, 'int32_data');
      const C = ctorFor(dtype);
      const out = new C(n) as unknown as { [i: number]: number };
      for (let i = 0; i < n; i++) out[i] = dtype === 'bool' ? (t.int32s[i] ? 1 : 0) : t.int32s[i];
      return { dtype, dims, data: out as unknown as TensorData };
    }
  }
}

/** Decodes a TensorProto message held in r (a sub-reader over its bytes). */
export function readTensor(r: WireReader): { name: string; tensor: TensorValue } {
  const raw = readRawTensor(r);
  return { name: raw.name, tensor: toTensorValue(raw) };
}
