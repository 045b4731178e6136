// Deployments through POST /v1/deployments: YAML (application/yaml, text/yaml) or JSON, validated
// by @mace/config — every problem reported with its field path, line and column — and each model
// resolved by checksum against uploaded model files (422 naming the tag and checksum otherwise).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentYaml, multipart, startApi, type Harness } from '../apps/api/test/harness.js';

let h: Harness;
let modelSha: string;
let modelId: string;
beforeAll(async () => {
  h = await startApi();
  const content = randomBytes(2_000);
  modelSha = createHash('sha256').update(content).digest('hex');
  const { body, contentType } = multipart([{ name: 'file', filename: 'net.onnx', content }]);
  const res = await h.request({
    method: 'POST',
    url: '/v1/models',
    token: h.tokens.user,
    body,
    headers: { 'content-type': contentType },
  });
  expect(res.statusCode).toBe(201);
  modelId = res.json().id;
});
afterAll(async () => {
  await h?.close();
});

function postDeployment(body: string, contentType = 'application/yaml') {
  return h.request({
    method: 'POST',
    url: '/v1/deployments',
    token: h.tokens.user,
    body,
    headers: { 'content-type': contentType },
  });
}

describe('POST /v1/deployments', () => {
  it('accepts a YAML deployment and resolves its model by checksum', async () => {
    const yaml = deploymentYaml(modelSha, { library: 'mobile' });
    const res = await postDeployment(yaml);
    expect(res.statusCode).toBe(201);
    const d = res.json();
    expect(d).toMatchObject({
      libraryName: 'mobile',
      yaml,
      models: [{ tag: 'net', role: 'model', modelFileId: modelId, sha256: modelSha }],
    });
    expect(d.config).toMatchObject({
      libraryName: 'mobile',
      targetAbis: ['host'],
      models: [{ tag: 'net', platform: 'onnx' }],
    });
    const rows = await h.db.deploymentModel.findMany({ where: { deploymentId: d.id } });
    expect(rows).toEqual([{ deploymentId: d.id, modelTag: 'net', role: 'model', modelFileId: modelId }]);

    const got = await h.request({ method: 'GET', url: `/v1/deployments/${d.id}`, token: h.tokens.user });
    expect(got.json()).toEqual(d);
    const list = await h.request({ method: 'GET', url: '/v1/deployments?libraryName=mobile', token: h.tokens.user });
    expect(list.json().items.map((x: { id: string }) => x.id)).toEqual([d.id]);
    expect(list.json().items[0].yaml).toBeUndefined();
    expect(
      (await h.request({ method: 'GET', url: `/v1/deployments/${randomUUID()}`, token: h.tokens.user })).statusCode,
    ).toBe(404);
  });

  it('accepts text/yaml and JSON bodies', async () => {
    expect((await postDeployment(deploymentYaml(modelSha), 'text/yaml; charset=utf-8')).statusCode).toBe(201);
    const json = JSON.stringify(
      {
        library_name: 'from_json',
        target_abis: ['host'],
        models: {
          net: {
            platform: 'onnx',
            model_file_path: 'net.onnx',
            model_sha256_checksum: modelSha,
            subgraphs: [{ input_tensors: 'x', input_shapes: '1,3,8,8', output_tensors: 'y', output_shapes: '1,4' }],
          },
        },
      },
      null,
      2,
    );
    const res = await postDeployment(json, 'application/json');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ libraryName: 'from_json', yaml: json });
  });

  it('reports every problem of a bad file with its path, line and column', async () => {
    const yaml = deploymentYaml(modelSha)
      .replace('runtime: cpu', 'runtime: npu')
      .replace('input_shapes: 1,3,8,8', 'input_shapes: 1,three,8,8');
    const res = await postDeployment(yaml);
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('invalid_deployment');
    const issues = err.details.issues as { path: string; line: number; column: number; message: string }[];
    const shape = issues.find((i) => i.path.startsWith('models.net.subgraphs[0].input_shapes'));
    const runtime = issues.find((i) => i.path === 'models.net.runtime');
    expect(shape).toMatchObject({ line: 10 });
    expect(runtime).toMatchObject({ line: 13, column: 14 });
    expect(runtime!.message).toMatch(/npu/);
    expect(err.message).toMatch(/^line 10, column \d+: models\.net\.subgraphs\[0\]\.input_shapes/);
    expect(err.message).toMatch(/and 1 more problems/);
    expect(await h.db.deployment.count({ where: { yaml } })).toBe(0);
  });

  it('reports YAML syntax errors and bad JSON with positions', async () => {
    const broken = await postDeployment('library_name: demo\nmodels:\n  net: [unclosed\n');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.details.issues[0]).toMatchObject({
      line: expect.any(Number),
      column: expect.any(Number),
    });

    const missing = await postDeployment('library_name: demo\n');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.issues).toContainEqual(
      expect.objectContaining({ path: 'models', message: 'missing required field' }),
    );

    const notJson = await postDeployment('{"library_name": ', 'application/json');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('invalid_request');

    const array = await postDeployment('[1, 2]', 'application/json');
    expect(array.statusCode).toBe(400);
    expect(array.json().error.message).toBe('body: must be object');
  });

  it('answers 422 naming the model tag and checksum to upload first', async () => {
    const absent = createHash('sha256').update('not uploaded').digest('hex');
    const res = await postDeployment(deploymentYaml(absent, { tag: 'resnet' }));
    expect(res.statusCode).toBe(422);
    const err = res.json().error;
    expect(err.code).toBe('model_not_uploaded');
    expect(err.message).toBe(`model resnet: upload net.onnx (sha256 ${absent}) with POST /v1/models first`);
    expect(err.details.missing).toEqual([
      { tag: 'resnet', role: 'model', field: 'models.resnet.model_sha256_checksum', sha256: absent, path: 'net.onnx' },
    ]);

    const weights = deploymentYaml(modelSha).replace(
      '    runtime: cpu',
      `    weight_file_path: net.data\n    weight_sha256_checksum: ${absent}\n    runtime: cpu`,
    );
    const w = await postDeployment(weights);
    expect(w.statusCode).toBe(422);
    expect(w.json().error.details.missing).toEqual([expect.objectContaining({ role: 'weights', sha256: absent })]);

    const noChecksum = await postDeployment(deploymentYaml(modelSha).replace(/ {4}model_sha256_checksum: .*\n/, ''));
    expect(noChecksum.statusCode).toBe(422);
    expect(noChecksum.json().error.message).toMatch(/models\.net\.model_sha256_checksum is not set/);
  });

  it('refuses other content types', async () => {
    const res = await postDeployment('library_name: x', 'text/plain');
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('unsupported_media_type');
  });
});
