// @mace/farm: the virtual device farm (see docs/device-farm.md).
export * from './adb/index.js';
export * from './rootfs/index.js';
export * from './ssh/index.js';
export { adb, defaultAdbPort, startFarm, type Farm, type FarmFacts, type FarmOptions } from './farm/farm.js';
export { BOARD, PHONES, type PhoneSpec } from './farm/specs.js';
