// Locates the native host tools (mace_run, benchmark_model), building native/ on first use.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from './command.js';

/** The repository root: this file lives in apps/cli/{src,dist}/. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface NativeTools {
  maceRun: string;
  benchmarkModel: string;
  buildDir: string;
}

/** Builds (incrementally) and returns the host tools. Progress goes to stderr. */
export function ensureNativeTools(): NativeTools {
  const buildDir = process.env.MACE_NATIVE_BUILD_DIR ?? join(repoRoot, 'native/build/host');
  const tools = {
    maceRun: join(buildDir, 'mace_run'),
    benchmarkModel: join(buildDir, 'benchmark_model'),
    buildDir,
  };
  const firstUse = !existsSync(tools.maceRun) || !existsSync(tools.benchmarkModel);
  if (firstUse) process.stderr.write('building the native runtime for this host (first use, a minute or two)…\n');
  const r = spawnSync('bash', [join(repoRoot, 'scripts/native-build.sh'), 'mace_run', 'benchmark_model'], {
    stdio: ['ignore', firstUse ? 'inherit' : 'pipe', 'inherit'],
    env: { ...process.env, MACE_NATIVE_BUILD_DIR: buildDir },
  });
  if (r.status !== 0) {
    throw new UserError(
      'building the native runtime failed (see the compiler output above); run `npm run setup` to install the toolchain',
    );
  }
  return tools;
}
