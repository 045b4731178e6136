// The compare page's query (kept in the URL) and the rows it highlights. The comparison itself is
// @mace/protocol's compareRunResults, run by the API (GET /v1/runs/:id/compare).
import type { OpDelta, TimeDelta } from '@mace/protocol';

export interface CompareSelection {
  /** The run compared. */
  runId: string;
  /** The base: another run's id, or a baseline tag. */
  base: { kind: 'run'; runId: string } | { kind: 'baseline'; tag: string } | null;
  thresholdPct: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TAG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function selectionFromSearch(search: URLSearchParams): CompareSelection {
  const runId = search.get('a') ?? '';
  const b = search.get('b') ?? '';
  const tag = search.get('baseline') ?? '';
  const threshold = Number(search.get('threshold'));
  return {
    runId: UUID.test(runId) ? runId : '',
    base: UUID.test(b) ? { kind: 'run', runId: b } : TAG.test(tag) ? { kind: 'baseline', tag } : null,
    thresholdPct: search.get('threshold') !== null && Number.isFinite(threshold) && threshold >= 0 ? threshold : null,
  };
}

export function searchOfSelection(s: CompareSelection): string {
  const q = new URLSearchParams();
  if (s.runId) q.set('a', s.runId);
  if (s.base?.kind === 'run') q.set('b', s.base.runId);
  if (s.base?.kind === 'baseline') q.set('baseline', s.base.tag);
  if (s.thresholdPct !== null) q.set('threshold', String(s.thresholdPct));
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** GET /v1/runs/:id/compare for a complete selection, else null. */
export function compareQuery(s: CompareSelection): string | null {
  if (!s.runId || !s.base) return null;
  const q = new URLSearchParams();
  if (s.base.kind === 'run') q.set('with', s.base.runId);
  else q.set('baseline', s.base.tag);
  if (s.thresholdPct !== null) q.set('threshold', String(s.thresholdPct));
  return `/v1/runs/${s.runId}/compare?${q.toString()}`;
}

/** How a row is shown: a regression (red), an improvement beyond the threshold (green), or neither. */
export function deltaClass(d: TimeDelta, thresholdPct: number): 'regressed' | 'improved' | '' {
  if (d.regressed) return 'regressed';
  if (d.deltaPct !== null && d.deltaPct < -thresholdPct) return 'improved';
  return '';
}

export function formatDeltaPct(pct: number | null): string {
  if (pct === null) return '—';
  return `${pct > 0 ? '+' : ''}${pct.toFixed(1)} %`;
}

/** The ops worth looking at first: regressions, then the largest absolute changes. */
export function opsByImpact(ops: readonly OpDelta[]): OpDelta[] {
  return [...ops].sort(
    (a, b) => Number(b.regressed) - Number(a.regressed) || Math.abs(b.deltaMs ?? 0) - Math.abs(a.deltaMs ?? 0),
  );
}
