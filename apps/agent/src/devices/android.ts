// What an Android phone is, read over adb: ABIs (ro.product.cpu.abilist, else ro.product.cpu.abi),
// SoC (ro.board.platform, else ro.hardware), model, Android version, whether an OpenCL driver is
// installed, and battery level and temperature (`dumpsys battery`).
import type { DeviceDescription } from './registry.js';
import type { DeviceTransport } from './transport.js';

/** Where Android vendors put their OpenCL drivers (MACE's list). */
const OPENCL_PATHS = [
  '/system/vendor/lib64/libOpenCL.so',
  '/system/lib64/libOpenCL.so',
  '/vendor/lib64/libOpenCL.so',
  '/system/vendor/lib/libOpenCL.so',
  '/system/lib/libOpenCL.so',
  '/vendor/lib/libOpenCL.so',
  '/system/vendor/lib64/egl/libGLES_mali.so',
  '/vendor/lib64/egl/libGLES_mali.so',
];

/** `[name]: [value]` lines of `getprop`. */
export function parseGetprop(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const m of text.matchAll(/^\[([^\]]+)\]: \[([^\]]*)\]\s*$/gm)) props[m[1]] = m[2];
  return props;
}

export interface BatteryState {
  level: number | null;
  temperatureC: number | null;
}

export function parseBattery(text: string): BatteryState {
  const num = (key: string): number | null => {
    const m = new RegExp(`^\\s*${key}:\\s*(-?\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  const t = num('temperature');
  return { level: num('level'), temperatureC: t === null ? null : t / 10 };
}

const SHORT = { timeoutS: 30 };

export async function readBattery(transport: DeviceTransport, signal: AbortSignal): Promise<BatteryState> {
  const r = await transport.exec('dumpsys battery', { ...SHORT, signal });
  return r.code === 0 ? parseBattery(r.stdout) : { level: null, temperatureC: null };
}

export async function describeAndroid(
  serial: string,
  transport: DeviceTransport,
  signal: AbortSignal,
): Promise<DeviceDescription> {
  const props = parseGetprop((await transport.exec('getprop', { ...SHORT, signal })).stdout);
  const list = (props['ro.product.cpu.abilist'] ?? props['ro.product.cpu.abi'] ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const ls = await transport.exec(`ls ${OPENCL_PATHS.join(' ')} 2>/dev/null`, { ...SHORT, signal });
  const opencl = ls.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => OPENCL_PATHS.includes(l));
  const battery = await readBattery(transport, signal);
  return {
    serial,
    kind: 'android',
    abis: list,
    soc: (props['ro.board.platform'] || props['ro.hardware'] || null)?.toLowerCase() ?? null,
    model: props['ro.product.model'] ?? null,
    properties: {
      manufacturer: props['ro.product.manufacturer'] ?? null,
      androidVersion: props['ro.build.version.release'] ?? null,
      sdk: props['ro.build.version.sdk'] ? Number(props['ro.build.version.sdk']) : null,
      openclLibraries: opencl,
      batteryLevel: battery.level,
      temperatureC: battery.temperatureC,
    },
  };
}
