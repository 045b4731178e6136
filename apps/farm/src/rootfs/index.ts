// The arm64 root filesystem the virtual SSH board and the virtual phone run their shells in.
export { ensureRootfs, type EnsureRootfsOptions, type Rootfs, type RootfsPackageInfo } from './assemble.js';
export { defaultCacheDir, defaultRootfsDir } from './cache-dir.js';
export { runInRootfs } from './layout.js';
export { ROOTFS_PACKAGES } from './packages.js';
