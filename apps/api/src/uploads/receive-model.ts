// Receives a model upload (multipart/form-data: the bytes in field `file`, an optional expected
// checksum in field `sha256`, before or after the file) into the artifact store without holding
// it in memory. Nothing is stored unless the whole file arrived within the size limit and, when
// an expected checksum was sent, matches it:
//   - `sha256` before `file`: the file streams straight into the store, which verifies it;
//   - `sha256` after `file` (or absent): the file is spooled to a temporary file while hashed,
//     compared once the request ends, then copied into the store; the spool is always removed.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import { Ajv } from 'ajv';
import type { FastifyRequest } from 'fastify';
import { StoreChecksumError, StoreLimitError, type ArtifactStore } from '@mace/storage';
import { ApiError } from '../http/errors.js';
import { describeAjvErrors, formatFieldProblems } from '../http/validation-errors.js';

/** The non-file fields of the upload form; validated against this schema as they arrive. */
export const uploadFieldsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sha256: {
      type: 'string',
      pattern: '^[0-9a-fA-F]{64}$',
      description: 'expected SHA-256 (hex) of the file; the upload is refused (422) when it differs',
    },
  },
} as const;

/** The form as documented (OpenAPI requestBody); `file` is the binary part. */
export const uploadBodySchema = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary', description: 'the model or weight file' },
    ...uploadFieldsSchema.properties,
  },
} as const;

/** Spool folders are named `<prefix><pid>-<random>` in the OS temporary folder. */
export const SPOOL_PREFIX = 'mace-upload-';

const validateFields = new Ajv({ allErrors: true, strict: false }).compile(uploadFieldsSchema);

export interface ReceivedUpload {
  sha256: string;
  size: number;
  filename: string;
}

function tooLarge(limit: number): ApiError {
  return new ApiError(
    413,
    'payload_too_large',
    `the file is larger than the upload limit of ${limit} bytes; nothing was stored (the server's limit is MACE_UPLOAD_LIMIT)`,
    { headers: { connection: 'close' }, details: { limitBytes: limit } },
  );
}

function checksumMismatch(expected: string, actual: string): ApiError {
  return new ApiError(
    422,
    'checksum_mismatch',
    `the file's sha256 is ${actual} but the form said ${expected}; nothing was stored — check that the right file was sent`,
    { details: { expected, actual } },
  );
}

function isSizeError(err: unknown): boolean {
  return err instanceof StoreLimitError || (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE';
}

/** Counts and hashes bytes passing through; fails once more than `limit` bytes passed. */
class HashingLimiter extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.size += chunk.length;
    if (this.size > this.limit) return done(tooLarge(this.limit));
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/** Reads the multipart request; throws ApiError 400 / 413 / 422. `limit` is in bytes. */
export async function receiveModelUpload(
  request: FastifyRequest,
  store: ArtifactStore,
  limit: number,
): Promise<ReceivedUpload> {
  let expected: string | undefined;
  let stored: { sha256: string; size: number } | undefined;
  let filename = 'model';
  let spoolDir: string | undefined;
  let spooled: { file: string; sha256: string; size: number } | undefined;
  try {
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          expected = fieldValue(part, expected);
          continue;
        }
        if (part.fieldname !== 'file' || stored || spooled) {
          part.file.resume();
          throw new ApiError(
            400,
            'invalid_request',
            part.fieldname === 'file'
              ? 'body.file: send exactly one file per upload'
              : `body.${part.fieldname}: is not a known field; send the model in the field "file"`,
          );
        }
        filename = part.filename || filename;
        if (expected) {
          stored = await store.putStream(part.file, { maxBytes: limit, expectedSha256: expected });
        } else {
          spoolDir = await mkdtemp(path.join(tmpdir(), `${SPOOL_PREFIX}${process.pid}-`));
          spooled = await spool(part, path.join(spoolDir, 'upload'), limit);
        }
      }
    } catch (err) {
      if (isSizeError(err)) throw tooLarge(limit);
      if (err instanceof StoreChecksumError) {
        throw new ApiError(
          422,
          'checksum_mismatch',
          `the file's sha256 differs from the form's ${expected}; nothing was stored — check that the right file was sent`,
          {
            details: { expected },
          },
        );
      }
      throw err;
    }
    if (stored) return { ...stored, filename };
    if (!spooled)
      throw new ApiError(
        400,
        'invalid_request',
        'body.file: is required (a multipart/form-data upload with the model in the field "file")',
      );
    if (expected && expected !== spooled.sha256) throw checksumMismatch(expected, spooled.sha256);
    const result = await store.putStream(createReadStream(spooled.file), {
      maxBytes: limit,
      expectedSha256: spooled.sha256,
    });
    return { ...result, filename };
  } finally {
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  }
}

/** Validates one form field against uploadFieldsSchema; returns the expected checksum, lower-cased. */
function fieldValue(part: MultipartValue, previous: string | undefined): string | undefined {
  const fields = { [part.fieldname]: part.value };
  if (!validateFields(fields)) {
    const problems = describeAjvErrors(validateFields.errors ?? [], 'body');
    throw new ApiError(400, 'invalid_request', formatFieldProblems(problems), { details: { fields: problems } });
  }
  if (previous !== undefined) throw new ApiError(400, 'invalid_request', 'body.sha256: send it once');
  return String(part.value).toLowerCase();
}

async function spool(
  part: MultipartFile,
  file: string,
  limit: number,
): Promise<{ file: string; sha256: string; size: number }> {
  const limiter = new HashingLimiter(limit);
  await pipeline(part.file as Readable, limiter, createWriteStream(file));
  if (part.file.truncated) throw tooLarge(limit);
  return { file, sha256: limiter.hash.digest('hex'), size: limiter.size };
}
