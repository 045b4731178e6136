// Human-readable coverage table: one row per op type with its count and CPU/GPU support,
// unsupported op types first.
import type { CoverageReport, DeviceSupport } from './check.js';

interface Row {
  opType: string;
  count: number;
  cpu: DeviceSupport;
  gpu: DeviceSupport;
  reasons: Set<string>;
}

export function formatCoverage(report: CoverageReport): string {
  const rows = new Map<string, Row>();
  for (const n of report.nodes) {
    const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { opType: key, count: 0, cpu: { supported: true }, gpu: n.gpu, reasons: new Set() }));
    r.count++;
    if (!n.cpu.supported) {
      r.cpu = n.cpu;
      r.reasons.add(n.cpu.reason ?? 'unsupported');
    }
    if (!n.gpu.supported) r.gpu = n.gpu;
  }
  const sorted = [...rows.values()].sort(
    (a, b) =>
      Number(a.cpu.supported) - Number(b.cpu.supported) || b.count - a.count || a.opType.localeCompare(b.opType),
  );
  const cells = sorted.map((r) => [
    r.opType,
    String(r.count),
    r.cpu.supported ? 'yes' : 'NO',
    r.gpu.supported ? 'yes' : 'no',
    r.cpu.supported
      ? r.gpu.supported
        ? `GPU when: ${r.gpu.cases ?? ''}`
        : `GPU: ${r.gpu.reason ?? ''}`
      : [...r.reasons].join(' | '),
  ]);
  const head = ['op type', 'count', 'CPU', 'GPU', 'note'];
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (i < 4 ? c[i].length : 0))));
  const line = (c: string[]): string =>
    c
      .map((x, i) => (i < 4 ? x.padEnd(width[i]) : x))
      .join('  ')
      .trimEnd();
  const unsupported = report.nodes.filter((n) => !n.cpu.supported).length;
  const summary = `${report.nodes.length} nodes, ${rows.size} op types; CPU: ${
    unsupported ? `${unsupported} node(s) unsupported` : 'all supported'
  }; GPU: ${
    report.gpuSupported
      ? 'a kernel for every op type (mace_run --device=GPU prints where each op ran)'
      : `${report.nodes.filter((n) => !n.gpu.supported).length} node(s) run on the CPU`
  }`;
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...cells.map(line), '', summary].join('\n');
}
