// Where the worker finds the repository's native sources and keeps its build cache.
//   MACE_NATIVE_DIR        the native/ source tree (default: <repository>/native)
//   MACE_BUILD_CACHE_DIR   build folders keyed by the native source hash (default: native/build/pipeline)
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file lives in apps/worker/{src,dist}/. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function nativeDir(): string {
  return path.resolve(process.env.MACE_NATIVE_DIR ?? path.join(repoRoot, 'native'));
}

export function buildCacheDir(): string {
  return path.resolve(process.env.MACE_BUILD_CACHE_DIR ?? path.join(nativeDir(), 'build', 'pipeline'));
}

/** The folder `npm run setup` builds the host runtime in (reused when it is up to date). */
export function setupHostBuildDir(): string {
  return path.join(nativeDir(), 'build', 'host');
}

export const nativeBuildScript = (): string => path.join(repoRoot, 'scripts', 'native-build.sh');
