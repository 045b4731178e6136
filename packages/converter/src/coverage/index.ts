// Op coverage: the engine's support table and the per-node check against it.
export { checkCoverage, assertSupported, checkNode, cpuReasons } from './check.js';
export type { CoverageReport, NodeCoverage, DeviceSupport } from './check.js';
export { formatCoverage } from './format.js';
export { SUPPORT, ENGINE_OPS, GPU_KERNELS, GPU_REASON } from './support.js';
export type { OpSupport, NodeCheck } from './support.js';
