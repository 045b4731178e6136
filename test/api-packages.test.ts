// Library packages through the API: a run whose deployment names target_abis [arm64-v8a,
// armeabi-v7a, host] produces three packages (one library artifact per ABI); the test downloads
// them, checks every file against its manifest and the binaries' target machine, then builds
// examples/example.cc against the host package (and the arm64-v8a one, run under qemu-user) and
// runs squeezenet1_1 with it — for model files and for models compiled in as code. The second
// run reuses the runtimes: its build logs say the cache was hit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extract } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '@mace/converter';
import { startWorker, type RunningWorker } from '@mace/worker';
import { multipart, startApi, type Harness } from '../apps/api/test/harness.js';
import { runLog, SQUEEZENET, SQUEEZENET_INPUT, waitForRun } from '../packages/pipeline/test/fixtures.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../examples/example.cc');
const ABIS = ['arm64-v8a', 'armeabi-v7a', 'host'];
/** ELF e_machine of each ABI's binaries. */
const MACHINE: Record<string, number> = { 'arm64-v8a': 183, 'armeabi-v7a': 40, host: 62 };
/** Cold builds of three runtimes on a busy 2-core machine take minutes. */
const RUN_WAIT_MS = 1_500_000;

let h: Harness;
let worker: RunningWorker;
let work: string;
let modelSha: string;
let inputRaw: string;
let expected: Float32Array;

function yaml(format: 'file' | 'code'): string {
  return `library_name: squeezenet
target_abis: [${ABIS.join(', ')}]
model_graph_format: ${format}
model_data_format: ${format}
models:
  squeezenet1_1:
    platform: onnx
    model_file_path: squeezenet1_1.onnx
    model_sha256_checksum: ${modelSha}
    subgraphs:
      - input_tensors: input
        input_shapes: 1,3,224,224
        input_data_formats: NCHW
        output_tensors: output
        output_shapes: 1,1000
    runtime: cpu
`;
}

interface LibraryArtifact {
  id: string;
  name: string;
  sha256: string;
  metadata: { abi: string };
}

/** Deploys, runs `build` through the API, and returns the run's library artifacts by ABI. */
async function buildThroughApi(
  format: 'file' | 'code',
): Promise<{ runId: string; byAbi: Map<string, LibraryArtifact> }> {
  const dep = await h.request({
    method: 'POST',
    url: '/v1/deployments',
    token: h.tokens.user,
    body: yaml(format),
    headers: { 'content-type': 'application/yaml' },
  });
  expect(dep.statusCode, dep.body).toBe(201);
  const run = await h.request({
    method: 'POST',
    url: '/v1/runs',
    token: h.tokens.user,
    json: { deploymentId: dep.json().id, actions: ['build'] },
  });
  expect(run.statusCode, run.body).toBe(201);
  const runId = run.json().id as string;
  const done = await waitForRun(h.db, runId, RUN_WAIT_MS);
  expect(done.status, `${done.reason}\n${await runLog(h.db, runId)}`).toBe('succeeded');
  const list = await h.request({
    method: 'GET',
    url: `/v1/artifacts?runId=${runId}&kind=library`,
    token: h.tokens.user,
  });
  const items = list.json().items as LibraryArtifact[];
  expect(items.map((a) => a.name).sort()).toEqual(ABIS.map((abi) => `squeezenet-${abi}.tar.gz`).sort());
  return { runId, byAbi: new Map(items.map((a) => [a.metadata.abi, a])) };
}

/** Downloads a package, unpacks it, and checks every file against the manifest. */
async function download(a: LibraryArtifact, abi: string): Promise<string> {
  const res = await h.request({ method: 'GET', url: `/v1/artifacts/${a.id}/download`, token: h.tokens.user });
  expect(res.statusCode).toBe(200);
  expect(createHash('sha256').update(res.rawPayload).digest('hex')).toBe(a.sha256);
  const dir = await mkdtemp(path.join(work, `${abi}-`));
  const file = path.join(dir, 'package.tar.gz');
  await writeFile(file, res.rawPayload);
  await extract({ file, cwd: dir, strict: true });
  const manifest = JSON.parse(await readFile(path.join(dir, `manifest-${abi}.json`), 'utf8')) as {
    abi: string;
    files: { path: string; sha256: string }[];
  };
  expect(manifest.abi).toBe(abi);
  for (const f of manifest.files)
    expect(
      createHash('sha256')
        .update(await readFile(path.join(dir, f.path)))
        .digest('hex'),
      f.path,
    ).toBe(f.sha256);
  for (const bin of ['mace_run', 'benchmark_model']) {
    const elf = await readFile(path.join(dir, 'bin', abi, bin));
    expect(elf.readUInt16LE(18), `${abi} ${bin} e_machine`).toBe(MACHINE[abi]);
  }
  return dir;
}

/** Compiles examples/example.cc against an unpacked package and runs squeezenet1_1 with it. */
function runExample(pkg: string, abi: string, format: 'file' | 'code'): Float32Array {
  const exe = path.join(pkg, 'example');
  const libs = [
    ...(format === 'code' ? ['-DMODEL_GRAPH_FORMAT_CODE', path.join(pkg, `lib/${abi}/libsqueezenet.a`)] : []),
    path.join(pkg, `lib/${abi}/libmace.a`),
  ];
  const cxx = abi === 'host' ? 'g++' : 'aarch64-linux-gnu-g++';
  execFileSync(
    cxx,
    [
      '-std=c++17',
      '-O2',
      ...(abi === 'host' ? [] : ['-static']),
      EXAMPLE,
      `-I${path.join(pkg, 'include')}`,
      ...libs,
      '-lpthread',
      '-ldl',
      '-o',
      exe,
    ],
    { stdio: 'pipe' },
  );
  const out = path.join(pkg, 'output.raw');
  const args = [
    '--model_name=squeezenet1_1',
    ...(format === 'file'
      ? [`--model_file=${pkg}/model/squeezenet1_1.mace`, `--model_data_file=${pkg}/model/squeezenet1_1.data`]
      : []),
    '--input_node=input',
    '--input_shape=1,3,224,224',
    `--input_file=${inputRaw}`,
    '--output_node=output',
    `--output_file=${out}`,
  ];
  const command = abi === 'host' ? [exe] : ['qemu-aarch64-static', '-cpu', 'cortex-a53', exe];
  const stdout = execFileSync(command[0], [...command.slice(1), ...args], { encoding: 'utf8' });
  expect(stdout).toMatch(/output: 1000 values written/);
  const bytes = readFileSync(out);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

function maxAbsError(actual: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
  return max;
}

beforeAll(async () => {
  h = await startApi();
  worker = await startWorker({ db: h.db, queues: h.queues, store: h.store, report: () => undefined });
  work = await mkdtemp(path.join(tmpdir(), 'mace-api-packages-'));
  const { body, contentType } = multipart([
    { name: 'file', filename: 'squeezenet1_1.onnx', content: await readFile(SQUEEZENET) },
  ]);
  const up = await h.request({
    method: 'POST',
    url: '/v1/models',
    token: h.tokens.user,
    body,
    headers: { 'content-type': contentType },
  });
  expect(up.statusCode, up.body).toBe(201);
  modelSha = up.json().sha256;
  const input = readNpy(await readFile(SQUEEZENET_INPUT));
  inputRaw = path.join(work, 'input.raw');
  await writeFile(inputRaw, Buffer.from(Float32Array.from(input.data as Float32Array).buffer));
  const out = readNpy(await readFile(SQUEEZENET_INPUT.replace('.input.npy', '.output.npy')));
  expected = Float32Array.from(out.data as Float32Array);
});
afterAll(async () => {
  await worker?.close();
  await h?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('library packages from an API run', () => {
  it(
    'model files: three packages; the example built against the host package runs the model',
    { timeout: RUN_WAIT_MS + 120_000 },
    async () => {
      const { byAbi } = await buildThroughApi('file');
      for (const abi of ABIS) await download(byAbi.get(abi)!, abi);
      const host = await download(byAbi.get('host')!, 'host');
      expect(maxAbsError(runExample(host, 'host', 'file'))).toBeLessThan(1e-4);
    },
  );

  it(
    'model code: the graph and weights compiled into libsqueezenet.a, on the host and on arm64 under qemu; runtimes come from the cache',
    { timeout: RUN_WAIT_MS + 240_000 },
    async () => {
      const { runId, byAbi } = await buildThroughApi('code');
      const log = await runLog(h.db, runId);
      expect(log.match(/build cache hit: .* skipping compilation/g)).toHaveLength(3);
      const host = await download(byAbi.get('host')!, 'host');
      expect(maxAbsError(runExample(host, 'host', 'code'))).toBeLessThan(1e-4);
      const arm64 = await download(byAbi.get('arm64-v8a')!, 'arm64-v8a');
      // GCC fuses multiply-adds on aarch64: not bit-exact with the x86 reference.
      expect(maxAbsError(runExample(arm64, 'arm64-v8a', 'code'))).toBeLessThan(1e-3);
      await download(byAbi.get('armeabi-v7a')!, 'armeabi-v7a');
    },
  );
});
