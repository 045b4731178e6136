// Target ABIs: what each is, how its binaries run on this machine (natively or under qemu-user),
// and which compiler builds it (native/cmake/toolchains/abi.cmake holds the same mapping for CMake).
import { BuildError } from './errors.js';

export type Arch = 'x86_64' | 'aarch64' | 'arm';

export interface AbiTarget {
  abi: string;
  arch: Arch;
  /** Android ABIs get the NDK toolchain when ANDROID_NDK_HOME is set. */
  android: boolean;
  /** Debian cross compiler prefix; null for the build machine's own compiler. */
  gnuTriple: string | null;
  /** qemu-user binary and the core it emulates, so instructions a real core lacks trap. */
  qemu: { binary: string; cpu: string };
}

const TARGETS: Record<string, Omit<AbiTarget, 'abi'>> = {
  host: { arch: 'x86_64', android: false, gnuTriple: null, qemu: { binary: 'qemu-x86_64-static', cpu: 'max' } },
  x86_64: { arch: 'x86_64', android: false, gnuTriple: null, qemu: { binary: 'qemu-x86_64-static', cpu: 'max' } },
  'arm64-v8a': {
    arch: 'aarch64',
    android: true,
    gnuTriple: 'aarch64-linux-gnu',
    qemu: { binary: 'qemu-aarch64-static', cpu: 'cortex-a53' },
  },
  aarch64: {
    arch: 'aarch64',
    android: false,
    gnuTriple: 'aarch64-linux-gnu',
    qemu: { binary: 'qemu-aarch64-static', cpu: 'cortex-a53' },
  },
  'armeabi-v7a': {
    arch: 'arm',
    android: true,
    gnuTriple: 'arm-linux-gnueabihf',
    qemu: { binary: 'qemu-arm-static', cpu: 'cortex-a15' },
  },
  armhf: {
    arch: 'arm',
    android: false,
    gnuTriple: 'arm-linux-gnueabihf',
    qemu: { binary: 'qemu-arm-static', cpu: 'cortex-a15' },
  },
};

export const BUILD_ABIS = Object.keys(TARGETS);

export function hostArch(): Arch | null {
  return process.arch === 'x64'
    ? 'x86_64'
    : process.arch === 'arm64'
      ? 'aarch64'
      : process.arch === 'arm'
        ? 'arm'
        : null;
}

export function abiTarget(abi: string): AbiTarget {
  const t = TARGETS[abi];
  if (!t) throw new BuildError(`unknown ABI ${JSON.stringify(abi)}; use one of ${BUILD_ABIS.join(', ')}`, 'user');
  if (abi === 'host' || abi === 'x86_64') {
    const arch = hostArch();
    if (abi === 'x86_64' && arch !== 'x86_64')
      throw new BuildError('ABI x86_64 is built only on x86_64 machines; build it on one', 'user');
    return { abi, ...t, arch: arch ?? t.arch };
  }
  return { abi, ...t };
}

/**
 * The command prefix that runs this ABI's executables here: [] when the CPU runs them itself,
 * else qemu-user with the ABI's reference core (QEMU_CPU overrides it, as qemu itself allows).
 */
export function emulatorFor(abi: string): string[] {
  const t = abiTarget(abi);
  if (t.arch === hostArch()) return [];
  return [t.qemu.binary, '-cpu', process.env.QEMU_CPU ?? t.qemu.cpu];
}
