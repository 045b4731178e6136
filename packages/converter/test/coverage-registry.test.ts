// The converter's op table against the runtime's registry: every op type the runtime has a CPU
// kernel for is in SUPPORT (and the other way round), and GPU_KERNELS names exactly the op types
// with a GPU kernel — so the coverage report can never promise a kernel the runtime lacks.
// Reads `mace_run --list_ops` of the OpenCL build (scripts/test-native-opencl.sh builds it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ENGINE_OPS, GPU_KERNELS } from '../src/coverage/index.js';

const MACE_RUN = resolve(import.meta.dirname, '../../../native/build/host-opencl/mace_run');
const available = existsSync(MACE_RUN);
const REQUIRE_NATIVE = process.env.MACE_REQUIRE_NATIVE === '1';

function registered(): Record<string, string[]> {
  const r = spawnSync(MACE_RUN, ['--list_ops'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const out: Record<string, string[]> = {};
  for (const line of r.stdout.trim().split('\n')) {
    const [device, list] = line.split(':');
    out[device] = list.trim().split(/\s+/).filter(Boolean).sort();
  }
  return out;
}

// Skipped only on a developer machine without the OpenCL build; CI sets MACE_REQUIRE_NATIVE=1 and
// builds native/build/host-opencl first (scripts/test.sh), so there it always runs.
describe.skipIf(!available && !REQUIRE_NATIVE)('coverage table vs the runtime registry', () => {
  test('the OpenCL build of mace_run exists', () => expect(available).toBe(true));

  test('CPU: the same op types', () => {
    expect([...ENGINE_OPS].sort()).toEqual(registered().cpu);
  });

  test('GPU: the same op types', () => {
    expect(Object.keys(GPU_KERNELS).sort()).toEqual(registered().gpu);
  });
});
