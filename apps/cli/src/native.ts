// Locates the native tools (mace_run, benchmark_model): the host's, building native/ on first
// use, or a target ABI's from the builder's cache (run through qemu-user when needed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildError, builderPaths, emulatorFor, ensureRuntime, type BuildLog, type Runtimes } from '@mace/builder';
import { UserError, type OptionSpec } from './command.js';

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

/** A build log on stderr: the builder's own lines always, compiler output only when asked. */
export function stderrBuildLog(verbose: boolean): BuildLog {
  return {
    system: (text) => process.stderr.write(`${text}\n`),
    write: (_stream, chunk) => {
      if (verbose) process.stderr.write(chunk);
    },
  };
}

export const TARGET_ABI_OPTION: OptionSpec = {
  type: 'string',
  value: 'ABI',
  description: 'host, arm64-v8a, aarch64, armeabi-v7a or armhf (ARM ABIs run under qemu-user on other CPUs)',
  default: 'host',
};

/** mace_run's --device for a model's runtime: GPU (unsupported ops fall back to the CPU) or CPU. */
export function deviceFor(model: { runtime: string }): 'GPU' | 'CPU' {
  return model.runtime === 'gpu' || model.runtime === 'cpu+gpu' ? 'GPU' : 'CPU';
}

/**
 * mace_run and benchmark_model for a target ABI and runtimes, as a command prefix: the host's own
 * build for a CPU-only host run, else the builder's cached build (with OpenCL for cpu+gpu), run
 * through qemu-user when this CPU cannot run it.
 */
export async function ensureAbiTools(
  abi: string,
  runtimes: Runtimes = 'cpu',
): Promise<{ maceRun: string[]; benchmarkModel: string[] }> {
  if (abi === 'host' && runtimes === 'cpu') {
    const t = ensureNativeTools();
    return { maceRun: [t.maceRun], benchmarkModel: [t.benchmarkModel] };
  }
  try {
    const runtime = await ensureRuntime({
      abi,
      runtimes,
      paths: builderPaths(repoRoot),
      log: stderrBuildLog(true),
      signal: new AbortController().signal,
    });
    const prefix = emulatorFor(abi);
    return {
      maceRun: [...prefix, join(runtime.dir, 'mace_run')],
      benchmarkModel: [...prefix, join(runtime.dir, 'benchmark_model')],
    };
  } catch (err) {
    if (err instanceof BuildError) throw new UserError(err.message);
    throw err;
  }
}
