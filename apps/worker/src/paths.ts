// Where the worker finds the repository (native sources, build script) and its build cache.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builderPaths as pathsOf, type BuilderPaths } from '@mace/builder';

/** The repository root: this file lives in apps/worker/{src,dist}/. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const builderPaths = (): BuilderPaths => pathsOf(repoRoot);
