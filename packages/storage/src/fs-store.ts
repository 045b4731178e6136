// The filesystem artifact store: blobs at <root>/sha256/<first two hex digits>/<sha256>,
// written through a temporary file in <root>/tmp and renamed into place (atomic on one
// filesystem), so a reader never sees a partial blob and a killed writer leaves only a temp
// file, which a later write sweeps away.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { StoreChecksumError, StoreLimitError, StoreNotFoundError } from './errors.js';
import { assertSha256 } from './sha256.js';
import type { ArtifactStore, ByteRange, PutOptions, StoredBlob } from './store.js';

/** Temp files older than this are leftovers of killed writers. */
const STALE_TEMP_MS = 6 * 3600_000;
/** How often (at most) a write sweeps stale temp files. */
const SWEEP_INTERVAL_MS = 600_000;

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

class FsStore implements ArtifactStore {
  readonly root: string;
  private readonly tmpDir: string;
  private lastSweep = 0;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.tmpDir = path.join(this.root, 'tmp');
  }

  pathOf(sha256: string): string {
    const key = assertSha256(sha256);
    return path.join(this.root, 'sha256', key.slice(0, 2), key);
  }

  async putStream(
    source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
    opts: PutOptions = {},
  ): Promise<StoredBlob> {
    const expected = opts.expectedSha256 === undefined ? undefined : opts.expectedSha256.toLowerCase();
    if (expected !== undefined) assertSha256(expected);
    const maxBytes = opts.maxBytes ?? Infinity;
    await mkdir(this.tmpDir, { recursive: true });
    await this.sweepTemp();
    const tmp = path.join(this.tmpDir, `${Date.now()}-${process.pid}-${randomBytes(6).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const out = createWriteStream(tmp, { flags: 'wx', mode: 0o644 });
    const opened = new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
    try {
      await opened;
      const iterable = (
        Symbol.asyncIterator in source ? source : Readable.from(source as NodeJS.ReadableStream)
      ) as AsyncIterable<Uint8Array | string>;
      for await (const chunk of iterable) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.length;
        if (size > maxBytes) throw new StoreLimitError(maxBytes, size);
        hash.update(bytes);
        if (!out.write(bytes))
          await new Promise<void>((resolve, reject) => {
            const onError = (err: Error): void => reject(err);
            out.once('error', onError);
            out.once('drain', () => {
              out.off('error', onError);
              resolve();
            });
          });
      }
      await new Promise<void>((resolve, reject) => {
        out.once('error', reject);
        out.end(() => resolve());
      });
      const sha256 = hash.digest('hex');
      if (expected !== undefined && expected !== sha256) throw new StoreChecksumError(expected, sha256);
      const final = this.pathOf(sha256);
      if (await exists(final)) {
        await rm(tmp, { force: true });
      } else {
        await mkdir(path.dirname(final), { recursive: true });
        await this.fsync(tmp);
        await rename(tmp, final);
      }
      return { sha256, size };
    } catch (err) {
      out.destroy();
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async putFile(file: string, opts?: PutOptions): Promise<StoredBlob> {
    return this.putStream(createReadStream(file), opts);
  }

  async putBytes(bytes: Uint8Array, opts?: PutOptions): Promise<StoredBlob> {
    return this.putStream(
      (async function* () {
        yield bytes;
      })(),
      opts,
    );
  }

  async has(sha256: string): Promise<boolean> {
    return exists(this.pathOf(sha256));
  }

  async size(sha256: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch {
      return null;
    }
  }

  createReadStream(sha256: string, range?: ByteRange): NodeJS.ReadableStream {
    const file = this.pathOf(sha256);
    if (
      range &&
      (!Number.isInteger(range.start) || !Number.isInteger(range.end) || range.start < 0 || range.end < range.start)
    )
      throw new RangeError(`invalid byte range ${range.start}-${range.end}`);
    if (!existsSync(file)) {
      // Report a missing blob as StoreNotFoundError (on the stream, like any read error).
      const missing = new Readable({ read() {} });
      process.nextTick(() => missing.destroy(new StoreNotFoundError(sha256)));
      return missing;
    }
    return createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async readBytes(sha256: string): Promise<Uint8Array> {
    try {
      return await readFile(this.pathOf(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreNotFoundError(sha256);
      throw err;
    }
  }

  private async fsync(file: string): Promise<void> {
    const fh = await open(file, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /** Removes temp files of killed writers (older than STALE_TEMP_MS), at most every few minutes. */
  private async sweepTemp(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const name of await readdir(this.tmpDir).catch(() => [] as string[])) {
      const started = Number(name.split('-')[0]);
      if (Number.isFinite(started) && now - started > STALE_TEMP_MS)
        await rm(path.join(this.tmpDir, name), { force: true }).catch(() => undefined);
    }
  }
}

/** A store in folder `dir` (created on first write). */
export function createFsStore(dir: string): ArtifactStore {
  if (!dir) throw new TypeError('createFsStore needs a folder (ARTIFACT_DIR)');
  return new FsStore(dir);
}
