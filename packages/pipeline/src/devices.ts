// Which devices a run's device jobs go to: the device selector, filtered to devices that are
// online and can run one of the deployment's target ABIs.
import type { Db, Device } from '@mace/db';
import type { DeviceSelector } from '@mace/protocol';
import { RunInputError } from './errors.js';

const ONLINE_STATES = ['available', 'busy'] as const;

/** The target ABI a device runs (its first ABI that the deployment targets), or null. */
export function deviceAbi(device: Pick<Device, 'abis'>, targetAbis: string[]): string | null {
  return device.abis.find((a) => targetAbis.includes(a)) ?? null;
}

function describeSelector(selector: DeviceSelector): string {
  const parts = Object.entries(selector)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  return parts.length ? parts.join(' ') : '(any device)';
}

export function checkSelector(selector: unknown): DeviceSelector {
  if (selector === undefined || selector === null) return {};
  if (typeof selector !== 'object' || Array.isArray(selector))
    throw new RunInputError(
      'deviceSelector must be an object such as { "ids": [...] } or { "abi": "arm64-v8a" }',
      'deviceSelector',
    );
  const s = selector as Record<string, unknown>;
  const known = ['ids', 'serials', 'kind', 'abi', 'soc', 'model'];
  for (const key of Object.keys(s))
    if (!known.includes(key))
      throw new RunInputError(
        `deviceSelector.${key} is not a selector field; use ${known.join(', ')}`,
        `deviceSelector.${key}`,
      );
  for (const key of ['ids', 'serials'])
    if (
      s[key] !== undefined &&
      (!Array.isArray(s[key]) || !(s[key] as unknown[]).every((x) => typeof x === 'string' && x))
    )
      throw new RunInputError(`deviceSelector.${key} must be a list of strings`, `deviceSelector.${key}`);
  for (const key of ['kind', 'abi', 'soc', 'model'])
    if (s[key] !== undefined && (typeof s[key] !== 'string' || !s[key]))
      throw new RunInputError(`deviceSelector.${key} must be a non-empty string`, `deviceSelector.${key}`);
  if (s.kind !== undefined && !['host', 'android', 'linux'].includes(s.kind as string))
    throw new RunInputError(
      `deviceSelector.kind must be host, android or linux, got "${String(s.kind)}"`,
      'deviceSelector.kind',
    );
  return s as DeviceSelector;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The online devices matching `selector` that can run one of `targetAbis`, with that ABI. */
export async function matchDevices(
  db: Db,
  selector: DeviceSelector,
  targetAbis: string[],
): Promise<{ device: Device; abi: string }[]> {
  for (const id of selector.ids ?? [])
    if (!UUID_RE.test(id))
      throw new RunInputError(`deviceSelector.ids: "${id}" is not a device id (a UUID)`, 'deviceSelector.ids');
  const candidates = await db.device.findMany({
    where: {
      ...(selector.ids ? { id: { in: selector.ids } } : {}),
      ...(selector.serials ? { serial: { in: selector.serials } } : {}),
      ...(selector.kind ? { kind: selector.kind } : {}),
      ...(selector.abi ? { abis: { has: selector.abi } } : {}),
      ...(selector.soc ? { soc: selector.soc } : {}),
      ...(selector.model ? { model: selector.model } : {}),
    },
    orderBy: { createdAt: 'asc' },
  });
  const problems: string[] = [];
  const named = [...(selector.ids ?? []), ...(selector.serials ?? [])];
  for (const name of named)
    if (!candidates.some((d) => d.id === name || d.serial === name))
      problems.push(`device ${name} is unknown or does not match the other selector fields`);
  const matched: { device: Device; abi: string }[] = [];
  for (const device of candidates) {
    const abi = deviceAbi(device, targetAbis);
    const online = (ONLINE_STATES as readonly string[]).includes(device.state);
    if (named.length && !online) problems.push(`device ${device.serial} is ${device.state}`);
    else if (named.length && !abi)
      problems.push(
        `device ${device.serial} runs ${device.abis.join(', ')}, none of the deployment's target_abis (${targetAbis.join(', ')})`,
      );
    if (online && abi) matched.push({ device, abi });
  }
  if (problems.length) throw new RunInputError(problems.join('; '), 'deviceSelector');
  if (!matched.length)
    throw new RunInputError(
      `no online device matches ${describeSelector(selector)} with one of target_abis ${targetAbis.join(', ')}; ` +
        'list devices with GET /v1/devices, or start an agent (npm start runs one for this host)',
      'deviceSelector',
    );
  return matched;
}
