// The phone's system properties: what `getprop` prints and what the CNXN banner tells
// the adb server (product, model, device and the protocol features we implement).

export type DeviceProperties = Readonly<Record<string, string>>;

/** A mid-range arm64 phone on Android 10 (API 29), the level adb 29 was built for. */
export const DEFAULT_PROPERTIES: DeviceProperties = {
  'ro.product.cpu.abi': 'arm64-v8a',
  'ro.product.cpu.abilist': 'arm64-v8a,armeabi-v7a,armeabi',
  'ro.product.cpu.abilist32': 'armeabi-v7a,armeabi',
  'ro.product.cpu.abilist64': 'arm64-v8a',
  'ro.board.platform': 'sdm845',
  'ro.hardware': 'qcom',
  'ro.product.brand': 'mace',
  'ro.product.manufacturer': 'MACE Farm',
  'ro.product.model': 'Virtual Phone',
  'ro.product.name': 'virtual_phone',
  'ro.product.device': 'virtual_phone',
  'ro.build.version.release': '10',
  'ro.build.version.sdk': '29',
  'ro.build.type': 'userdebug',
  'ro.debuggable': '1',
  'ro.secure': '1',
  'persist.sys.timezone': 'UTC',
};

/**
 * Protocol features this daemon implements, advertised in the banner. The host adapts to
 * them: with shell_v2 `adb shell` gets exit codes, with stat_v2 it sends STA2/LST2, with
 * fixed_push_mkdir it lets SEND create missing parent directories.
 */
export const DEVICE_FEATURES = ['shell_v2', 'stat_v2', 'fixed_push_mkdir'] as const;

export function buildProperties(serialNumber: string, overrides: Record<string, string> = {}): DeviceProperties {
  return { ...DEFAULT_PROPERTIES, 'ro.serialno': serialNumber, ...overrides };
}

/** The CNXN payload: `device::key=value;...;features=a,b`. */
export function connectionBanner(properties: DeviceProperties): string {
  const identity = ['ro.product.name', 'ro.product.model', 'ro.product.device']
    .map((name) => `${name}=${properties[name] ?? ''}`)
    .join(';');
  return `device::${identity};features=${DEVICE_FEATURES.join(',')}`;
}

/** Bare `getprop`: every property as `[name]: [value]`, sorted like Android's. */
export function formatAllProperties(properties: DeviceProperties): string {
  return Object.keys(properties)
    .sort()
    .map((name) => `[${name}]: [${properties[name]}]\n`)
    .join('');
}
