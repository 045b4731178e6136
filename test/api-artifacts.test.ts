// Artifact listing and download: filters (run, kind, SoC; kind=tuned with the driver and device
// model of tuned files), Content-Length, ETag = "<sha256>"
// with If-None-Match → 304, single byte ranges → 206 with Content-Range, unsatisfiable ranges →
// 416, If-Range, and a Content-Disposition whose file name cannot escape its quotes.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type Harness } from '../apps/api/test/harness.js';

let h: Harness;
let runId: string;
let deviceId: string;
let content: Buffer;
let artifact: { id: string; sha256: string };
beforeAll(async () => {
  h = await startApi();
  const d = await h.db.deployment.create({ data: { libraryName: 'a', yaml: 'x', config: {} } });
  runId = (await h.db.run.create({ data: { deploymentId: d.id, actions: ['convert'] } })).id;
  deviceId = (
    await h.db.device.create({ data: { serial: 'pixel-1', kind: 'android', abis: ['arm64-v8a'], soc: 'SDM845' } })
  ).id;
  content = randomBytes(1_000);
  const stored = await h.store.putBytes(content);
  const row = await h.db.artifact.create({
    data: {
      sha256: stored.sha256,
      size: stored.size,
      kind: 'model_graph',
      name: '../evil "name"\r\n.mace',
      contentType: 'application/x-mace-graph',
      runId,
      storageKey: stored.sha256,
    },
  });
  artifact = { id: row.id, sha256: stored.sha256 };
  const other = await h.store.putBytes(Buffer.from('{"ok":true}'));
  await h.db.artifact.create({
    data: {
      sha256: other.sha256,
      size: other.size,
      kind: 'tuned_parameters',
      name: 'tuned.bin',
      runId,
      deviceId,
      storageKey: other.sha256,
      metadata: { driver: 'r1' },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const download = (headers: Record<string, string> = {}, id = artifact.id) =>
  h.request({ method: 'GET', url: `/v1/artifacts/${id}/download`, token: h.tokens.user, headers });

describe('artifacts', () => {
  it('lists with filters and gets metadata', async () => {
    const all = await h.request({ method: 'GET', url: `/v1/artifacts?runId=${runId}`, token: h.tokens.user });
    expect(all.json().items.map((a: { kind: string }) => a.kind)).toEqual(['tuned_parameters', 'model_graph']);
    const bySoc = await h.request({ method: 'GET', url: '/v1/artifacts?soc=sdm845', token: h.tokens.agent });
    expect(bySoc.json().items).toEqual([
      expect.objectContaining({ name: 'tuned.bin', deviceId, metadata: { driver: 'r1' } }),
    ]);
    const byKind = await h.request({
      method: 'GET',
      url: '/v1/artifacts?kind=model_graph&kind=library',
      token: h.tokens.user,
    });
    expect(byKind.json().items).toHaveLength(1);
    const one = await h.request({ method: 'GET', url: `/v1/artifacts/${artifact.id}`, token: h.tokens.user });
    expect(one.json()).toMatchObject({
      id: artifact.id,
      sha256: artifact.sha256,
      size: 1_000,
      kind: 'model_graph',
      downloadUrl: `/v1/artifacts/${artifact.id}/download`,
    });
    expect(
      (await h.request({ method: 'GET', url: `/v1/artifacts/${randomUUID()}`, token: h.tokens.user })).statusCode,
    ).toBe(404);
  });

  it('lists tuned OpenCL files (kind=tuned: both kinds) by SoC, driver and device model', async () => {
    // a tune job's pair for a Pixel with driver r2, and a library of the same device (not tuned)
    const pixel = (
      await h.db.device.create({
        data: { serial: 'pixel-2', kind: 'android', abis: ['arm64-v8a'], soc: 'SM8150', model: 'Pixel 4' },
      })
    ).id;
    const blob = await h.store.putBytes(Buffer.from('tuned'));
    const metadata = { deviceModel: 'Pixel 4', soc: 'SM8150', driver: 'r2', runtime: '0.1.0+cl1', graphSha256: 'f' };
    for (const [kind, name] of [
      ['tuned_binary', 'lib_compiled_opencl_kernel.m.sm8150.bin'],
      ['tuned_parameters', 'lib_tuned_opencl_parameter.m.sm8150.bin'],
      ['library', 'lib-arm64-v8a.tar.gz'],
    ] as const)
      await h.db.artifact.create({
        data: {
          sha256: blob.sha256,
          size: blob.size,
          kind,
          name,
          runId,
          deviceId: pixel,
          storageKey: blob.sha256,
          metadata,
        },
      });
    const list = async (query: string) => {
      const res = await h.request({ method: 'GET', url: `/v1/artifacts?${query}`, token: h.tokens.user });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as { kind: string; name: string; metadata: unknown }[]).map((a) => a.name);
    };
    expect(await list('kind=tuned&soc=sm8150')).toEqual([
      'lib_tuned_opencl_parameter.m.sm8150.bin',
      'lib_compiled_opencl_kernel.m.sm8150.bin',
    ]);
    expect(await list('kind=tuned&soc=SDM845')).toEqual(['tuned.bin']);
    expect(await list('kind=tuned')).toHaveLength(3);
    expect(await list('kind=tuned&kind=library&soc=SM8150')).toHaveLength(3);
    expect(await list('kind=tuned&driver=r2&deviceModel=Pixel%204')).toHaveLength(2);
    expect(await list('kind=tuned&driver=r1')).toEqual(['tuned.bin']);
    expect(await list('kind=tuned&deviceModel=Pixel%203')).toEqual([]);
    const one = await h.request({ method: 'GET', url: '/v1/artifacts?kind=tuned&soc=sm8150', token: h.tokens.user });
    expect(one.json().items[0]).toMatchObject({ kind: 'tuned_parameters', deviceId: pixel, metadata });
    const bad = await h.request({ method: 'GET', url: '/v1/artifacts?kind=tuning', token: h.tokens.user });
    expect(bad.statusCode).toBe(400);
  });

  it('downloads the bytes with Content-Length, ETag and a safe Content-Disposition', async () => {
    const res = await download();
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(content)).toBe(true);
    expect(res.headers['content-length']).toBe('1000');
    expect(res.headers.etag).toBe(`"${artifact.sha256}"`);
    expect(res.headers['content-type']).toBe('application/x-mace-graph');
    expect(res.headers['accept-ranges']).toBe('bytes');
    const disposition = res.headers['content-disposition'] as string;
    expect(disposition).toBe(`attachment; filename="evil _name_.mace"; filename*=UTF-8''evil%20%22name%22.mace`);
    expect(createHash('sha256').update(res.rawPayload).digest('hex')).toBe(artifact.sha256);
  });

  it('answers 304 when If-None-Match holds the ETag', async () => {
    const res = await download({ 'if-none-match': `W/"nope", "${artifact.sha256}"` });
    expect(res.statusCode).toBe(304);
    expect(res.body).toBe('');
    expect(res.headers.etag).toBe(`"${artifact.sha256}"`);
    expect((await download({ 'if-none-match': '"other"' })).statusCode).toBe(200);
  });

  it('serves single byte ranges with 206 and Content-Range', async () => {
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=900-', 900, 999],
      ['bytes=-10', 990, 999],
      ['bytes=990-5000', 990, 999],
    ];
    for (const [range, start, end] of cases) {
      const res = await download({ range });
      expect(res.statusCode, range).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/1000`);
      expect(res.headers['content-length']).toBe(String(end - start + 1));
      expect(res.rawPayload.equals(content.subarray(start, end + 1)), range).toBe(true);
    }
    // several ranges, or an If-Range for another version: the whole artifact
    expect((await download({ range: 'bytes=0-1,5-6' })).statusCode).toBe(200);
    expect((await download({ range: 'bytes=0-1', 'if-range': '"old"' })).statusCode).toBe(200);
    expect((await download({ range: 'bytes=0-1', 'if-range': `"${artifact.sha256}"` })).statusCode).toBe(206);
  });

  it('answers 416 with Content-Range for an unsatisfiable range', async () => {
    for (const range of ['bytes=1000-', 'bytes=5000-6000', 'bytes=-0']) {
      const res = await download({ range });
      expect(res.statusCode, range).toBe(416);
      expect(res.headers['content-range']).toBe('bytes */1000');
      expect(res.json().error.code).toBe('range_not_satisfiable');
    }
  });

  it('answers 404 when the artifact or its bytes are missing', async () => {
    expect((await download({}, randomUUID())).statusCode).toBe(404);
    const ghost = await h.db.artifact.create({
      data: { sha256: 'f'.repeat(64), size: 3, kind: 'other', name: 'ghost', runId, storageKey: 'f'.repeat(64) },
    });
    const res = await download({}, ghost.id);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_in_store');
  });
});
