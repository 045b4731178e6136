// Acceptance (issue 6): the corpus CNNs run entirely on the GPU (PoCL here: OpenCL on the CPU)
// through `mace run` with runtime gpu, and validate against onnxruntime: cosine >= 0.995 with
// half storage (fp16_fp32) and >= 0.9999 with float storage (fp32_fp32). The placement line
// mace_run prints must show every op on the GPU: a silent CPU fallback would pass validation.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpus, mace, repoRoot } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'mace-gpu-corpus-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CASES = [
  { dataType: 'fp16_fp32', threshold: 0.995 },
  { dataType: 'fp32_fp32', threshold: 0.9999 },
] as const;

/** The corpus fixture turned into a GPU deployment file with absolute model paths. */
function gpuDeployment(name: string, dataType: string, threshold: number): string {
  const yml = readFileSync(join(repoRoot, 'test/fixtures/deploy', `${name}.yml`), 'utf8')
    .replaceAll('../../../../shared/corpus', corpus)
    .replace(/runtime: cpu\b/, 'runtime: gpu')
    .replace(/data_type: \w+/, `data_type: ${dataType}`)
    .replace(/CPU: [\d.]+/, `GPU: ${threshold}`);
  expect(yml).toContain('runtime: gpu');
  const dir = join(work, dataType);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, yml);
  return file;
}

for (const { dataType, threshold } of CASES)
  describe(`corpus models on the GPU (${dataType}) through mace run --validate`, () => {
    for (const name of ['mobilenet_v2', 'squeezenet1_1', 'mobilenet_v3_small']) {
      it(name, { timeout: 600_000 }, () => {
        const json = join(work, `${dataType}-${name}.json`);
        const r = mace([
          'run',
          '--config',
          gpuDeployment(name, dataType, threshold),
          '--validate',
          '--out',
          join(work, 'builds', dataType),
          '--json',
          json,
        ]);
        expect(r.status, r.stderr + r.stdout).toBe(0);
        expect(r.stdout).toMatch(
          /GPU: \d+ ops \(.*\); CPU fallback: 0 ops; transfers: 1 upload \(\d+ KB\), 1 download/,
        );
        const v = JSON.parse(readFileSync(json, 'utf8')).models[0].validation[0];
        expect(v.cosine).toBeGreaterThanOrEqual(threshold);
        expect(v.passed).toBe(true);
      });
    }
  });
