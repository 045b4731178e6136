// A run's benchmark results (GET /v1/runs/:id/results): latency summary with percentiles, MACs and
// GMAC/s, time by op type (chart and table), the ops' timeline, and the per-op table (sortable,
// searchable). One benchmark at a time when the run has several (models × devices).
import { useMemo, useState } from 'react';
import { apiGet } from '../api/client';
import type { ApiBenchmarkResult, ApiDevice, ApiOpStat, Page, ApiRunResults } from '@mace/protocol';
import { BarChart } from '../components/BarChart';
import { SortHeader } from '../components/SortHeader';
import { ErrorLine, Loading } from '../components/Status';
import { Timeline } from '../components/Timeline';
import { benchmarkLabel, gmacPerSecond, latencyRows } from '../lib/benchmark';
import { formatCount, formatMs, shortId } from '../lib/format';
import { searchRows, sortRows, toggleSort, type SortState } from '../lib/table';
import { useAsync } from '../lib/use-async';
import { Link } from '../router';

type OpColumn = 'index' | 'name' | 'type' | 'avgMs' | 'pct' | 'cdfPct' | 'macs' | 'gmacps' | 'shape';

const opCell = (o: ApiOpStat, c: OpColumn): string | number =>
  c === 'shape' ? o.outputShape.map((s) => s.join('×')).join(', ') : o[c];

function OpTable({ ops }: { ops: ApiOpStat[] }) {
  const [sort, setSort] = useState<SortState<OpColumn>>({ key: 'avgMs', direction: 'desc' });
  const [query, setQuery] = useState('');
  const rows = useMemo(
    () =>
      sortRows(
        searchRows(ops, query, (o) => [o.name, o.type]),
        sort,
        opCell,
      ),
    [ops, query, sort],
  );
  const onSort = (c: OpColumn): void =>
    setSort((s) => toggleSort(s, c, c === 'name' || c === 'type' || c === 'index' ? 'asc' : 'desc'));
  return (
    <>
      <label className="search">
        Search ops{' '}
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="name or type" />
        <span className="muted small" role="status">
          {rows.length} of {ops.length}
        </span>
      </label>
      <div className="table-wrap tall">
        <table aria-label="Per-op statistics">
          <thead>
            <tr>
              <SortHeader label="#" column="index" sort={sort} onSort={onSort} numeric />
              <SortHeader label="Op" column="name" sort={sort} onSort={onSort} />
              <SortHeader label="Type" column="type" sort={sort} onSort={onSort} />
              <SortHeader label="Avg (ms)" column="avgMs" sort={sort} onSort={onSort} numeric />
              <SortHeader label="%" column="pct" sort={sort} onSort={onSort} numeric />
              <SortHeader label="cdf %" column="cdfPct" sort={sort} onSort={onSort} numeric />
              <SortHeader label="MACs" column="macs" sort={sort} onSort={onSort} numeric />
              <SortHeader label="GMAC/s" column="gmacps" sort={sort} onSort={onSort} numeric />
              <SortHeader label="Output shape" column="shape" sort={sort} onSort={onSort} />
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={o.index}>
                <td className="num">{o.index}</td>
                <th scope="row" className="name">
                  {o.name}
                </th>
                <td>{o.type}</td>
                <td className="num">{o.avgMs.toFixed(3)}</td>
                <td className="num">{o.pct.toFixed(2)}</td>
                <td className="num">{o.cdfPct.toFixed(2)}</td>
                <td className="num">{formatCount(o.macs)}</td>
                <td className="num">{o.gmacps.toFixed(2)}</td>
                <td>{opCell(o, 'shape')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function BenchmarkView({ b }: { b: ApiBenchmarkResult }) {
  const gmacps = gmacPerSecond(b.macs, b.medianMs);
  const byType = useMemo(() => [...b.opTypes].sort((x, y) => y.avgMs - x.avgMs), [b]);
  const labels = useMemo(() => byType.map((t) => t.type), [byType]);
  const values = useMemo(() => byType.map((t) => t.avgMs), [byType]);
  return (
    <>
      <h2>Latency</h2>
      <div className="cards">
        {latencyRows(b).map((r) => (
          <div className="card" key={r.label}>
            <div className="card-label">{r.label}</div>
            <div className="card-value">{formatMs(r.ms)}</div>
          </div>
        ))}
        <div className="card">
          <div className="card-label">timed runs</div>
          <div className="card-value">{b.count}</div>
        </div>
        <div className="card">
          <div className="card-label">MACs</div>
          <div className="card-value">{formatCount(b.macs)}</div>
        </div>
        <div className="card">
          <div className="card-label">GMAC/s (at median)</div>
          <div className="card-value">{gmacps === null ? '—' : gmacps.toFixed(2)}</div>
        </div>
        <div className="card">
          <div className="card-label">peak memory</div>
          <div className="card-value">{formatCount(b.peakRssKb)} KiB</div>
        </div>
      </div>
      <h2>Time by op type</h2>
      <div className="split">
        <BarChart labels={labels} values={values} unit="ms per run" title="Average time by op type" />
        <table aria-label="Time by op type" className="compact">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col" className="num">
                Ops
              </th>
              <th scope="col" className="num">
                Avg (ms)
              </th>
              <th scope="col" className="num">
                %
              </th>
              <th scope="col" className="num">
                GMAC/s
              </th>
            </tr>
          </thead>
          <tbody>
            {byType.map((t) => (
              <tr key={t.type}>
                <th scope="row">{t.type}</th>
                <td className="num">{t.count}</td>
                <td className="num">{t.avgMs.toFixed(3)}</td>
                <td className="num">{t.pct.toFixed(2)}</td>
                <td className="num">{t.gmacps.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Timeline</h2>
      <Timeline ops={b.ops} />
      <h2>Per-op statistics</h2>
      <OpTable ops={b.ops} />
    </>
  );
}

export function BenchmarkPage({ runId }: { runId: string }) {
  const results = useAsync(() => apiGet<ApiRunResults>(`/v1/runs/${runId}/results`), [runId]);
  const devices = useAsync(async () => (await apiGet<Page<ApiDevice>>('/v1/devices?limit=100')).items, []);
  const [chosen, setChosen] = useState(0);
  const deviceName = (id: string): string => devices.data?.find((d) => d.id === id)?.serial ?? shortId(id);
  const benchmarks = results.data?.benchmarks ?? [];
  const b = benchmarks[Math.min(chosen, benchmarks.length - 1)];
  return (
    <section>
      <div className="page-head">
        <h1>
          Benchmark of run <Link href={`/runs/${runId}`}>{shortId(runId)}</Link>
        </h1>
        <div className="actions">
          <Link href={`/compare?a=${runId}`}>Compare with…</Link>
        </div>
      </div>
      <ErrorLine error={results.error} />
      {results.loading && !results.data ? (
        <Loading what="results" />
      ) : benchmarks.length === 0 ? (
        <p className="muted">This run has no benchmark results.</p>
      ) : (
        <>
          {benchmarks.length > 1 && (
            <label>
              Benchmark{' '}
              <select value={chosen} onChange={(e) => setChosen(Number(e.target.value))}>
                {benchmarks.map((x, i) => (
                  <option key={x.id} value={i}>
                    {benchmarkLabel(x, deviceName)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {benchmarks.length === 1 && <p className="muted">{benchmarkLabel(b, deviceName)}</p>}
          <BenchmarkView b={b} />
        </>
      )}
    </section>
  );
}
