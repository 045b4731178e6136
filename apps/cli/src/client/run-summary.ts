// A finished run in brief: its jobs, and per device (and model) the validation metrics of every
// output, the latency statistics and the slowest ops — as a JSON-ready object (buildRunSummary)
// and as readable text (formatRunSummary).
import type { ApiBenchmarkResult, ApiDevice, ApiJob, ApiRun, ApiRunResults } from '@mace/protocol';
import { formatSeconds, jobDurationMs } from './run-progress.js';

export interface JobSummary {
  id: string;
  kind: string;
  modelTag: string | null;
  deviceId: string | null;
  device: string | null;
  abi: string | null;
  status: string;
  reason: string | null;
  attempts: number;
  durationMs: number | null;
}

export interface OutputValidation {
  output: string;
  cosine: number;
  sqnrDb: number | null;
  /** top-1 agreement with the reference (the API's pixelAccuracy) */
  top1: number;
  maxAbsError: number;
  threshold: number;
  passed: boolean;
}

/** A benchmark's latency figures as the API reports them, `count` named `runs`. */
export type LatencyStats = Pick<
  ApiBenchmarkResult,
  | 'threads'
  | 'initMs'
  | 'firstMs'
  | 'minMs'
  | 'medianMs'
  | 'p90Ms'
  | 'p99Ms'
  | 'maxMs'
  | 'meanMs'
  | 'stdMs'
  | 'peakRssKb'
> & { runs: number };

export interface DeviceSummary {
  id: string;
  serial: string | null;
  kind: string | null;
  abi: string | null;
  model: string;
  validation: OutputValidation[];
  latency: LatencyStats | null;
  /** per-op rows stored for the benchmark */
  opRows: number;
  topOps: { rank: number; name: string; type: string; avgMs: number; pct: number }[];
  topOpTypes: { type: string; count: number; avgMs: number; pct: number }[];
}

export interface RunSummary {
  run: {
    id: string;
    status: string;
    reason: string | null;
    deploymentId: string;
    actions: string[];
    durationMs: number | null;
  };
  jobs: JobSummary[];
  devices: DeviceSummary[];
}

export function buildRunSummary(
  run: ApiRun,
  results: ApiRunResults,
  devices: Map<string, ApiDevice>,
  topOps = 10,
): RunSummary {
  const deviceJobs = run.jobs.filter((j): j is ApiJob & { deviceId: string } => j.deviceId !== null);
  const keys = [...new Set(deviceJobs.map((j) => `${j.deviceId}\u0000${j.modelTag ?? ''}`))];
  return {
    run: {
      id: run.id,
      status: run.status,
      reason: run.reason,
      deploymentId: run.deploymentId,
      actions: run.actions,
      durationMs: run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.createdAt) : null,
    },
    jobs: run.jobs.map((j) => ({
      id: j.id,
      kind: j.kind,
      modelTag: j.modelTag,
      deviceId: j.deviceId,
      device: j.deviceId ? (devices.get(j.deviceId)?.serial ?? null) : null,
      abi: j.abi,
      status: j.status,
      reason: j.reason,
      attempts: j.attempts,
      durationMs: jobDurationMs(j),
    })),
    devices: keys.map((key) => {
      const [deviceId, model] = key.split('\u0000');
      const device = devices.get(deviceId);
      const jobIds = new Set(
        deviceJobs.filter((j) => j.deviceId === deviceId && (j.modelTag ?? '') === model).map((j) => j.id),
      );
      const bench = results.benchmarks.find((b) => jobIds.has(b.jobId));
      return {
        id: deviceId,
        serial: device?.serial ?? null,
        kind: device?.kind ?? null,
        abi: deviceJobs.find((j) => jobIds.has(j.id))?.abi ?? null,
        model,
        validation: results.validation
          .filter((v) => jobIds.has(v.jobId))
          .map((v) => ({
            output: v.output,
            cosine: v.cosine,
            sqnrDb: v.sqnrDb,
            top1: v.pixelAccuracy,
            maxAbsError: v.maxAbsError,
            threshold: v.threshold,
            passed: v.passed,
          })),
        latency: bench
          ? {
              runs: bench.count,
              threads: bench.threads,
              initMs: bench.initMs,
              firstMs: bench.firstMs,
              minMs: bench.minMs,
              medianMs: bench.medianMs,
              p90Ms: bench.p90Ms,
              p99Ms: bench.p99Ms,
              maxMs: bench.maxMs,
              meanMs: bench.meanMs,
              stdMs: bench.stdMs,
              peakRssKb: bench.peakRssKb,
            }
          : null,
        opRows: bench?.ops.length ?? 0,
        topOps: [...(bench?.ops ?? [])]
          .sort((a, b) => b.avgMs - a.avgMs || a.index - b.index)
          .slice(0, topOps)
          .map((o, i) => ({ rank: i + 1, name: o.name, type: o.type, avgMs: o.avgMs, pct: o.pct })),
        topOpTypes: (bench?.opTypes ?? [])
          .slice(0, 5)
          .map((t) => ({ type: t.type, count: t.count, avgMs: t.avgMs, pct: t.pct })),
      };
    }),
  };
}

/** Columns padded to their widest cell; 'r' columns right-aligned (numbers). */
export function formatTable(header: string[], rows: string[][], align: ('l' | 'r')[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (c: string, i: number) => (align[i] === 'r' ? c.padStart(widths[i]) : c.padEnd(widths[i]));
  const line = (cells: string[]) => `  ${cells.map(cell).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

const ms = (v: number): string => v.toFixed(2);
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** Validation per output, latency statistics and the slowest ops of one device. */
function formatDeviceDetail(d: DeviceSummary): string {
  const parts: string[] = [];
  const kind = d.kind && d.kind !== d.abi ? `${d.kind}, ` : '';
  const name = `${d.model} on ${d.serial ?? d.id} (${kind}abi ${d.abi ?? '?'})`;
  if (d.validation.length > 0) {
    parts.push(`\nvalidation of ${name} against the original framework\n`);
    parts.push(
      formatTable(
        ['output', 'cosine', 'SQNR', 'top-1', 'max |err|', 'threshold', 'result'],
        d.validation.map((v) => [
          v.output,
          v.cosine.toFixed(6),
          v.sqnrDb === null ? 'inf' : `${v.sqnrDb.toFixed(2)} dB`,
          pct(v.top1),
          v.maxAbsError.toExponential(2),
          String(v.threshold),
          v.passed ? 'PASS' : 'FAIL',
        ]),
        ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
    );
  }
  if (d.latency) {
    const l = d.latency;
    parts.push(
      `\nlatency of ${name} in ms: ${l.runs} runs, ${l.threads} thread(s), peak RSS ${(l.peakRssKb / 1024).toFixed(1)} MiB\n`,
    );
    parts.push(
      formatTable(
        ['init', 'first', 'min', 'median', 'p90', 'p99', 'max'],
        [[ms(l.initMs), ms(l.firstMs), ms(l.minMs), ms(l.medianMs), ms(l.p90Ms), ms(l.p99Ms), ms(l.maxMs)]],
        ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  if (d.topOps.length > 0) {
    parts.push(`\ntop ${d.topOps.length} of ${d.opRows} ops by time on ${d.serial ?? d.id}\n`);
    parts.push(
      formatTable(
        ['#', 'op', 'type', 'avg ms', 'share'],
        d.topOps.map((o) => [String(o.rank), o.name, o.type, o.avgMs.toFixed(3), `${o.pct.toFixed(1)}%`]),
        ['r', 'l', 'l', 'r', 'r'],
      ),
    );
    if (d.topOpTypes.length > 0)
      parts.push(`  by type: ${d.topOpTypes.map((t) => `${t.type} ${t.pct.toFixed(1)}% (${t.count})`).join(', ')}\n`);
  }
  return parts.join('');
}

export function formatRunSummary(s: RunSummary): string {
  const parts: string[] = [];
  const took = s.run.durationMs === null ? '' : ` in ${formatSeconds(s.run.durationMs)}`;
  parts.push(`run ${s.run.id}: ${s.run.status}${took}${s.run.reason ? ` — ${s.run.reason}` : ''}\n`);
  parts.push(
    formatTable(
      ['job', 'model', 'device', 'abi', 'state', 'duration'],
      s.jobs.map((j) => [
        j.kind,
        j.modelTag ?? '—',
        j.device ?? (j.kind === 'convert' || j.kind === 'build' ? 'worker' : '—'),
        j.abi ?? '—',
        j.status + (j.attempts > 1 ? ` (${j.attempts} attempts)` : ''),
        j.durationMs === null ? '—' : formatSeconds(j.durationMs),
      ]),
      ['l', 'l', 'l', 'l', 'l', 'r'],
    ),
  );
  for (const j of s.jobs.filter((j) => j.status !== 'succeeded' && j.reason)) parts.push(`  ${j.kind}: ${j.reason}\n`);

  if (s.devices.length > 1) {
    parts.push('\nper device\n');
    parts.push(
      formatTable(
        ['device', 'kind', 'abi', 'model', 'min cosine', 'result', 'init ms', 'median ms', 'p90 ms', 'peak RSS'],
        s.devices.map((d) => {
          const cosine = d.validation.length ? Math.min(...d.validation.map((v) => v.cosine)) : null;
          const l = d.latency;
          return [
            d.serial ?? d.id,
            d.kind ?? '?',
            d.abi ?? '?',
            d.model,
            cosine === null ? '—' : cosine.toFixed(6),
            d.validation.length ? (d.validation.every((v) => v.passed) ? 'PASS' : 'FAIL') : '—',
            l ? ms(l.initMs) : '—',
            l ? ms(l.medianMs) : '—',
            l ? ms(l.p90Ms) : '—',
            l ? `${(l.peakRssKb / 1024).toFixed(1)} MiB` : '—',
          ];
        }),
        ['l', 'l', 'l', 'l', 'r', 'l', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  // In detail: one device (the first non-host one when there are several), so the page stays short.
  const d = s.devices.find((x) => x.kind !== 'host' && x.topOps.length > 0) ?? s.devices[0];
  if (d) parts.push(formatDeviceDetail(d));
  return parts.join('');
}
