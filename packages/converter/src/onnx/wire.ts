// Protocol-buffers wire format reader: bounds-checked varints, fixed-width values and length-delimited
// slices over a Uint8Array. Every malformed read throws a ConversionError naming the byte offset.
import { ConversionError } from '../errors.js';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

export function protoError(what: string, at: number, subject = 'model file'): ConversionError {
  return new ConversionError(`${subject} is not a valid ONNX protobuf: ${what} at byte ${at}`);
}

/**
 * A cursor over bytes[pos, end); `base` is the offset of `bytes` in the original file and `subject` names the
 * file ('model file', 'tensor file') in messages.
 */
export class WireReader {
  pos: number;
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
    readonly base = 0,
    readonly subject = 'model file',
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(what: string, at = this.pos): never {
    throw protoError(what, this.base + at, this.subject);
  }

  /** A field tag: returns [fieldNumber, wireType]. */
  tag(): [number, number] {
    const at = this.pos;
    const t = this.varint();
    const field = Math.floor(t / 8);
    const wire = t % 8;
    if (field < 1 || field > 0x1fffffff) this.fail(`invalid field number ${field}`, at);
    if (wire > 5) this.fail(`invalid wire type ${wire} for field ${field}`, at);
    return [field, wire];
  }

  /** An unsigned varint as a number (exact up to 2^53; int64 negatives come back as large values, see int64()). */
  varint(): number {
    const [lo, hi] = this.varint64();
    return hi * 4294967296 + lo;
  }

  /** A varint as [low 32 bits, high 32 bits] (both unsigned). */
  varint64(): [number, number] {
    const b = this.bytes;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    const start = this.pos;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) this.fail('truncated varint', start);
      if (i >= 10) this.fail('varint longer than 10 bytes', start);
      const byte = b[this.pos++];
      const v = byte & 0x7f;
      if (shift < 28) lo |= v << shift;
      else if (shift === 28) {
        lo |= (v & 0x0f) << 28;
        hi |= v >> 4;
      } else hi |= v << (shift - 32);
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    return [lo >>> 0, hi >>> 0];
  }

  /** A varint read as a two's-complement int64, converted to a number (exact within ±2^53). */
  int64(): number {
    const [lo, hi] = this.varint64();
    if (hi & 0x80000000) return -((~hi >>> 0) * 4294967296 + (~lo >>> 0) + 1);
    return hi * 4294967296 + lo;
  }

  /** A varint read as an exact int64 BigInt. */
  int64Big(): bigint {
    const [lo, hi] = this.varint64();
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  /** A varint read as an exact uint64 BigInt. */
  uint64Big(): bigint {
    const [lo, hi] = this.varint64();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A varint read as int32 (protobuf sign-extends negative int32s to 10 bytes). */
  int32(): number {
    const [lo] = this.varint64();
    return lo | 0;
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  float(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  need(n: number): void {
    if (this.end - this.pos < n) this.fail(`truncated field (needs ${n} bytes, ${this.end - this.pos} left)`);
  }

  /** A length-delimited field: returns [start, end) in `bytes` and advances past it. */
  lenDelim(): [number, number] {
    const at = this.pos;
    const n = this.varint();
    if (n > this.end - this.pos) this.fail(`length ${n} runs past the end of the enclosing message`, at);
    const s = this.pos;
    this.pos += n;
    return [s, s + n];
  }

  /** A length-delimited field as a zero-copy byte view. */
  bytesField(): Uint8Array {
    const [s, e] = this.lenDelim();
    return this.bytes.subarray(s, e);
  }

  string(): string {
    const [s, e] = this.lenDelim();
    return utf8.decode(this.bytes.subarray(s, e));
  }

  /** A reader over an embedded message. */
  sub(): WireReader {
    const [s, e] = this.lenDelim();
    return new WireReader(this.bytes, s, e, this.base, this.subject);
  }

  /** Skips a field of the given wire type (groups included). */
  skip(wire: number, field: number, depth = 0): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_I64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.lenDelim();
        return;
      case WIRE_I32:
        this.need(4);
        this.pos += 4;
        return;
      case WIRE_SGROUP: {
        if (depth > 32) this.fail('groups nested too deeply');
        for (;;) {
          if (this.done) this.fail(`unterminated group for field ${field}`);
          const [f, w] = this.tag();
          if (w === WIRE_EGROUP) {
            if (f !== field) this.fail(`mismatched end of group ${f} (expected ${field})`);
            return;
          }
          this.skip(w, f, depth + 1);
        }
      }
      default:
        this.fail(`unexpected end-group marker for field ${field}`);
    }
  }

  /** Fails unless a known field arrives with the wire type its schema declares. */
  expect(wire: number, want: number, field: number, msg: string): void {
    if (wire !== want) this.fail(`${msg} field ${field} has wire type ${wire}, expected ${want}`);
  }

  /**
   * Reads a repeated scalar field that may come packed (one length-delimited run) or unpacked (one value per tag).
   * `scalarWire` is the wire type of one unpacked element; `read` reads one element from this reader.
   */
  repeated(wire: number, scalarWire: number, field: number, msg: string, read: (r: WireReader) => void): void {
    if (wire === WIRE_LEN) {
      const r = this.sub();
      while (!r.done) read(r);
    } else {
      this.expect(wire, scalarWire, field, msg);
      read(this);
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
