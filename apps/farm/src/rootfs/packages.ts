// The Debian bookworm arm64 packages the virtual board's root filesystem is made of, each
// with the reason it is there. Maintainer scripts never run (the packages are only
// unpacked), so the set stays small and the layout step writes what base-files would.
export interface RootfsPackage {
  name: string;
  why: string;
}

export const ROOTFS_PACKAGES: readonly RootfsPackage[] = [
  { name: 'busybox-static', why: '/bin/sh and the long tail of utilities (ps, vi, tar, …) as applet links' },
  { name: 'coreutils', why: 'GNU timeout (exit 124 on expiry; busybox exits 143) and GNU ls/cat/sha256sum semantics' },
  { name: 'bash', why: "sshd runs remote commands through the user's login shell, /bin/bash for root" },
  { name: 'libc6', why: 'the dynamic loader and C library, so dynamically linked arm64 binaries run' },
  { name: 'libstdc++6', why: 'dynamically linked C++ binaries (the inference runtime and benchmarks are C++)' },
  // Dependencies of the packages above.
  { name: 'libgcc-s1', why: 'dependency of libc6 and libstdc++6 (unwinding, pthread_cancel)' },
  { name: 'gcc-12-base', why: 'dependency of libgcc-s1 and libstdc++6' },
  { name: 'libtinfo6', why: 'dependency of bash' },
  { name: 'libacl1', why: 'dependency of coreutils' },
  { name: 'libattr1', why: 'dependency of coreutils' },
  { name: 'libgmp10', why: 'dependency of coreutils' },
  { name: 'libselinux1', why: 'dependency of coreutils' },
  { name: 'libpcre2-8-0', why: 'dependency of libselinux1' },
];

/**
 * Dependencies deliberately left out: bash wants base-files (/etc skeleton, written by the
 * layout step instead) and debianutils (which/run-parts for maintainer scripts that never run).
 */
export const OMITTED_DEPENDENCIES: ReadonlySet<string> = new Set(['base-files', 'debianutils']);
