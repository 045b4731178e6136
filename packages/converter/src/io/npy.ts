// NumPy .npy files (format versions 1–3) ↔ TensorValue: little- and big-endian numeric dtypes and bool,
// C or Fortran order on read; writes version 1.0, little-endian, C order, header padded to 64 bytes.
import { ConversionError } from '../errors.js';
import type { DType, TensorValue } from '../ir/tensor.js';
import { elementCount } from '../ir/tensor.js';
import { allocData } from '../fold/values.js';
import { gatherElements, offsetsFor } from '../fold/indexing.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR: Record<string, DType> = {
  f4: 'float32',
  f8: 'float64',
  f2: 'float16',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  b1: 'bool',
};

function fail(what: string): never {
  throw new ConversionError(`not a valid .npy file: ${what}`);
}

function parseHeader(h: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(h)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(h)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(h)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined)
    fail(`unreadable header ${JSON.stringify(h.trim())}`);
  const dims = shape
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const d = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(d) || d < 0) fail(`bad dimension '${s}' in shape (${shape})`);
      return d;
    });
  return { descr, fortran: fortran === 'True', shape: dims };
}

export function readNpy(bytes: Uint8Array): TensorValue {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('missing the \\x93NUMPY magic');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let hlen: number;
  let start: number;
  if (major === 1) {
    hlen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated header');
    hlen = view.getUint32(8, true);
    start = 12;
  } else fail(`unsupported format version ${major}`);
  if (start + hlen > bytes.length) fail('truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + hlen));
  const { descr, fortran, shape } = parseHeader(header);
  const m = /^([<>|=]?)([a-z]\d+)$/.exec(descr);
  const dtype = m ? DESCR[m[2]] : undefined;
  if (!m || !dtype) fail(`unsupported dtype '${descr}'`);
  const n = elementCount(shape);
  const size = Number(m[2].slice(1));
  const body = bytes.subarray(start + hlen);
  if (body.length < n * size) fail(`data holds ${body.length} bytes, shape (${shape}) of ${descr} needs ${n * size}`);
  const raw = new Uint8Array(n * size);
  raw.set(body.subarray(0, n * size));
  if (m[1] === '>' && size > 1) for (let i = 0; i < n; i++) raw.subarray(i * size, (i + 1) * size).reverse();
  const data = allocData(dtype, n);
  new Uint8Array((data as Uint8Array).buffer).set(raw);
  if (dtype === 'bool') for (let i = 0; i < n; i++) (data as Uint8Array)[i] = (data as Uint8Array)[i] ? 1 : 0;
  const t: TensorValue = { dtype, dims: shape, data };
  if (!fortran || shape.length < 2) return t;
  // Fortran order: element (i0, i1, ...) sits at Σ i_k · Π_{j<k} d_j.
  const fst = shape.map((_, k) => elementCount(shape.slice(0, k)));
  return gatherElements({ ...t, dims: [n] }, shape, offsetsFor(shape, fst, 0));
}

const CODE: Partial<Record<DType, string>> = {
  float32: '<f4',
  float64: '<f8',
  float16: '<f2',
  int8: '|i1',
  uint8: '|u1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  uint32: '<u4',
  int64: '<i8',
  uint64: '<u8',
  bool: '|b1',
};

export function writeNpy(t: TensorValue): Uint8Array {
  const descr = CODE[t.dtype];
  if (!descr || Array.isArray(t.data)) throw new ConversionError(`cannot write a ${t.dtype} tensor as .npy`);
  if (t.data.length !== elementCount(t.dims))
    throw new ConversionError(`tensor of shape [${t.dims}] has ${t.data.length} values`);
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const data = t.data as Uint8Array;
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(10 + header.length + body.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(body, 10 + header.length);
  return out;
}
