// The artifact-store interface: content-addressed blobs keyed by their sha256. The filesystem
// implementation is fs-store.ts; an S3-compatible one can implement the same interface.

export interface PutOptions {
  /** Refuse (StoreLimitError) and store nothing when the content is larger. */
  maxBytes?: number;
  /** Refuse (StoreChecksumError) and store nothing when the content's sha256 differs. */
  expectedSha256?: string;
}

export interface StoredBlob {
  sha256: string;
  size: number;
}

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ArtifactStore {
  /**
   * Streams `source` to a temporary file while hashing, then moves it into place under its sha256.
   * Over maxBytes → StoreLimitError; expectedSha256 mismatch → StoreChecksumError; in both cases
   * nothing is stored. The same content twice is stored once.
   */
  putStream(source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, opts?: PutOptions): Promise<StoredBlob>;
  putFile(path: string, opts?: PutOptions): Promise<StoredBlob>;
  putBytes(bytes: Uint8Array, opts?: PutOptions): Promise<StoredBlob>;
  has(sha256: string): Promise<boolean>;
  /** Size in bytes, or null when the blob is not stored. */
  size(sha256: string): Promise<number | null>;
  /** The blob's bytes (`range` inclusive). Emits StoreNotFoundError when missing. */
  createReadStream(sha256: string, range?: ByteRange): NodeJS.ReadableStream;
  /** The whole blob in memory (for small artifacts: manifests, tensors). */
  readBytes(sha256: string): Promise<Uint8Array>;
  /** Where the blob lives on disk. Validates the sha256 format: no user input reaches the filesystem unchecked. */
  pathOf(sha256: string): string;
  /** The store's root folder. */
  readonly root: string;
}
