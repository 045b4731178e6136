// Test helper: runs a converter IR graph on the native runtime. Writes the graph as .mace/.data
// (planMemory + writeEngineModel) and the inputs as .npy into a temp dir, runs `mace_run` (built
// with cmake/ninja when missing) on one thread, and reads its .npy outputs back. A runtime that
// lacks a kernel is reported as `missingKernels`, so tests can skip until the kernel lands.
// Environment: MACE_RUN=<binary> uses another build; MACE_RUN_REBUILD=1 runs ninja first (an
// existing binary is not rebuilt otherwise, so new kernels need `ninja -C native/build/host mace_run`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Graph } from '../../src/ir/graph.js';
import { planMemory } from '../../src/plan/memory.js';
import { writeEngineModel } from '../../src/writer/index.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const MACE_RUN = process.env.MACE_RUN ?? join(REPO_ROOT, 'native/build/host/mace_run');

export interface NpyArray {
  dtype: 'float32' | 'int64' | 'int32' | 'uint8';
  dims: number[];
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

export type NativeResult =
  { ok: true; outputs: Map<string, NpyArray>; stdout: string } | { ok: false; error: string; missingKernels: string[] };

let buildError: string | undefined;
let built = false;

/**
 * The mace_run binary: builds native/build/host's once per process when it is missing (or when
 * MACE_RUN_REBUILD=1); throws when that fails. A cold build takes minutes: call it from beforeAll
 * (prepareMaceRun) so that it runs under the hook timeout, not a test's.
 */
export function ensureMaceRun(): string {
  if (buildError) throw new Error(buildError);
  if (process.env.MACE_RUN) {
    if (!existsSync(MACE_RUN)) throw new Error(`MACE_RUN=${MACE_RUN} does not exist`);
    return MACE_RUN;
  }
  if (existsSync(MACE_RUN) && (process.env.MACE_RUN_REBUILD !== '1' || built)) return MACE_RUN;
  built = true;
  const build = join(REPO_ROOT, 'native/build/host');
  const steps: [string, string[]][] = [];
  if (!existsSync(join(build, 'build.ninja')))
    steps.push(['cmake', ['-S', join(REPO_ROOT, 'native'), '-B', build, '-G', 'Ninja', '-DCMAKE_BUILD_TYPE=Release']]);
  steps.push(['ninja', ['-C', build, 'mace_run']]);
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 900_000 });
    if (r.status !== 0) {
      buildError = `building mace_run failed (${cmd} ${args.join(' ')}): ${(r.stderr || r.stdout || String(r.error)).slice(-2000)}`;
      throw new Error(buildError);
    }
  }
  return MACE_RUN;
}

/** For beforeAll: builds mace_run if needed; a failure is reported by the tests that run natively. */
export function prepareMaceRun(): void {
  try {
    ensureMaceRun();
  } catch {
    // runNative rethrows the build error in each native test.
  }
}

// ---- .npy (version 1.0, little-endian, C order) ---------------------------------------------

const DESCR: Record<NpyArray['dtype'], string> = { float32: '<f4', int64: '<i8', int32: '<i4', uint8: '|u1' };

export function encodeNpy(a: NpyArray): Uint8Array {
  const shape = a.dims.length === 1 ? `(${a.dims[0]},)` : `(${a.dims.join(', ')})`;
  let header = `{'descr': '${DESCR[a.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + a.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), 10 + header.length);
  return out;
}

export function decodeNpy(bytes: Uint8Array): NpyArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const body = Uint8Array.prototype.slice.call(bytes, start + hlen).buffer; // (Buffer#slice would not copy)
  switch (descr) {
    case '<f4':
      return { dtype: 'float32', dims, data: new Float32Array(body) };
    case '<i8':
      return { dtype: 'int64', dims, data: new BigInt64Array(body) };
    case '<i4':
      return { dtype: 'int32', dims, data: new Int32Array(body) };
    case '|u1':
      return { dtype: 'uint8', dims, data: new Uint8Array(body) };
    default:
      throw new Error(`npy dtype ${descr} not handled`);
  }
}

/** mace_run's file name for a tensor: characters outside [A-Za-z0-9_.-] become '_'. */
export function outputFileName(name: string): string {
  let out = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (out === '' || out === '.' || out === '..') out = `_${out}`;
  return out;
}

/** Writes .mace/.data for `graph` into `dir`; returns the file paths. */
export function writeModelFiles(graph: Graph, dir: string): { mace: string; data: string } {
  const { mace, data } = writeEngineModel(graph, planMemory(graph));
  const paths = { mace: join(dir, 'model.mace'), data: join(dir, 'model.data') };
  writeFileSync(paths.mace, mace);
  writeFileSync(paths.data, data);
  return paths;
}

/** Runs `graph` on mace_run with float32 `inputs` (by input name). */
export function runNative(graph: Graph, inputs: Map<string, Float32Array>): NativeResult {
  const bin = ensureMaceRun();
  const dir = mkdtempSync(join(tmpdir(), 'mace-native-'));
  try {
    const files = writeModelFiles(graph, dir);
    const npys = graph.inputs.map((io, i) => {
      const data = inputs.get(io.name);
      if (!data) throw new Error(`runNative: no value for input '${io.name}'`);
      const path = join(dir, `input_${i}.npy`);
      writeFileSync(path, encodeNpy({ dtype: 'float32', dims: io.shape, data }));
      return path;
    });
    const outDir = join(dir, 'out');
    const r = spawnSync(
      bin,
      [
        '--model_file',
        files.mace,
        '--model_data_file',
        files.data,
        '--input_file',
        npys.join(','),
        '--output_dir',
        outDir,
        '--omp_num_threads',
        '1',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (r.status !== 0) {
      const error = `${r.stderr}${r.stdout}`.trim() || String(r.error);
      const m = /has no kernel for \d+ op\(s\): (.*)/.exec(error);
      const missingKernels = m ? [...new Set(m[1].split(', ').map((s) => s.split(' ')[0]))] : [];
      return { ok: false, error, missingKernels };
    }
    const outputs = new Map<string, NpyArray>();
    for (const o of graph.outputs)
      outputs.set(o.name, decodeNpy(readFileSync(join(outDir, `${outputFileName(o.name)}.npy`))));
    return { ok: true, outputs, stdout: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs both graphs on the same inputs and returns the max abs difference per output, or the
 * kernels the runtime lacks (then nothing is compared).
 */
export function compareNative(
  before: Graph,
  after: Graph,
  inputs: Map<string, Float32Array>,
  afterInputs: Map<string, Float32Array> = inputs,
):
  | { missingKernels: string[] }
  | { diffs: Map<string, number>; before: Map<string, NpyArray>; after: Map<string, NpyArray> } {
  const a = runNative(before, inputs);
  const b = a.ok ? runNative(after, afterInputs) : a;
  if (!a.ok || !b.ok) {
    const bad = (!a.ok ? a : b) as { error: string; missingKernels: string[] };
    if (bad.missingKernels.length) return { missingKernels: bad.missingKernels };
    throw new Error(`mace_run failed: ${bad.error}`);
  }
  const diffs = new Map<string, number>();
  for (const [name, x] of a.outputs) {
    const y = b.outputs.get(name);
    if (!y) throw new Error(`output ${name} missing after the transform`);
    let m = 0;
    if (x.data.length !== y.data.length) m = Infinity;
    else for (let i = 0; i < x.data.length; i++) m = Math.max(m, Math.abs(Number(x.data[i]) - Number(y.data[i])));
    diffs.set(name, m);
  }
  return { diffs, before: a.outputs, after: b.outputs };
}
