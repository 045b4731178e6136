// @mace/converter: model frontends → graph IR → transforms → engine format (.mace + .data).
export * from './ir/tensor.js';
export * from './ir/graph.js';
export * from './onnx/index.js';
export * from './coverage/index.js';
export * from './transforms/index.js';
export { planMemory, tensorBytes, type MemoryPlan, type MemoryBlock } from './plan/memory.js';
export * from './writer/index.js';
export * from './convert.js';
export * from './io/inputs.js';
