// The virtual Android phone (see docs/virtual-phone.md).
export { startVirtualPhone, type VirtualPhone, type VirtualPhoneOptions } from './virtual-phone.js';
export type { BatteryState } from './battery.js';
export { DEFAULT_PROPERTIES, DEVICE_FEATURES, type DeviceProperties } from './properties.js';
export { parseAdbPublicKey } from './auth.js';
