// A private apt state for Debian bookworm arm64: its own sources list, package lists, cache
// and (empty) dpkg status under one directory. Nothing of the machine's own apt or dpkg
// configuration changes; the machine's archive keyring verifies the downloads.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand, withHint } from './run-command.js';

export const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
export const ARCHITECTURE = 'arm64';

const MIRROR = 'http://deb.debian.org';
const SOURCES = [
  `${MIRROR}/debian bookworm main`,
  `${MIRROR}/debian bookworm-updates main`,
  `${MIRROR}/debian-security bookworm-security main`,
];

/** One package as the index describes its candidate version. */
export interface IndexedPackage {
  name: string;
  version: string;
  sha256: string;
  /** Each inner list is one dependency's alternatives (Depends and Pre-Depends together). */
  depends: string[][];
}

export class PrivateApt {
  constructor(readonly root: string) {}

  private get options(): string[] {
    const r = this.root;
    const set = (key: string, value: string): string[] => ['-o', `${key}=${value}`];
    return [
      ...set('Dir::State', `${r}/state`),
      ...set('Dir::State::status', `${r}/state/status`),
      ...set('Dir::Cache', `${r}/cache`),
      ...set('Dir::Etc::SourceList', `${r}/etc/sources.list`),
      ...set('Dir::Etc::SourceParts', `${r}/etc/sources.list.d`),
      ...set('Dir::Etc::Preferences', `${r}/etc/preferences`),
      ...set('Dir::Etc::PreferencesParts', `${r}/etc/preferences.d`),
      ...set('Dir::Etc::Trusted', DEBIAN_KEYRING),
      ...set('Dir::Etc::TrustedParts', `${r}/etc/trusted.gpg.d`),
      ...set('APT::Architecture', ARCHITECTURE),
      ...set('APT::Architectures', ARCHITECTURE),
      // The cache belongs to root; apt's _apt sandbox user could not write into it.
      ...set('APT::Sandbox::User', 'root'),
    ];
  }

  /** Writes the sources list and the empty directories apt expects; cheap and idempotent. */
  async prepare(): Promise<void> {
    const r = this.root;
    const dirs = ['state/lists/partial', 'cache/archives/partial', 'etc/sources.list.d', 'etc/preferences.d'];
    for (const dir of [...dirs, 'etc/trusted.gpg.d']) await mkdir(path.join(r, dir), { recursive: true });
    const list = SOURCES.map((s) => `deb [arch=${ARCHITECTURE} signed-by=${DEBIAN_KEYRING}] ${s}`).join('\n');
    await writeFile(path.join(r, 'etc/sources.list'), `${list}\n`);
    await writeFile(path.join(r, 'state/status'), '', { flag: 'a' });
  }

  async hasIndex(): Promise<boolean> {
    const lists = await readdir(path.join(this.root, 'state/lists')).catch(() => []);
    return lists.some((f) => f.includes('_binary-arm64_Packages'));
  }

  async update(): Promise<void> {
    await withHint(
      `could not download the Debian ${ARCHITECTURE} package index from ${MIRROR} (is the mirror reachable? is debian-archive-keyring installed?)`,
      runCommand('apt-get', [...this.options, '-q', 'update'], { timeoutMs: 10 * 60_000 }),
    );
  }

  /** The candidate version of each named package, from the downloaded index (offline). */
  async show(names: readonly string[]): Promise<IndexedPackage[]> {
    const { stdout } = await withHint(
      `a package of the root filesystem is missing from the Debian ${ARCHITECTURE} index`,
      runCommand('apt-cache', [...this.options, 'show', '--no-all-versions', ...names]),
    );
    return parseStanzas(stdout).map((fields) => ({
      name: required(fields, 'Package'),
      version: required(fields, 'Version'),
      sha256: required(fields, 'SHA256'),
      depends: parseDepends([fields.get('Pre-Depends'), fields.get('Depends')].filter(Boolean).join(', ')),
    }));
  }

  /** Downloads exact versions into `destDir`, named as apt names them. */
  async download(packages: readonly { name: string; version: string }[], destDir: string): Promise<void> {
    const specs = packages.map((p) => `${p.name}=${p.version}`);
    await withHint(
      `could not download ${specs.join(' ')} from ${MIRROR}`,
      runCommand('apt-get', [...this.options, '-q', 'download', ...specs], { cwd: destDir, timeoutMs: 10 * 60_000 }),
    );
  }
}

function required(fields: Map<string, string>, key: string): string {
  const value = fields.get(key);
  if (!value) throw new Error(`apt-cache show printed a package without ${key}`);
  return value;
}

/** Splits deb822 paragraphs into field maps (continuation lines are appended). */
export function parseStanzas(text: string): Map<string, string>[] {
  const stanzas: Map<string, string>[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const line of block.split('\n')) {
      if (/^\s/.test(line) && last) fields.set(last, `${fields.get(last)}\n${line.trim()}`);
      else {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        last = line.slice(0, colon);
        fields.set(last, line.slice(colon + 1).trim());
      }
    }
    if (fields.size) stanzas.push(fields);
  }
  return stanzas;
}

/** "libc6 (>= 2.34), libfoo:any | libbar" → [["libc6"], ["libfoo", "libbar"]]. */
export function parseDepends(field: string): string[][] {
  return field
    .split(',')
    .map((dep) =>
      dep
        .split('|')
        .map((alt) =>
          alt
            .replace(/\(.*?\)|\[.*?\]|<.*?>/g, '')
            .trim()
            .replace(/:\w+$/, ''),
        )
        .filter(Boolean),
    )
    .filter((alts) => alts.length > 0);
}
