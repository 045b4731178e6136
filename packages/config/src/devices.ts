// The agent's devices file: MACE's devices.yml (`devices.<name>.{target_abis, target_socs,
// models, address, username}`) plus what a safe SSH connection needs: `port` (default 22),
// `private_key` (key file path) and `host_key` (the pinned OpenSSH fingerprint, SHA256:…; a
// board presenting another key is refused). Errors carry line, column and field path.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { toInt, toStr, toStrList, type Field } from './coerce.js';
import { ConfigError, Reporter } from './errors.js';
import { describe, entry, isNull, keyPath, loadYaml } from './tree.js';
import { TARGET_ABIS } from './types.js';

export interface BoardConfig {
  name: string;
  targetAbis: string[];
  targetSocs: string[];
  /** MACE's `models`: the board's model name. */
  model: string | null;
  address: string;
  port: number;
  username: string;
  privateKey: string;
  hostKey: string;
}

const KEYS = ['target_abis', 'target_socs', 'models', 'address', 'port', 'username', 'private_key', 'host_key'];
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function parseDevicesFile(text: string, options: { fileName?: string } = {}): BoardConfig[] {
  const loaded = loadYaml(text);
  if (loaded.errors.length) throw new ConfigError(loaded.errors, { fileName: options.fileName });
  const rep = new Reporter();
  const root = loaded.root;
  const devices = root?.kind === 'map' ? entry(root, 'devices') : undefined;
  if (!root || root.kind !== 'map' || !devices || isNull(devices.value) || devices.value.kind !== 'map') {
    rep.error(
      'devices',
      'expected `devices:` mapping each board name to its settings',
      root?.pos ?? { line: 1, column: 1 },
    );
    throw new ConfigError(rep.errors, { fileName: options.fileName });
  }
  const boards: BoardConfig[] = [];
  for (const e of devices.value.entries) {
    const at = keyPath('devices', e.key);
    if (e.value.kind !== 'map') {
      rep.error(at, `expected the board's settings as a mapping, got ${describe(e.value)}`, e.value.pos);
      continue;
    }
    const board = e.value;
    for (const k of board.entries)
      if (!KEYS.includes(k.key))
        rep.error(keyPath(at, k.key), `unknown key; expected one of ${KEYS.join(', ')}`, k.keyPos);
    const field = (key: string): Field | undefined => {
      const f = entry(board, key);
      return f && !isNull(f.value) ? { node: f.value, path: keyPath(at, key) } : undefined;
    };
    const required = (key: string): string | undefined => {
      const f = field(key);
      if (!f) {
        rep.error(keyPath(at, key), 'missing required field', board.pos);
        return undefined;
      }
      return toStr(f, rep);
    };
    const abisF = field('target_abis');
    const targetAbis = abisF ? (toStrList(abisF, rep, { split: true }) ?? []).map((a) => a.toLowerCase()) : [];
    if (!abisF) rep.error(keyPath(at, 'target_abis'), 'missing required field', board.pos);
    for (const abi of targetAbis)
      if (!TARGET_ABIS.includes(abi))
        rep.error(
          keyPath(at, 'target_abis'),
          `unknown ABI ${JSON.stringify(abi)}; expected one of ${TARGET_ABIS.join(', ')}`,
          abisF!.node.pos,
        );
    const socsF = field('target_socs');
    const modelF = field('models');
    const portF = field('port');
    const address = required('address');
    const username = required('username');
    const privateKey = required('private_key');
    const hostKey = required('host_key');
    if (hostKey && !FINGERPRINT.test(hostKey))
      rep.error(
        keyPath(at, 'host_key'),
        "expected the host key's SHA256 fingerprint as ssh-keygen -lf prints it (SHA256: and 43 base64 characters)",
        field('host_key')!.node.pos,
      );
    const port = portF ? toInt(portF, rep, { min: 1 }) : 22;
    if (port !== undefined && port > 65535) rep.error(keyPath(at, 'port'), 'must be at most 65535', portF!.node.pos);
    if (address && username && privateKey && hostKey && port !== undefined)
      boards.push({
        name: e.key,
        targetAbis,
        targetSocs: socsF ? (toStrList(socsF, rep, { split: true }) ?? []).map((s) => s.toLowerCase()) : [],
        model: modelF ? (toStr(modelF, rep) ?? null) : null,
        address,
        port,
        username,
        privateKey,
        hostKey,
      });
  }
  if (rep.errors.length) throw new ConfigError(rep.errors, { fileName: options.fileName });
  return boards;
}

/** Reads a devices file; a relative private_key is relative to the file's folder. */
export async function readDevicesFile(file: string): Promise<BoardConfig[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ path: '', message: `cannot read file: ${(e as Error).message}` }], { fileName: file });
  }
  return parseDevicesFile(text, { fileName: file }).map((b) => ({
    ...b,
    privateKey: path.resolve(path.dirname(file), b.privateKey),
  }));
}
