// Acceptance: truncated or bit-flipped .mace / .data files make mace_run exit non-zero with a
// message — run under AddressSanitizer + UBSan so any out-of-bounds read or UB also fails.
// A second pass re-signs flipped graphs with a correct CRC (a hostile file rather than a
// damaged one): the structural checks must then reject them or the run must finish cleanly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mace, repoRoot } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'mace-corrupt-'));
const asanDir = join(repoRoot, 'native/build/asan');
const maceRun = join(asanDir, 'mace_run');
const env = {
  ...process.env,
  ASAN_OPTIONS: 'exitcode=86:detect_leaks=1:abort_on_error=0',
  UBSAN_OPTIONS: 'halt_on_error=1:exitcode=87:print_stacktrace=1',
};
let model: Buffer;
let data: Buffer;

function crc32c(bytes: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

function runWith(mace_: Uint8Array, data_: Uint8Array) {
  writeFileSync(join(work, 'x.mace'), mace_);
  writeFileSync(join(work, 'x.data'), data_);
  return spawnSync(
    maceRun,
    [`--model_file=${join(work, 'x.mace')}`, `--model_data_file=${join(work, 'x.data')}`, '--omp_num_threads=1'],
    {
      encoding: 'utf8',
      env,
      timeout: 120_000,
    },
  );
}

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

beforeAll(() => {
  const b = spawnSync('bash', [join(repoRoot, 'scripts/native-build.sh'), 'mace_run'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      MACE_NATIVE_BUILD_DIR: asanDir,
      MACE_CMAKE_ARGS: '-DMACE_SANITIZE=ON -DMACE_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo',
    },
  });
  expect(b.status).toBe(0);
  const r = mace(['convert', '--config', join(repoRoot, 'test/fixtures/deploy/squeezenet1_1.yml'), '--out', work]);
  expect(r.status, r.stderr).toBe(0);
  model = readFileSync(join(work, 'squeezenet1_1/model/squeezenet1_1.mace'));
  data = readFileSync(join(work, 'squeezenet1_1/model/squeezenet1_1.data'));
}, 900_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('corrupt model files under ASan + UBSan', () => {
  it('the intact model runs cleanly', () => {
    const r = runWith(model, data);
    expect(r.status, r.stderr).toBe(0);
  });

  it('truncations and bit flips of .mace and .data fail with a message', () => {
    const next = rng(7);
    const cases: [string, Uint8Array, Uint8Array][] = [];
    for (const len of [0, 1, 8, 16, 100, model.length >> 1, model.length - 9, model.length - 1])
      cases.push([`.mace truncated to ${len}`, model.subarray(0, len), data]);
    for (const len of [0, 64, data.length >> 1, data.length - 1])
      cases.push([`.data truncated to ${len}`, model, data.subarray(0, len)]);
    for (let i = 0; i < 12; i++) {
      const m = Buffer.from(model);
      const at = next(m.length);
      m[at] ^= 1 << next(8);
      cases.push([`.mace bit flip at ${at}`, m, data]);
      const d = Buffer.from(data);
      const at2 = next(d.length);
      d[at2] ^= 1 << next(8);
      cases.push([`.data bit flip at ${at2}`, model, d]);
    }
    for (const [what, m, d] of cases) {
      const r = runWith(m, d);
      expect(r.status, `${what}: ${r.stderr}`).toBe(1);
      expect(r.stderr, what).toMatch(/error: .*(corrupt|truncated|checksum|trailer|empty|expects|integrity)/);
    }
  });

  it('re-signed hostile graphs are rejected or run without memory errors', () => {
    const next = rng(11);
    const body = model.subarray(0, model.length - 8);
    let rejected = 0;
    for (let i = 0; i < 40; i++) {
      const m = Buffer.from(body);
      for (let k = 0; k < 1 + next(3); k++) m[next(m.length)] ^= 1 << next(8);
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(crc32c(m), 0);
      trailer.write('MCRC', 4, 'ascii');
      const r = runWith(Buffer.concat([m, trailer]), data);
      expect([0, 1], `flip ${i}: exit ${r.status} ${r.signal ?? ''}\n${r.stderr}`).toContain(r.status);
      if (r.status === 1) {
        expect(r.stderr).toMatch(/^error: /m);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });
});
