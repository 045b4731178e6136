// A RunComparison (GET /v1/runs/:id/compare) as text: per model and device the latency summary
// and the ops (all, or only the regressed ones), regressions marked with "REGRESSED".
import type { OpDelta, Regression, RunComparison, TimeDelta } from '@mace/protocol';
import { formatTable } from '../table.js';

const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(3));
const pct = (v: number | null): string => (v === null ? '-' : `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`);
const mark = (d: TimeDelta): string => (d.regressed ? 'REGRESSED' : '');

export interface ComparisonReportOptions {
  /** Every op (mace compare), or only regressed ones (the gate after a run). */
  allOps: boolean;
  deviceName?: (id: string) => string | undefined;
}

export function formatComparison(
  c: RunComparison & { baselineTag?: string | null },
  options: ComparisonReportOptions,
): string {
  const name = (id: string | null) => (id === null ? '-' : (options.deviceName?.(id) ?? id.slice(0, 8)));
  const base = c.baselineTag ? `baseline ${c.baselineTag} (run ${c.baseRunId})` : `run ${c.baseRunId}`;
  let text = `run ${c.runId} against ${base}: regression = more than ${c.thresholdPct}% and at least ${c.minDeltaMs} ms slower\n`;
  for (const b of c.benchmarks) {
    const threads =
      b.baseThreads === b.threads ? `${b.threads} threads` : `threads ${b.baseThreads ?? '-'} → ${b.threads ?? '-'}`;
    text += `\n${b.modelTag} on ${name(b.deviceId ?? b.baseDeviceId)} (${threads})${b.regressed ? ': REGRESSED' : ''}\n`;
    text += formatTable(
      ['latency', 'base ms', 'ms', 'delta ms', 'delta', 'status'],
      b.latency.map((l) => [l.metric, ms(l.baseMs), ms(l.ms), ms(l.deltaMs), pct(l.deltaPct), mark(l)]),
    );
    const ops = options.allOps ? b.ops : b.ops.filter((o) => o.regressed);
    if (ops.length > 0)
      text += '\n' + formatTable(['#', 'op', 'type', 'base ms', 'ms', 'delta', 'status'], ops.map(opRow));
  }
  if (c.validation.length > 0) {
    text +=
      '\n' +
      formatTable(
        ['model', 'output', 'base cosine', 'cosine', 'base SQNR', 'SQNR', 'passed', 'status'],
        c.validation.map((v) => [
          v.modelTag,
          v.output,
          v.base ? v.base.cosine.toFixed(6) : '-',
          v.value ? v.value.cosine.toFixed(6) : '-',
          v.base?.sqnrDb != null ? v.base.sqnrDb.toFixed(2) : '-',
          v.value?.sqnrDb != null ? v.value.sqnrDb.toFixed(2) : '-',
          `${v.base ? (v.base.passed ? 'yes' : 'no') : '-'} → ${v.value ? (v.value.passed ? 'yes' : 'no') : '-'}`,
          v.regressed ? 'REGRESSED' : '',
        ]),
      );
  }
  text += `\n${c.regressions.length === 0 ? 'no regressions' : `${c.regressions.length} regression(s): ${summarizeRegressions(c.regressions)}`}\n`;
  return text;
}

function opRow(o: OpDelta): string[] {
  const note = o.matchedBy === 'added' || o.matchedBy === 'removed' ? o.matchedBy : mark(o);
  return [String(o.index), o.name, o.type, ms(o.baseMs), ms(o.ms), pct(o.deltaPct), note];
}

/** "op conv1 (+52.0%), latency meanMs (+20.1%)": the regressed ops first. */
export function summarizeRegressions(regressions: Regression[]): string {
  const order = { op: 0, latency: 1, opType: 2, validation: 3 } as const;
  return [...regressions]
    .sort((a, b) => order[a.kind] - order[b.kind])
    .map((r) => `${r.kind} ${r.name}${r.deltaPct !== undefined ? ` (${pct(r.deltaPct)})` : ''}`)
    .join(', ');
}
