// What an ARM Linux board is, read over SSH: its machine (`uname -m`, checked against the ABIs
// devices.yml gives it), CPU cores, OpenCL drivers, and the folder our files go to ($HOME/mace_run).
import type { DeviceDescription } from './registry.js';
import type { DeviceTransport } from './transport.js';

/** ABIs a machine (uname -m) can run. */
const RUNS: Record<string, string[]> = {
  aarch64: ['arm64-v8a', 'aarch64', 'armeabi-v7a', 'armhf'],
  armv8l: ['armeabi-v7a', 'armhf'],
  armv7l: ['armeabi-v7a', 'armhf'],
  x86_64: ['x86_64', 'host'],
};

export async function describeBoard(
  base: DeviceDescription,
  transport: DeviceTransport,
  signal: AbortSignal,
): Promise<DeviceDescription> {
  const r = await transport.exec(
    'uname -m; echo "$HOME"; nproc 2>/dev/null || echo 0; ls /usr/lib/*/libOpenCL.so* /usr/lib/libOpenCL.so* 2>/dev/null; true',
    { timeoutS: 30, signal },
  );
  const [machine = '', home = '', cores = '', ...opencl] = r.stdout.split('\n').map((l) => l.trim());
  if (r.code !== 0 || !machine || !home.startsWith('/'))
    throw new Error(`could not read the board's machine and home folder (exit ${r.code}): ${r.stderr.trim()}`);
  const runnable = RUNS[machine] ?? [];
  const wrong = base.abis.filter((a) => !runnable.includes(a));
  if (wrong.length)
    throw new Error(`devices.yml gives ${base.serial} target_abis ${wrong.join(', ')}, but the board is ${machine}`);
  return {
    ...base,
    properties: {
      ...base.properties,
      machine,
      cpuCores: Number(cores) || null,
      openclLibraries: opencl.filter(Boolean),
      workRoot: `${home.replace(/\/$/, '')}/mace_run`,
    },
  };
}
