// --devices SELECTOR and --device_yml FILE → the API's device selector. A selector is
// comma-separated key=value pairs (keys: id, serial, kind, abi, soc, model; id and serial may
// repeat), e.g. `abi=arm64-v8a,soc=sdm845` or `serial=host:ci-1`. MACE's devices.yml names boards:
// each name is the agent's device serial `ssh:<name>`.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { CreateRunRequest } from '@mace/protocol';
import { UsageError } from '../command.js';

type Selector = NonNullable<CreateRunRequest['devices']>;
const KINDS = ['host', 'android', 'linux'] as const;

export function parseDeviceSelector(text: string): Selector {
  const sel: Selector = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? '' : part.slice(0, eq).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!value) throw new UsageError(`--devices: "${part}" is not key=value (keys: id, serial, kind, abi, soc, model)`);
    switch (key) {
      case 'id':
        (sel.ids ??= []).push(value);
        break;
      case 'serial':
        (sel.serials ??= []).push(value);
        break;
      case 'kind':
        if (!(KINDS as readonly string[]).includes(value))
          throw new UsageError(`--devices: kind must be one of ${KINDS.join(', ')}, got "${value}"`);
        sel.kind = value as Selector['kind'];
        break;
      case 'abi':
      case 'soc':
      case 'model':
        sel[key] = value;
        break;
      default:
        throw new UsageError(`--devices: unknown key "${key}" (keys: id, serial, kind, abi, soc, model)`);
    }
  }
  return sel;
}

/** The boards of a MACE devices.yml as serials (`ssh:<name>`, what the agent registers them as). */
export function serialsOfDeviceYml(file: string): string[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--device_yml ${file}: ${(err as Error).message}`);
  }
  const devices = (doc as { devices?: unknown } | null)?.devices;
  if (!devices || typeof devices !== 'object' || Object.keys(devices).length === 0)
    throw new UsageError(`--device_yml ${file}: expected a "devices:" map with at least one device`);
  return Object.keys(devices).map((name) => `ssh:${name}`);
}
