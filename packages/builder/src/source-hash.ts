// The native source hash: sha256 over every file of native/ that goes into the host package
// (paths and contents, sorted), plus the build script. Build folders and test sources are left
// out: they do not change the package. Also reports the newest source modification time, which
// tells whether an existing build folder is older than the sources.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Top-level entries of native/ that do not affect the package. */
const EXCLUDED = new Set(['build', 'test']);

export interface SourceSnapshot {
  hash: string;
  files: number;
  /** Newest mtime (ms) among the source files and their folders (a deleted file changes its folder's). */
  newestMtimeMs: number;
}

async function walk(dir: string, rel: string, out: string[], dirs: string[]): Promise<void> {
  dirs.push(dir);
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (!rel && EXCLUDED.has(e.name)) continue;
    const relPath = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) await walk(path.join(dir, e.name), relPath, out, dirs);
    else if (e.isFile()) out.push(relPath);
  }
}

export async function nativeSourceSnapshot(nativeDir: string, buildScript: string): Promise<SourceSnapshot> {
  const files: string[] = [];
  const dirs: string[] = [];
  await walk(nativeDir, '', files, dirs);
  files.sort();
  const h = createHash('sha256');
  let newest = 0;
  for (const rel of files) {
    const full = path.join(nativeDir, rel);
    const [bytes, st] = await Promise.all([readFile(full), stat(full)]);
    h.update(rel).update('\0').update(bytes).update('\0');
    newest = Math.max(newest, st.mtimeMs);
  }
  for (const d of dirs) newest = Math.max(newest, (await stat(d)).mtimeMs);
  const script = await readFile(buildScript);
  h.update('scripts/native-build.sh\0').update(script);
  newest = Math.max(newest, (await stat(buildScript)).mtimeMs);
  return { hash: h.digest('hex'), files: files.length, newestMtimeMs: newest };
}
