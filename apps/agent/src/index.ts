// @mace/agent: the device agent (agent.ts) and its transports; the process entry point is main.ts.
export { startAgent, type AgentOptions, type RunningAgent } from './agent.js';
export { hostDevice, hostDeviceAbis, hostSerial } from './host-device.js';
export { validateHandler, thresholdFor, tensorFileName } from './validate.js';
export { benchmarkHandler } from './benchmark.js';
export { tuneHandler, fileNamePart } from './tune.js';
export { findTunedFiles, parseOpenCLInfo, type OpenCLInfo, type TunedMetadata } from './opencl-tuning.js';
export { AdbTransport, createAdbClient } from './devices/adb.js';
export { describeAndroid, parseBattery, parseGetprop } from './devices/android.js';
export { connectSsh, hostKeyFingerprint, HostKeyMismatchError, SshTransport } from './devices/ssh.js';
export { LocalTransport } from './devices/local.js';
export { DeviceLostError, shellQuote, type DeviceTransport } from './devices/transport.js';
export { dbRegistry, type DeviceRegistry, type RegisteredDevice } from './devices/registry.js';
export { apiRegistry, ApiRegistryError } from './devices/api-registry.js';
