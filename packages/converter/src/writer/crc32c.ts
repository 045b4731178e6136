// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), slice-by-8 table driven: the checksum
// of the .mace trailer and of the .data file (native/src/core/crc32c.cc computes the same).

const TABLES: Uint32Array[] = (() => {
  const t = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[0][i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) for (let s = 1; s < 8; s++) t[s][i] = (t[s - 1][i] >>> 8) ^ t[0][t[s - 1][i] & 0xff];
  return t;
})();

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** CRC-32C of `data`; pass a previous result as `crc` to continue a checksum over several chunks. */
export function crc32c(data: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let c = ~crc >>> 0;
  let i = 0;
  const n = data.length;
  // Head bytes up to 4-byte alignment, then whole 8-byte steps through a Uint32Array view.
  for (; i < n && (data.byteOffset + i) % 4 !== 0; i++) c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  const words = Math.floor((n - i) / 8) * 2;
  if (LITTLE_ENDIAN && words > 0) {
    const w = new Uint32Array(data.buffer, data.byteOffset + i, words);
    for (let j = 0; j < words; j += 2) {
      const lo = w[j] ^ c;
      const hi = w[j + 1];
      c =
        t7[lo & 0xff] ^
        t6[(lo >>> 8) & 0xff] ^
        t5[(lo >>> 16) & 0xff] ^
        t4[lo >>> 24] ^
        t3[hi & 0xff] ^
        t2[(hi >>> 8) & 0xff] ^
        t1[(hi >>> 16) & 0xff] ^
        t0[hi >>> 24];
    }
    i += words * 4;
  }
  const end8 = i + Math.floor((n - i) / 8) * 8;
  for (; i < end8; i += 8) {
    const lo = (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) ^ c;
    c =
      t7[lo & 0xff] ^
      t6[(lo >>> 8) & 0xff] ^
      t5[(lo >>> 16) & 0xff] ^
      t4[lo >>> 24] ^
      t3[data[i + 4]] ^
      t2[data[i + 5]] ^
      t1[data[i + 6]] ^
      t0[data[i + 7]];
  }
  for (; i < n; i++) c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
