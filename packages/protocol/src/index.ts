// Public API of @mace/protocol: the data formats shared by the device tools, the CLI and the
// service — benchmark_model's JSON result and the output-validation metrics.

export type { BenchmarkOpStat, BenchmarkResult, BenchmarkRunStats, BenchmarkTypeStat, JsonSchema } from './benchmark.js';
export { BenchmarkResultError, benchmarkResultSchema, parseBenchmarkResult, validateAgainstSchema } from './benchmark.js';
export type { ValidationMetrics } from './validation.js';
export { computeValidationMetrics } from './validation.js';
