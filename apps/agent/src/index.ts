// @mace/agent: the minimal host agent (agent.ts); the process entry point is main.ts.
export { startAgent, type AgentOptions, type RunningAgent } from './agent.js';
export { registerHostDevice, hostDeviceAbis, hostSerial } from './host-device.js';
export { validateHandler, thresholdFor, tensorFileName } from './validate.js';
export { benchmarkHandler } from './benchmark.js';
