// runtimes cpu+gpu: the OpenCL library is loaded at run time, so the same mace_run finds the
// machine's OpenCL devices (PoCL here, from npm run setup) and a CPU-only build says it has none.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert } from '@mace/converter';
import { SQUEEZENET } from '../../pipeline/test/fixtures.js';
import { builderPaths, emulatorFor, ensureRuntime, type Runtimes } from '../src/index.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
// Inside the repository, so ccache (CCACHE_BASEDIR) reuses the tests' objects, and kept between
// runs like any build cache.
const cacheDir = path.join(repoRoot, 'native/build/test-opencl');
let model: string;
let data: string;
beforeAll(async () => {
  const converted = convert(new Uint8Array(await readFile(SQUEEZENET)), { platform: 'onnx' });
  const dir = await mkdtemp(path.join(tmpdir(), 'mace-opencl-model-'));
  model = path.join(dir, 'm.mace');
  data = path.join(dir, 'm.data');
  await writeFile(model, converted.mace);
  await writeFile(data, converted.data);
});

const runtime = (runtimes: Runtimes, abi = 'host') =>
  ensureRuntime({
    abi,
    runtimes,
    paths: { ...builderPaths(repoRoot), cacheDir },
    log: { system: () => undefined, write: () => undefined },
    signal: new AbortController().signal,
  });

describe('OpenCL at run time', () => {
  it('a cpu+gpu build lists the OpenCL devices through dlopen', { timeout: 900_000 }, async () => {
    const rt = await runtime('cpu+gpu');
    expect(rt.cmakeOptions).toContain('-DMACE_ENABLE_OPENCL=ON');
    const r = spawnSync(path.join(rt.dir, 'mace_run'), ['--opencl_info'], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^opencl: libOpenCL\.so/m);
    expect(r.stdout).toMatch(/^opencl device: Portable Computing Language \| OpenCL \d/m);
    // an override that does not exist falls back to the usual names
    const missing = spawnSync(path.join(rt.dir, 'mace_run'), ['--opencl_info'], {
      encoding: 'utf8',
      env: { ...process.env, MACE_OPENCL_LIBRARY_PATH: '/nonexistent/libOpenCL.so' },
    });
    expect(missing.status).toBe(0); // the ICD loader is found after the override
    expect(missing.stdout).toMatch(/^opencl: libOpenCL\.so/m);
    // the engine runs on the GPU device it found: all of SqueezeNet's ops, and mace_run says so
    const gpu = spawnSync(
      path.join(rt.dir, 'mace_run'),
      [`--model_file=${model}`, `--model_data_file=${data}`, '--device=GPU'],
      {
        encoding: 'utf8',
      },
    );
    expect(gpu.status, gpu.stdout + gpu.stderr).toBe(0);
    expect(gpu.stdout).toMatch(/^GPU: 39 ops \(Conv x26, .*\); CPU fallback: 0 ops; transfers: 1 upload/m);
  });

  it('without any OpenCL library (arm64 under qemu) it names every path it tried', { timeout: 900_000 }, async () => {
    const rt = await runtime('cpu+gpu', 'arm64-v8a');
    const [command, ...prefix] = [...emulatorFor('arm64-v8a'), path.join(rt.dir, 'mace_run')];
    const r = spawnSync(command, [...prefix, '--opencl_info'], {
      encoding: 'utf8',
      env: { ...process.env, MACE_OPENCL_LIBRARY_PATH: '/vendor/custom/libOpenCL.so' },
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/opencl: unavailable: no OpenCL library found; tried:/);
    expect(r.stdout).toContain('/vendor/custom/libOpenCL.so');
    expect(r.stdout).toContain('/system/vendor/lib64/libOpenCL.so');
    expect(r.stdout).toMatch(/set MACE_OPENCL_LIBRARY_PATH to the driver's libOpenCL\.so/);
  });

  it('a cpu build has no OpenCL runtime and says how to get one', { timeout: 900_000 }, async () => {
    const rt = await runtime('cpu');
    const r = spawnSync(path.join(rt.dir, 'mace_run'), ['--opencl_info'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/opencl: not in this build \(runtimes: cpu\); build with runtime gpu or cpu\+gpu/);
    const gpu = spawnSync(
      path.join(rt.dir, 'mace_run'),
      [`--model_file=${model}`, `--model_data_file=${data}`, '--device=GPU'],
      {
        encoding: 'utf8',
      },
    );
    expect(gpu.status).toBe(1);
    expect(gpu.stderr).toMatch(
      /no GPU backend \(runtimes: cpu\); build with runtime gpu or cpu\+gpu, or use DeviceType::CPU/,
    );
  });
});
