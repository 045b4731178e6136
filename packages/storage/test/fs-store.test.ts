// The filesystem artifact store: content addressing, limits, checksums, ranges, key validation.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createFsStore, StoreChecksumError, StoreKeyError, StoreLimitError, StoreNotFoundError } from '@mace/storage';

const dir = mkdtempSync(path.join(tmpdir(), 'mace-store-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

function blobFiles(root: string): string[] {
  const base = path.join(root, 'sha256');
  try {
    return readdirSync(base).flatMap((d) => readdirSync(path.join(base, d)));
  } catch {
    return [];
  }
}

describe('fs store', () => {
  it('stores a stream under its sha256, once per content', async () => {
    const store = createFsStore(path.join(dir, 'a'));
    const data = Buffer.alloc(200_000, 7);
    const chunks = [data.subarray(0, 70_000), data.subarray(70_000)];
    const first = await store.putStream(Readable.from(chunks));
    expect(first).toEqual({ sha256: sha(data), size: data.length });
    const second = await store.putBytes(data);
    expect(second).toEqual(first);
    expect(blobFiles(store.root)).toEqual([sha(data)]);
    expect(await store.has(first.sha256)).toBe(true);
    expect(await store.size(first.sha256)).toBe(data.length);
    expect(Buffer.from(await store.readBytes(first.sha256)).equals(data)).toBe(true);
    expect(readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
  });

  it('stores files and async iterables', async () => {
    const store = createFsStore(path.join(dir, 'b'));
    const file = path.join(dir, 'input.bin');
    writeFileSync(file, 'hello file');
    expect((await store.putFile(file)).sha256).toBe(sha('hello file'));
    async function* gen(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('hello ');
      yield new TextEncoder().encode('iterable');
    }
    expect(await store.putStream(gen())).toEqual({ sha256: sha('hello iterable'), size: 14 });
  });

  it('refuses content over maxBytes and stores nothing', async () => {
    const store = createFsStore(path.join(dir, 'c'));
    const err = await store
      .putStream(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1000 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(StoreLimitError);
    expect(err.maxBytes).toBe(1000);
    expect(blobFiles(store.root)).toEqual([]);
    expect(readdirSync(path.join(store.root, 'tmp'))).toEqual([]);
    // exactly at the limit is fine
    expect((await store.putBytes(Buffer.alloc(1000), { maxBytes: 1000 })).size).toBe(1000);
  });

  it('refuses a checksum mismatch and stores nothing; accepts a match in any case', async () => {
    const store = createFsStore(path.join(dir, 'd'));
    const err = await store.putBytes(Buffer.from('abc'), { expectedSha256: sha('abd') }).catch((e) => e);
    expect(err).toBeInstanceOf(StoreChecksumError);
    expect(err.actualSha256).toBe(sha('abc'));
    expect(blobFiles(store.root)).toEqual([]);
    const ok = await store.putBytes(Buffer.from('abc'), { expectedSha256: sha('abc').toUpperCase() });
    expect(ok.sha256).toBe(sha('abc'));
  });

  it('reads byte ranges (inclusive) and reports missing blobs', async () => {
    const store = createFsStore(path.join(dir, 'e'));
    const { sha256 } = await store.putBytes(Buffer.from('0123456789'));
    expect((await collect(store.createReadStream(sha256, { start: 2, end: 5 }))).toString()).toBe('2345');
    expect((await collect(store.createReadStream(sha256))).toString()).toBe('0123456789');
    const missing = sha('not stored');
    await expect(collect(store.createReadStream(missing))).rejects.toBeInstanceOf(StoreNotFoundError);
    await expect(store.readBytes(missing)).rejects.toBeInstanceOf(StoreNotFoundError);
    expect(await store.size(missing)).toBeNull();
  });

  it('never turns a malformed key into a path', async () => {
    const store = createFsStore(path.join(dir, 'f'));
    for (const bad of ['../../etc/passwd', 'A'.repeat(64), `${'a'.repeat(63)}/`, '', 'a'.repeat(65)]) {
      expect(() => store.pathOf(bad)).toThrow(StoreKeyError);
      await expect(store.has(bad)).rejects.toBeInstanceOf(StoreKeyError);
    }
    expect(() => store.createReadStream('../x')).toThrow(StoreKeyError);
    await expect(store.putBytes(Buffer.from('x'), { expectedSha256: 'nothex' })).rejects.toBeInstanceOf(StoreKeyError);
  });
});
