// ONNX TensorProto files (.pb, as in the ONNX conformance tests) ↔ TensorValue. Reading uses the model
// decoder; writing emits dims, data_type, name and raw_data (strings as string_data).
import { ConversionError } from '../errors.js';
import type { TensorValue } from '../ir/tensor.js';
import { elementCount } from '../ir/tensor.js';
import { onnxTypeCode } from '../onnx/model.js';
import { decodeNamedTensor } from '../onnx/proto.js';

export function readTensorProto(bytes: Uint8Array): { name: string; tensor: TensorValue } {
  return decodeNamedTensor(bytes);
}

class Writer {
  private chunks: number[] = [];
  private parts: Uint8Array[] = [];
  varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x) b |= 0x80;
      this.chunks.push(b);
    } while (x);
  }
  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }
  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.flush();
    this.parts.push(b);
  }
  private flush(): void {
    if (this.chunks.length) this.parts.push(Uint8Array.from(this.chunks));
    this.chunks = [];
  }
  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.parts.reduce((s, p) => s + p.length, 0));
    let k = 0;
    for (const p of this.parts) {
      out.set(p, k);
      k += p.length;
    }
    return out;
  }
}

/** Serialises a tensor as a TensorProto message. */
export function writeTensorProto(t: TensorValue, name = ''): Uint8Array {
  if (t.data.length !== elementCount(t.dims))
    throw new ConversionError(`tensor of shape [${t.dims}] has ${t.data.length} values`);
  const w = new Writer();
  for (const d of t.dims) {
    w.tag(1, 0);
    w.varint(d);
  }
  w.tag(2, 0);
  w.varint(onnxTypeCode(t.dtype));
  const enc = new TextEncoder();
  if (name) w.bytes(8, enc.encode(name));
  if (Array.isArray(t.data)) for (const s of t.data) w.bytes(6, enc.encode(s));
  else {
    const d = t.data as Uint8Array;
    w.bytes(9, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return w.finish();
}
