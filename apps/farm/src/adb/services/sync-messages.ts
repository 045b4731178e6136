// Encoders for the sync service's replies (AOSP file_sync_protocol.h, SYNC.TXT). Every
// message starts with a 4-letter id; integers are little-endian.
import type { BigIntStats } from 'node:fs';

/** Largest DATA payload either side may send. */
export const SYNC_DATA_MAX = 64 * 1024;

/** Longest path a request may carry. */
export const SYNC_PATH_MAX = 1024;

function message(id: string, size: number): Buffer {
  const buffer = Buffer.alloc(size);
  buffer.write(id, 0, 'latin1');
  return buffer;
}

/** STAT (an lstat): mode, size, mtime as 32-bit values; all zero when the file is missing. */
export function encodeStatV1(stats: BigIntStats | undefined): Buffer {
  const reply = message('STAT', 16);
  if (stats) {
    reply.writeUInt32LE(Number(stats.mode & 0xffffffffn), 4);
    reply.writeUInt32LE(Number(stats.size & 0xffffffffn), 8);
    reply.writeUInt32LE(Number(BigInt.asUintN(32, stats.mtimeMs / 1000n)), 12);
  }
  return reply;
}

/** STA2 / LST2: 64-bit fields, and the errno in `error` when the call failed. */
export function encodeStatV2(id: 'STA2' | 'LST2', stats: BigIntStats | undefined, errno: number): Buffer {
  const reply = message(id, 72);
  if (!stats) {
    reply.writeUInt32LE(errno, 4);
    return reply;
  }
  reply.writeBigUInt64LE(BigInt.asUintN(64, stats.dev), 8);
  reply.writeBigUInt64LE(BigInt.asUintN(64, stats.ino), 16);
  reply.writeUInt32LE(Number(stats.mode), 24);
  reply.writeUInt32LE(Number(stats.nlink), 28);
  reply.writeUInt32LE(Number(stats.uid), 32);
  reply.writeUInt32LE(Number(stats.gid), 36);
  reply.writeBigUInt64LE(stats.size, 40);
  reply.writeBigInt64LE(stats.atimeMs / 1000n, 48);
  reply.writeBigInt64LE(stats.mtimeMs / 1000n, 56);
  reply.writeBigInt64LE(stats.ctimeMs / 1000n, 64);
  return reply;
}

/** One LIST entry: DENT, mode, size, mtime, name length, then the name. */
export function encodeDirectoryEntry(name: Buffer, stats: BigIntStats): Buffer {
  const entry = message('DENT', 20);
  entry.writeUInt32LE(Number(stats.mode & 0xffffffffn), 4);
  entry.writeUInt32LE(Number(stats.size & 0xffffffffn), 8);
  entry.writeUInt32LE(Number(BigInt.asUintN(32, stats.mtimeMs / 1000n)), 12);
  entry.writeUInt32LE(name.length, 16);
  return Buffer.concat([entry, name]);
}

/** The end of a LIST: a DENT-sized record with id DONE and zeros. */
export function encodeListDone(): Buffer {
  return message('DONE', 20);
}

/** DATA, DONE, OKAY and FAIL share the `id, 32-bit value` layout. */
export function encodeIdValue(id: 'DATA' | 'DONE' | 'OKAY' | 'FAIL', value: number): Buffer {
  const reply = message(id, 8);
  reply.writeUInt32LE(value, 4);
  return reply;
}

export function encodeFail(reason: string): Buffer {
  const text = Buffer.from(reason, 'utf8');
  return Buffer.concat([encodeIdValue('FAIL', text.length), text]);
}
