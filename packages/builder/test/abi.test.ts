// ABI table and toolchain lookup: unknown ABIs and missing compilers fail with what to do.
import { describe, expect, it } from 'vitest';
import { abiTarget, BuildError, emulatorFor, hostArch, toolchainFor } from '../src/index.js';

describe('ABIs', () => {
  it('maps Android and board ABIs to the Debian cross compilers and qemu cores', () => {
    expect(abiTarget('arm64-v8a')).toMatchObject({ arch: 'aarch64', android: true, gnuTriple: 'aarch64-linux-gnu' });
    expect(abiTarget('aarch64')).toMatchObject({ arch: 'aarch64', android: false, gnuTriple: 'aarch64-linux-gnu' });
    expect(abiTarget('armeabi-v7a')).toMatchObject({ arch: 'arm', android: true, gnuTriple: 'arm-linux-gnueabihf' });
    expect(abiTarget('armhf')).toMatchObject({ arch: 'arm', android: false, gnuTriple: 'arm-linux-gnueabihf' });
    expect(abiTarget('host').gnuTriple).toBeNull();
  });

  it('refuses an unknown ABI with the list of known ones', () => {
    expect(() => abiTarget('mips')).toThrow(BuildError);
    expect(() => abiTarget('mips')).toThrow(/unknown ABI "mips"; use one of host, x86_64, arm64-v8a/);
  });

  it('runs foreign ABIs under qemu-user with a reference core, and the own ABI directly', () => {
    expect(emulatorFor('host')).toEqual([]);
    if (hostArch() === 'x86_64') {
      expect(emulatorFor('arm64-v8a')).toEqual(['qemu-aarch64-static', '-cpu', 'cortex-a53']);
      expect(emulatorFor('armhf')).toEqual(['qemu-arm-static', '-cpu', 'cortex-a15']);
    }
    const saved = process.env.QEMU_CPU;
    process.env.QEMU_CPU = 'cortex-a76';
    try {
      if (hostArch() === 'x86_64')
        expect(emulatorFor('aarch64')).toEqual(['qemu-aarch64-static', '-cpu', 'cortex-a76']);
    } finally {
      if (saved === undefined) delete process.env.QEMU_CPU;
      else process.env.QEMU_CPU = saved;
    }
  });

  it('reports the compiler version of each toolchain, and a missing NDK clang as a user error', () => {
    expect(toolchainFor('armeabi-v7a')).toMatchObject({ kind: 'gcc', compiler: 'arm-linux-gnueabihf-g++' });
    expect(toolchainFor('armeabi-v7a').version).toMatch(/arm-linux-gnueabihf-g\+\+ .* \d+\.\d+/);
    const saved = process.env.ANDROID_NDK_HOME;
    process.env.ANDROID_NDK_HOME = '/nonexistent-ndk';
    try {
      // arm64-v8a is not cached yet in this process: the NDK path is taken and found wanting.
      expect(() => toolchainFor('arm64-v8a')).toThrow(/ANDROID_NDK_HOME=\/nonexistent-ndk holds no NDK clang/);
      // board ABIs never use the NDK
      expect(toolchainFor('aarch64').kind).toBe('gcc');
    } finally {
      if (saved === undefined) delete process.env.ANDROID_NDK_HOME;
      else process.env.ANDROID_NDK_HOME = saved;
    }
  });
});
