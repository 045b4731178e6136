// Acceptance: each corpus model converts, runs on the host runtime and on both ARM ABIs (under
// qemu-user: mace run --target_abi), validates against onnxruntime (cosine ≥ 0.9999) and its
// written output matches the stored NAME.output.npy.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy } from '@mace/converter';
import { corpus, mace, repoRoot } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'mace-corpus-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const CORPUS_MODELS = ['mobilenet_v2', 'squeezenet1_1', 'mobilenet_v3_small', 'gru_lstm', 'tiny_transformer'];

for (const abi of ['host', 'arm64-v8a', 'armeabi-v7a'])
  describe(`corpus models through mace run --target_abi ${abi} --validate`, () => {
    for (const name of CORPUS_MODELS) {
      it(name, { timeout: 600_000 }, () => {
        const outDir = join(work, abi, name);
        const r = mace([
          'run',
          '--config',
          join(repoRoot, 'test/fixtures/deploy', `${name}.yml`),
          '--target_abi',
          abi,
          '--validate',
          '--output-dir',
          outDir,
          '--out',
          join(work, 'builds'),
          '--json',
          join(work, `${abi}-${name}.json`),
        ]);
        expect(r.stderr + r.stdout).toContain('PASS');
        expect(r.status, r.stderr).toBe(0);
        const report = JSON.parse(readFileSync(join(work, `${abi}-${name}.json`), 'utf8'));
        const v = report.models[0].validation[0];
        expect(v.cosine).toBeGreaterThanOrEqual(0.9999);
        const ours = readNpy(readFileSync(join(outDir, 'output.npy')));
        const expected = readNpy(readFileSync(join(corpus, 'models', `${name}.output.npy`)));
        expect(ours.dims).toEqual(expected.dims);
        expect(maxAbsDiff(ours.data as Float32Array, expected.data as Float32Array)).toBeLessThanOrEqual(1e-3);
      });
    }
  });

describe('a model with trained weights', () => {
  it('the PP-OCR classifier (trained weights) validates', () => {
    const r = mace([
      'run',
      '--config',
      join(repoRoot, 'test/fixtures/deploy/ppocr_cls.yml'),
      '--validate',
      '--out',
      join(work, 'builds'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/softmax_0\.tmp_0\s+\S+\s+.*PASS/);
  });
});
