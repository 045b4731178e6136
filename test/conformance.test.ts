// Acceptance gate over the ONNX conformance corpus: among tests the converter accepts, ≥ 98%
// pass; among tests whose ops are all in the engine's list and whose tensors are float32
// (int64/int32 for shapes), ≥ 90% are accepted. The runner is the product's own
// (`npm run conformance`); its per-test results are written to the test output folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../apps/cli/src/conformance.js';
import { corpus, repoRoot } from './helpers/cli.js';

describe('ONNX conformance corpus', () => {
  it('meets the pass and acceptance rates', () => {
    const dirs = ['onnx-node', 'onnx-pytorch-converted', 'onnx-pytorch-operator', 'onnx-simple'].map((d) =>
      join(corpus, d),
    );
    const s = runConformance(dirs);
    mkdirSync(join(repoRoot, 'test-output'), { recursive: true });
    writeFileSync(join(repoRoot, 'test-output/conformance.json'), JSON.stringify(s, null, 2));
    const accepted = s.passed + s.failed;
    const failed = s.tests.filter((t) => t.status === 'failed').map((t) => `${t.name}: ${t.reason}`);
    console.log(
      `conformance: ${s.total} tests, ${s.passed} passed, ${s.failed} failed, ${s.unsupported} unsupported; ` +
        `eligible ${s.eligible}, accepted ${s.eligibleAccepted}`,
    );
    expect(s.total).toBeGreaterThan(1000);
    expect(s.passed / accepted, `failed:\n${failed.join('\n')}`).toBeGreaterThanOrEqual(0.98);
    expect(s.eligibleAccepted / s.eligible).toBeGreaterThanOrEqual(0.9);
  }, 1_800_000);
});
