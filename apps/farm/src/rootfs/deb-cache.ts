// The downloaded .debs, kept by package and version so a later assembly needs no network.
// A cached file is trusted only while its SHA-256 matches the signed index.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ARCHITECTURE, type IndexedPackage, type PrivateApt } from './apt.js';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** apt-get download's own file name: the epoch colon is escaped as %3a. */
export function debFileName(pkg: { name: string; version: string }): string {
  return `${pkg.name}_${pkg.version.replace(/:/g, '%3a')}_${ARCHITECTURE}.deb`;
}

export class DebCache {
  constructor(readonly dir: string) {}

  pathOf(pkg: { name: string; version: string }): string {
    return path.join(this.dir, debFileName(pkg));
  }

  private async isValid(pkg: IndexedPackage): Promise<boolean> {
    return sha256File(this.pathOf(pkg)).then(
      (sum) => sum === pkg.sha256,
      () => false,
    );
  }

  /** Downloads the packages not cached yet; returns the names it downloaded. */
  async fill(apt: PrivateApt, packages: readonly IndexedPackage[]): Promise<string[]> {
    await mkdir(this.dir, { recursive: true });
    const missing: IndexedPackage[] = [];
    for (const pkg of packages) if (!(await this.isValid(pkg))) missing.push(pkg);
    if (missing.length === 0) return [];

    // Download beside the cache, then move verified files in: a cached name is always complete.
    const staging = path.join(this.dir, `.download-${randomBytes(4).toString('hex')}`);
    await mkdir(staging);
    try {
      await apt.download(missing, staging);
      const fetched = new Set(await readdir(staging));
      for (const pkg of missing) {
        const name = debFileName(pkg);
        if (!fetched.has(name)) throw new Error(`apt-get download did not produce ${name}`);
        const sum = await sha256File(path.join(staging, name));
        if (sum !== pkg.sha256) throw new Error(`${name}: SHA-256 ${sum} does not match the index (${pkg.sha256})`);
        await rename(path.join(staging, name), this.pathOf(pkg));
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return missing.map((p) => p.name);
  }
}
