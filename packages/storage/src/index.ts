// @mace/storage: the content-addressed artifact store (filesystem by default; an S3-compatible
// store may come later behind the same ArtifactStore interface).
import path from 'node:path';
import { createFsStore } from './fs-store.js';
import type { ArtifactStore } from './store.js';

export type { ArtifactStore, ByteRange, PutOptions, StoredBlob } from './store.js';
export { createFsStore } from './fs-store.js';
export { StoreChecksumError, StoreKeyError, StoreLimitError, StoreNotFoundError } from './errors.js';
export { assertSha256, isSha256 } from './sha256.js';

/** Where artifacts live when ARTIFACT_DIR is not set: `.local/artifacts` under the working directory. */
export const DEFAULT_ARTIFACT_DIR = '.local/artifacts';

/** The store configured by `dir`, else ARTIFACT_DIR, else DEFAULT_ARTIFACT_DIR. */
export function createStoreFromEnv(dir?: string): ArtifactStore {
  return createFsStore(path.resolve(dir ?? process.env.ARTIFACT_DIR ?? DEFAULT_ARTIFACT_DIR));
}
