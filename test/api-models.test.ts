// Model uploads through POST /v1/models (multipart, streamed): sha256 computed and returned,
// deduplication (same content → same ModelFile, 200 instead of 201), the optional expected
// checksum before or after the file (mismatch → 422), the size limit (→ 413, the server stops
// reading), and in every refused case nothing stored: no row, no blob, no temporary file.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesUnder, multipart, startApi, type Harness, type Part } from '../apps/api/test/harness.js';

const LIMIT = 64 * 1024;
let h: Harness;
beforeAll(async () => {
  h = await startApi({ uploadLimitBytes: LIMIT });
});
afterAll(async () => {
  await h?.close();
});

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function upload(parts: Part[], token = h.tokens.user) {
  const { body, contentType } = multipart(parts);
  return h.request({ method: 'POST', url: '/v1/models', token, body, headers: { 'content-type': contentType } });
}

/** The store's files and the model_files rows, to compare before and after a refused upload. */
async function snapshot(): Promise<{ files: string[]; rows: number }> {
  return { files: await filesUnder(h.artifactDir), rows: await h.db.modelFile.count() };
}

async function expectNothingStored(before: { files: string[]; rows: number }): Promise<void> {
  const after = await snapshot();
  expect(after.rows).toBe(before.rows);
  expect(after.files).toEqual(before.files);
  expect(after.files.filter((f) => f.startsWith('tmp'))).toEqual([]);
  // the spool of an upload whose checksum comes last is gone too
  const spools = (await readdir(tmpdir())).filter((n) => n.startsWith(`mace-upload-${process.pid}-`));
  expect(spools).toEqual([]);
}

describe('POST /v1/models', () => {
  it('stores a new file (201) with its sha256 and size, and deduplicates the same content (200)', async () => {
    const content = randomBytes(10_000);
    const first = await upload([{ name: 'file', filename: 'mobilenet.onnx', content }]);
    expect(first.statusCode).toBe(201);
    const model = first.json();
    expect(model).toMatchObject({ sha256: sha(content), size: content.length, originalFilename: 'mobilenet.onnx' });
    expect(await h.store.has(sha(content))).toBe(true);
    const user = await h.db.user.findUniqueOrThrow({ where: { name: 'alice' } });
    expect(model.createdById).toBe(user.id);

    const again = await upload([{ name: 'file', filename: 'copy.onnx', content }], h.tokens.otherUser);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(model);
    expect(await h.db.modelFile.count({ where: { sha256: sha(content) } })).toBe(1);

    const got = await h.request({ method: 'GET', url: `/v1/models/${model.id}`, token: h.tokens.user });
    expect(got.json()).toEqual(model);
    const listed = await h.request({ method: 'GET', url: `/v1/models?sha256=${model.sha256}`, token: h.tokens.user });
    expect(listed.json()).toEqual({ items: [model], nextCursor: null, next: null });
    const missing = await h.request({ method: 'GET', url: `/v1/models/${randomUUID()}`, token: h.tokens.user });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });

  it('verifies an expected checksum sent before the file', async () => {
    const content = randomBytes(5_000);
    const res = await upload([
      { name: 'sha256', value: sha(content).toUpperCase() },
      { name: 'file', filename: 'a.onnx', content },
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.json().sha256).toBe(sha(content));
  });

  it('verifies an expected checksum sent after the file', async () => {
    const content = randomBytes(5_000);
    const res = await upload([
      { name: 'file', filename: 'b.onnx', content },
      { name: 'sha256', value: sha(content) },
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.json().sha256).toBe(sha(content));
  });

  it('refuses a checksum mismatch with 422 and stores nothing, whichever part comes first', async () => {
    for (const order of ['before', 'after'] as const) {
      const content = randomBytes(7_000);
      const wrong = sha(Buffer.from('something else'));
      const before = await snapshot();
      const file: Part = { name: 'file', filename: 'c.onnx', content };
      const field: Part = { name: 'sha256', value: wrong };
      const res = await upload(order === 'before' ? [field, file] : [file, field]);
      expect(res.statusCode, order).toBe(422);
      expect(res.json().error.code).toBe('checksum_mismatch');
      expect(res.json().error.message).toContain(wrong);
      expect(res.json().error.message).toMatch(/nothing was stored/);
      expect(await h.store.has(sha(content))).toBe(false);
      await expectNothingStored(before);
    }
  });

  it('accepts a file of exactly the limit', async () => {
    const content = randomBytes(LIMIT);
    const res = await upload([{ name: 'file', filename: 'limit.bin', content }]);
    expect(res.statusCode).toBe(201);
    expect(res.json().size).toBe(LIMIT);
  });

  it('refuses a file over the limit with 413 and stores nothing (streamed to the store or spooled)', async () => {
    for (const withChecksum of [true, false]) {
      const content = randomBytes(LIMIT + 1);
      const before = await snapshot();
      const parts: Part[] = [{ name: 'file', filename: 'big.bin', content }];
      if (withChecksum) parts.unshift({ name: 'sha256', value: sha(content) });
      const res = await upload(parts);
      expect(res.statusCode, `checksum first: ${withChecksum}`).toBe(413);
      expect(res.json().error).toMatchObject({ code: 'payload_too_large', details: { limitBytes: LIMIT } });
      expect(res.json().error.message).toMatch(/nothing was stored/);
      expect(res.headers.connection).toBe('close');
      expect(await h.store.has(sha(content))).toBe(false);
      await expectNothingStored(before);
    }
  });

  it('refuses at once a body whose Content-Length is far over the limit', async () => {
    const before = await snapshot();
    const res = await upload([{ name: 'file', filename: 'huge.bin', content: randomBytes(LIMIT * 4) }]);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toContain(`limit of ${LIMIT} bytes`);
    await expectNothingStored(before);
  });

  it('stops reading a streamed upload over the limit (real socket, chunked, no Content-Length)', async () => {
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (h.app.server.address() as AddressInfo).port;
    expect(address).toContain(String(port));
    const before = await snapshot();
    const boundary = 'mace-stream-boundary';
    const total = 64 * 1024 * 1024; // far more than the server will read
    let sent = 0;
    const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/models',
        headers: {
          authorization: `Bearer ${h.tokens.user}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'transfer-encoding': 'chunked',
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', (err) => {
        // The server closing the connection while we still write is expected; the response
        // has usually arrived first.
        if (!['EPIPE', 'ECONNRESET'].includes((err as NodeJS.ErrnoException).code ?? '')) reject(err);
      });
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="stream.bin"\r\n\r\n`);
      const chunk = randomBytes(64 * 1024);
      const pump = (): void => {
        while (sent < total && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        if (!req.destroyed) req.end(`\r\n--${boundary}--\r\n`);
      };
      pump();
    });
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).error.code).toBe('payload_too_large');
    expect(sent).toBeLessThan(total);
    await expectNothingStored(before);
  });

  it('names the problem of a malformed upload', async () => {
    const noFile = await upload([{ name: 'sha256', value: sha(Buffer.from('x')) }]);
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().error.message).toMatch(/^body\.file: is required/);

    const otherField = await upload([{ name: 'model', filename: 'm.onnx', content: Buffer.from('x') }]);
    expect(otherField.statusCode).toBe(400);
    expect(otherField.json().error.message).toMatch(/^body\.model: is not a known field/);

    const badSha = await upload([
      { name: 'sha256', value: 'xyz' },
      { name: 'file', filename: 'm', content: Buffer.from('x') },
    ]);
    expect(badSha.statusCode).toBe(400);
    expect(badSha.json().error.message).toBe('body.sha256: must match ^[0-9a-fA-F]{64}$');

    const unknownField = await upload([
      { name: 'note', value: 'hi' },
      { name: 'file', filename: 'm', content: Buffer.from('x') },
    ]);
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().error.message).toBe('body.note: is not a known field');

    const json = await h.request({ method: 'POST', url: '/v1/models', token: h.tokens.user, json: { file: 'abc' } });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.code).toBe('unsupported_media_type');
  });
});
