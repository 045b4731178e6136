// Numbers of the benchmark view derived from a BenchmarkResult.
import type { ApiBenchmarkResult } from '@mace/protocol';

/** Throughput of a whole run: MACs per second at the median latency, in billions. */
export function gmacPerSecond(macs: number, ms: number): number | null {
  if (!(ms > 0) || !(macs >= 0)) return null;
  return macs / (ms * 1e6);
}

/** The latency summary rows in the order benchmark_model prints them. */
export function latencyRows(b: ApiBenchmarkResult): { label: string; ms: number }[] {
  return [
    { label: 'init', ms: b.initMs },
    { label: 'first run', ms: b.firstMs },
    { label: 'min', ms: b.minMs },
    { label: 'median (p50)', ms: b.medianMs },
    { label: 'p90', ms: b.p90Ms },
    { label: 'p99', ms: b.p99Ms },
    { label: 'max', ms: b.maxMs },
    { label: 'mean', ms: b.meanMs },
    { label: 'std. dev.', ms: b.stdMs },
  ];
}

/** A benchmark's name in pickers: model, device, threads. */
export function benchmarkLabel(b: ApiBenchmarkResult, deviceName: (id: string) => string): string {
  return `${b.modelTag} on ${b.deviceId ? deviceName(b.deviceId) : 'an unknown device'} (${b.threads} thread${b.threads === 1 ? '' : 's'})`;
}
