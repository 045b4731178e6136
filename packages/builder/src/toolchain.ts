// The compiler that builds an ABI and its version, recorded in every package manifest and part
// of the build key (a compiler upgrade rebuilds). Android ABIs use the NDK's clang when
// ANDROID_NDK_HOME is set; everything else uses Debian's g++ and cross g++ packages.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { abiTarget } from './abi.js';
import { BuildError } from './errors.js';

export interface Toolchain {
  /** `gcc` (Debian g++ / cross g++) or `ndk`. */
  kind: 'gcc' | 'ndk';
  compiler: string;
  /** The binutils strip for this ABI (shared library and executables are shipped stripped). */
  strip: string;
  /** The compiler's first `--version` line. */
  version: string;
  cmake: string;
  /** The NDK's Pkg.Revision, when kind is ndk. */
  ndk: string | null;
}

const cache = new Map<string, Toolchain>();

function firstLine(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0]
      .trim();
  } catch {
    return null;
  }
}

function ndkRevision(ndk: string): string | null {
  try {
    return /Pkg\.Revision\s*=\s*(\S+)/.exec(readFileSync(path.join(ndk, 'source.properties'), 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** The toolchain for `abi`, or a user error saying which package to install. */
export function toolchainFor(abi: string): Toolchain {
  const hit = cache.get(abi);
  if (hit) return hit;
  const target = abiTarget(abi);
  const cmake = firstLine('cmake', ['--version']);
  if (!cmake)
    throw new BuildError('cmake is not installed; run `npm run setup` (or apt-get install cmake ninja-build)', 'user');
  const ndk = process.env.ANDROID_NDK_HOME;
  let tc: Toolchain;
  if (target.android && ndk) {
    const clang = path.join(ndk, 'toolchains/llvm/prebuilt/linux-x86_64/bin/clang++');
    const version = existsSync(clang) ? firstLine(clang, ['--version']) : null;
    if (!version)
      throw new BuildError(
        `ANDROID_NDK_HOME=${ndk} holds no NDK clang (${clang}); point it at an NDK r21 or newer`,
        'user',
      );
    tc = {
      kind: 'ndk',
      compiler: 'clang++ (NDK)',
      strip: path.join(path.dirname(clang), 'llvm-strip'),
      version,
      cmake,
      ndk: ndkRevision(ndk),
    };
  } else {
    const compiler = target.gnuTriple ? `${target.gnuTriple}-g++` : 'g++';
    const version = firstLine(compiler, ['--version']);
    if (!version) {
      const pkg = target.gnuTriple ? `g++-${target.gnuTriple}` : 'g++';
      throw new BuildError(
        `no compiler for ABI ${abi}: ${compiler} is not installed; run \`npm run setup\` or apt-get install ${pkg}`,
        'user',
      );
    }
    tc = {
      kind: 'gcc',
      compiler,
      strip: target.gnuTriple ? `${target.gnuTriple}-strip` : 'strip',
      version,
      cmake,
      ndk: null,
    };
  }
  cache.set(abi, tc);
  return tc;
}
