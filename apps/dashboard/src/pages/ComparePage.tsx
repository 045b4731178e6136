// Compare a run with another run or with a baseline (GET /v1/runs/:id/compare): regressions first,
// then per benchmark the latency percentiles, time by op type and the per-op differences
// (sortable, searchable, regressions highlighted), and the validation metrics side by side.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type {
  ApiDevice,
  ApiRunSummary,
  BenchmarkComparison,
  OpDelta,
  Page,
  RunComparison,
  TimeDelta,
  ValidationComparison,
} from '@mace/protocol';
import { apiGet } from '../api/client';
import { SortHeader } from '../components/SortHeader';
import { ErrorLine, Loading } from '../components/Status';
import {
  compareQuery,
  deltaClass,
  formatDeltaPct,
  opsByImpact,
  searchOfSelection,
  selectionFromSearch,
  type CompareSelection,
} from '../lib/compare';
import { formatTime, shortId } from '../lib/format';
import { searchRows, sortRows, toggleSort, type SortState } from '../lib/table';
import { useAsync } from '../lib/use-async';
import { Link, navigate, useLocation } from '../router';

type Comparison = RunComparison & { baselineTag: string | null };
interface Baseline {
  tag: string;
  runId: string;
}

const ms = (v: number | null): string => (v === null ? '—' : v.toFixed(3));
const signedMs = (v: number | null): string => (v === null ? '—' : `${v > 0 ? '+' : ''}${v.toFixed(3)}`);

function Picker({ selection }: { selection: CompareSelection }) {
  const choices = useAsync(async () => {
    const [runs, baselines] = await Promise.all([
      apiGet<Page<ApiRunSummary>>('/v1/runs?status=succeeded&limit=100'),
      apiGet<Page<Baseline>>('/v1/baselines?limit=100'),
    ]);
    return { runs: runs.items, baselines: baselines.items };
  }, []);
  const [runId, setRunId] = useState(selection.runId);
  const [baseKind, setBaseKind] = useState<'run' | 'baseline'>(selection.base?.kind ?? 'run');
  const [baseRun, setBaseRun] = useState(selection.base?.kind === 'run' ? selection.base.runId : '');
  const [tag, setTag] = useState(selection.base?.kind === 'baseline' ? selection.base.tag : '');
  const [threshold, setThreshold] = useState(selection.thresholdPct === null ? '' : String(selection.thresholdPct));
  useEffect(() => setRunId(selection.runId), [selection.runId]);

  const runLabel = (r: ApiRunSummary): string =>
    `${shortId(r.id)} · ${r.actions.join(', ')} · ${formatTime(r.createdAt)}`;
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const t = Number(threshold);
    navigate(
      `/compare${searchOfSelection({
        runId,
        base:
          baseKind === 'run'
            ? baseRun
              ? { kind: 'run', runId: baseRun }
              : null
            : tag
              ? { kind: 'baseline', tag }
              : null,
        thresholdPct: threshold !== '' && Number.isFinite(t) ? t : null,
      })}`,
    );
  };
  const runs = choices.data?.runs ?? [];
  return (
    <form className="compare-form filters" onSubmit={submit} aria-label="Choose what to compare">
      <label htmlFor="compare-run">Run</label>
      <select id="compare-run" value={runId} onChange={(e) => setRunId(e.target.value)} required>
        <option value="">choose a run</option>
        {selection.runId && !runs.some((r) => r.id === selection.runId) && (
          <option value={selection.runId}>{shortId(selection.runId)}</option>
        )}
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {runLabel(r)}
          </option>
        ))}
      </select>
      <fieldset>
        <legend>against</legend>
        <label className="check">
          <input type="radio" name="base" checked={baseKind === 'run'} onChange={() => setBaseKind('run')} /> another
          run
        </label>
        <label className="check">
          <input type="radio" name="base" checked={baseKind === 'baseline'} onChange={() => setBaseKind('baseline')} />{' '}
          a baseline
        </label>
      </fieldset>
      {baseKind === 'run' ? (
        <label>
          Base run
          <select value={baseRun} onChange={(e) => setBaseRun(e.target.value)} required>
            <option value="">choose a run</option>
            {runs
              .filter((r) => r.id !== runId)
              .map((r) => (
                <option key={r.id} value={r.id}>
                  {runLabel(r)}
                </option>
              ))}
          </select>
        </label>
      ) : (
        <label>
          Baseline
          <select value={tag} onChange={(e) => setTag(e.target.value)} required>
            <option value="">choose a tag</option>
            {choices.data?.baselines.map((b) => (
              <option key={b.tag} value={b.tag}>
                {b.tag} (run {shortId(b.runId)})
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Threshold %
        <input
          type="number"
          min="0"
          step="any"
          inputMode="decimal"
          value={threshold}
          placeholder="10"
          onChange={(e) => setThreshold(e.target.value)}
          style={{ width: '6rem' }}
        />
      </label>
      <button type="submit">Compare</button>
      <ErrorLine error={choices.error} />
    </form>
  );
}

type OpColumn = 'index' | 'name' | 'type' | 'baseMs' | 'ms' | 'deltaMs' | 'deltaPct';

function OpDeltaTable({ ops, thresholdPct }: { ops: OpDelta[]; thresholdPct: number }) {
  const [sort, setSort] = useState<SortState<OpColumn> | null>(null);
  const [query, setQuery] = useState('');
  const [onlyRegressed, setOnlyRegressed] = useState(false);
  const rows = useMemo(() => {
    const found = searchRows(onlyRegressed ? ops.filter((o) => o.regressed) : ops, query, (o) => [o.name, o.type]);
    return sort ? sortRows(found, sort, (o, k) => o[k]) : opsByImpact(found);
  }, [ops, query, sort, onlyRegressed]);
  const onSort = (c: OpColumn): void =>
    setSort((s) => toggleSort(s ?? { key: c, direction: 'desc' }, c, c === 'name' || c === 'type' ? 'asc' : 'desc'));
  const current: SortState<OpColumn> = sort ?? { key: 'deltaMs', direction: 'desc' };
  return (
    <>
      <div className="filters">
        <label className="search">
          Search ops <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <label className="check">
          <input type="checkbox" checked={onlyRegressed} onChange={(e) => setOnlyRegressed(e.target.checked)} /> only
          regressions
        </label>
        <span className="muted small" role="status">
          {rows.length} of {ops.length} ops{sort ? '' : ' · regressions first, then the largest changes'}
        </span>
      </div>
      <div className="table-wrap tall">
        <table aria-label="Per-op differences">
          <thead>
            <tr>
              <SortHeader label="#" column="index" sort={current} onSort={onSort} numeric />
              <SortHeader label="Op" column="name" sort={current} onSort={onSort} />
              <SortHeader label="Type" column="type" sort={current} onSort={onSort} />
              <SortHeader label="Base (ms)" column="baseMs" sort={current} onSort={onSort} numeric />
              <SortHeader label="This (ms)" column="ms" sort={current} onSort={onSort} numeric />
              <SortHeader label="Δ ms" column="deltaMs" sort={current} onSort={onSort} numeric />
              <SortHeader label="Δ %" column="deltaPct" sort={current} onSort={onSort} numeric />
              <th scope="col">Paired by</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={`${o.matchedBy}-${o.index}-${o.name}`} className={deltaClass(o, thresholdPct)}>
                <td className="num">{o.index}</td>
                <th scope="row" className="name">
                  {o.name}
                  {o.regressed && <span className="visually-hidden"> (regressed)</span>}
                </th>
                <td>{o.type}</td>
                <td className="num">{ms(o.baseMs)}</td>
                <td className="num">{ms(o.ms)}</td>
                <td className="num">{signedMs(o.deltaMs)}</td>
                <td className={`num ${o.regressed ? 'delta-bad' : ''}`}>{formatDeltaPct(o.deltaPct)}</td>
                <td>{o.matchedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Base and compared times side by side with the change: one row per latency metric or op type. */
function TimeDeltaTable({
  label,
  heading,
  rows,
  thresholdPct,
}: {
  label: string;
  heading: string;
  rows: (TimeDelta & { name: string })[];
  thresholdPct: number;
}) {
  return (
    <table aria-label={label} className="compact">
      <thead>
        <tr>
          <th scope="col">{heading}</th>
          <th scope="col" className="num">
            Base (ms)
          </th>
          <th scope="col" className="num">
            This (ms)
          </th>
          <th scope="col" className="num">
            Δ %
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name} className={deltaClass(r, thresholdPct)}>
            <th scope="row">{r.name}</th>
            <td className="num">{ms(r.baseMs)}</td>
            <td className="num">{ms(r.ms)}</td>
            <td className="num">{formatDeltaPct(r.deltaPct)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BenchmarkDiff({
  b,
  thresholdPct,
  deviceName,
}: {
  b: BenchmarkComparison;
  thresholdPct: number;
  deviceName: (id: string | null) => string;
}) {
  return (
    <article className="diff" data-benchmark={b.modelTag}>
      <h2>
        {b.modelTag} on {deviceName(b.deviceId)}
        {b.baseDeviceId !== b.deviceId && <> (base on {deviceName(b.baseDeviceId)})</>}{' '}
        {b.regressed ? (
          <span className="badge badge-failed">regressed</span>
        ) : (
          <span className="badge badge-succeeded">no regression</span>
        )}
      </h2>
      <p className="muted small">
        threads: base {b.baseThreads ?? '—'}, this {b.threads ?? '—'}
      </p>
      <div className="split">
        <TimeDeltaTable
          label={`Latency of ${b.modelTag}`}
          heading="Latency"
          rows={b.latency.map((l) => ({ ...l, name: l.metric.replace(/Ms$/, '') }))}
          thresholdPct={thresholdPct}
        />
        <TimeDeltaTable
          label={`Time by op type of ${b.modelTag}`}
          heading="Op type"
          rows={b.opTypes.map((t) => ({ ...t, name: t.type }))}
          thresholdPct={thresholdPct}
        />
      </div>
      <h3>Per-op differences</h3>
      <OpDeltaTable ops={b.ops} thresholdPct={thresholdPct} />
    </article>
  );
}

function ValidationDiff({
  rows,
  deviceName,
}: {
  rows: ValidationComparison[];
  deviceName: (id: string | null) => string;
}) {
  const metric = (v: number | null | undefined, digits: number): string =>
    v === null || v === undefined ? '—' : v.toFixed(digits);
  return (
    <div className="table-wrap">
      <table aria-label="Validation metrics side by side">
        <thead>
          <tr>
            <th scope="col">Model / output</th>
            <th scope="col">Device</th>
            <th scope="col" className="num">
              Cosine (base → this)
            </th>
            <th scope="col" className="num">
              SQNR dB
            </th>
            <th scope="col" className="num">
              Top-1
            </th>
            <th scope="col" className="num">
              Max abs. error
            </th>
            <th scope="col">Passed</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((v) => (
            <tr key={`${v.modelTag}-${v.output}-${v.deviceId}`} className={v.regressed ? 'regressed' : ''}>
              <th scope="row">
                {v.modelTag} / {v.output}
              </th>
              <td>{deviceName(v.deviceId)}</td>
              <td className="num">
                {metric(v.base?.cosine, 6)} → {metric(v.value?.cosine, 6)}
              </td>
              <td className="num">
                {metric(v.base?.sqnrDb, 2)} → {metric(v.value?.sqnrDb, 2)}
              </td>
              <td className="num">
                {metric(v.base?.pixelAccuracy, 4)} → {metric(v.value?.pixelAccuracy, 4)}
              </td>
              <td className="num">
                {metric(v.base?.maxAbsError, 6)} → {metric(v.value?.maxAbsError, 6)}
              </td>
              <td>
                {v.base ? (v.base.passed ? 'yes' : 'no') : '—'} → {v.value ? (v.value.passed ? 'yes' : 'no') : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ComparePage() {
  const { search } = useLocation();
  const selection = selectionFromSearch(search);
  const path = compareQuery(selection);
  const comparison = useAsync(async () => (path ? apiGet<Comparison>(path) : null), [path]);
  const devices = useAsync(async () => (await apiGet<Page<ApiDevice>>('/v1/devices?limit=100')).items, []);
  const deviceName = (id: string | null): string =>
    id === null ? 'an unknown device' : (devices.data?.find((d) => d.id === id)?.serial ?? shortId(id));
  const c = comparison.data;
  return (
    <section>
      <h1>Compare runs</h1>
      <Picker selection={selection} />
      <ErrorLine error={comparison.error} />
      {!path ? (
        <p className="muted">Choose a run and what to compare it with.</p>
      ) : comparison.loading && !c ? (
        <Loading what="the comparison" />
      ) : c ? (
        <>
          <p>
            Run <Link href={`/runs/${c.runId}`}>{shortId(c.runId)}</Link> against{' '}
            {c.baselineTag ? (
              <>
                baseline <strong>{c.baselineTag}</strong> (run{' '}
              </>
            ) : (
              'run '
            )}
            <Link href={`/runs/${c.baseRunId}`}>{shortId(c.baseRunId)}</Link>
            {c.baselineTag ? ')' : ''}: a time regresses when it is more than {c.thresholdPct} % and at least{' '}
            {c.minDeltaMs} ms slower.
          </p>
          <div
            className={`notice ${c.regressions.length ? 'notice-bad' : ''}`}
            role="status"
            data-regressions={c.regressions.length}
          >
            {c.regressions.length === 0
              ? 'No regressions.'
              : `${c.regressions.length} regression${c.regressions.length === 1 ? '' : 's'}: ${c.regressions
                  .slice(0, 8)
                  .map((r) => `${r.kind} ${r.name}${r.deltaPct !== undefined ? ` ${formatDeltaPct(r.deltaPct)}` : ''}`)
                  .join(', ')}${c.regressions.length > 8 ? ', …' : ''}`}
          </div>
          {c.benchmarks.map((b) => (
            <BenchmarkDiff
              key={`${b.modelTag}-${b.deviceId}-${b.baseDeviceId}`}
              b={b}
              thresholdPct={c.thresholdPct}
              deviceName={deviceName}
            />
          ))}
          <h2>Validation</h2>
          {c.validation.length === 0 ? (
            <p className="muted">Neither run validated outputs.</p>
          ) : (
            <ValidationDiff rows={c.validation} deviceName={deviceName} />
          )}
        </>
      ) : null}
    </section>
  );
}
