// `mace build` as a user runs it: the deployment's models converted and the library package
// written in MACE's layout under <out>/<library_name>/, with one tar.gz per ABI whose manifest
// matches the files beside it; bad input gets a clear error.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mace, repoRoot } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'mace-cli-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const config = join(repoRoot, 'test/fixtures/deploy/squeezenet1_1.yml');

describe('mace build', () => {
  it('writes builds/<library_name>/ with headers, libraries, tools, models and a package', { timeout: 900_000 }, () => {
    const r = mace(['build', '--config', config, '--abi', 'host', '--out', work]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/host\s+(cache|imported|compiled)\s+\d+ KB/);
    const root = join(work, 'squeezenet1_1');
    const manifest = JSON.parse(readFileSync(join(root, 'manifest-host.json'), 'utf8')) as {
      files: { path: string; sha256: string }[];
    };
    expect(manifest.files.map((f) => f.path)).toEqual([
      'bin/host/benchmark_model',
      'bin/host/mace_run',
      'include/mace/public/mace.h',
      'lib/host/libmace.a',
      'lib/host/libmace.so',
      'model/squeezenet1_1.data',
      'model/squeezenet1_1.mace',
    ]);
    for (const f of manifest.files)
      expect(
        createHash('sha256')
          .update(readFileSync(join(root, f.path)))
          .digest('hex'),
        f.path,
      ).toBe(f.sha256);
    expect(existsSync(join(root, 'packages/squeezenet1_1-host.tar.gz'))).toBe(true);
  });

  it('refuses an unknown ABI and a missing --config, saying what to do', () => {
    const abi = mace(['build', '--config', config, '--abi', 'mips', '--out', work]);
    expect(abi.status).toBe(1);
    expect(abi.stderr).toMatch(
      /mips: unknown ABI "mips"; use one of host, x86_64, arm64-v8a, aarch64, armeabi-v7a, armhf/,
    );
    const none = mace(['build']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/--config is required/);
    const help = mace(['build', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: mace build --config FILE.yml \[--abi ABI\]/);
  });
});

describe('mace benchmark --target_abi', () => {
  it('benchmarks an ARM build under qemu-user and writes the per-op report', { timeout: 900_000 }, () => {
    const json = join(work, 'bench-arm64.json');
    const r = mace([
      'benchmark',
      '--config',
      config,
      '--target_abi',
      'arm64-v8a',
      '--round',
      '2',
      '--max_time',
      '300',
      '--json',
      json,
      '--out',
      join(work, 'bench'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { model: string; runs: { count: number }; ops: unknown[] };
    expect(report.model).toBe('squeezenet1_1');
    expect(report.runs.count).toBe(2);
    expect(report.ops.length).toBeGreaterThan(10);
  });
});
