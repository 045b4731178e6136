// Queue and runs: the runs, newest first, filtered by state, deployment, device and day (kept in
// the URL), with their jobs' progress; more pages on demand.
import { RUN_STATUSES, type ApiDeploymentSummary, type ApiDevice, type ApiRunSummary, type Page } from '@mace/protocol';
import { apiGet } from '../api/client';
import { Badge, ErrorLine, LoadMore, Loading } from '../components/Status';
import { formatDuration, formatTime, shortId } from '../lib/format';
import { filtersFromSearch, runsQuery, searchOfFilters, type RunFilters } from '../lib/run-filters';
import { useAsync } from '../lib/use-async';
import { usePagedList } from '../lib/use-paged-list';
import { Link, navigate, useLocation } from '../router';

export function RunsPage() {
  const { search } = useLocation();
  const filters = filtersFromSearch(search);
  const key = searchOfFilters(filters);
  const { items: runs, error, more } = usePagedList<ApiRunSummary>(runsQuery(filters));
  const choices = useAsync(async () => {
    const [deployments, devices] = await Promise.all([
      apiGet<Page<ApiDeploymentSummary>>('/v1/deployments?limit=100'),
      apiGet<Page<ApiDevice>>('/v1/devices?limit=100'),
    ]);
    return { deployments: deployments.items, devices: devices.items };
  }, []);

  const update = (change: Partial<RunFilters>): void => navigate(`/runs${searchOfFilters({ ...filters, ...change })}`);
  const toggleStatus = (s: (typeof RUN_STATUSES)[number]): void =>
    update({ status: filters.status.includes(s) ? filters.status.filter((x) => x !== s) : [...filters.status, s] });

  return (
    <section>
      <h1>Queue and runs</h1>
      <form className="filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <fieldset>
          <legend>State</legend>
          {RUN_STATUSES.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" checked={filters.status.includes(s)} onChange={() => toggleStatus(s)} /> {s}
            </label>
          ))}
        </fieldset>
        <label>
          Deployment
          <select value={filters.deploymentId} onChange={(e) => update({ deploymentId: e.target.value })}>
            <option value="">any</option>
            {choices.data?.deployments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.libraryName} ({shortId(d.id)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Device
          <select value={filters.deviceId} onChange={(e) => update({ deviceId: e.target.value })}>
            <option value="">any</option>
            {choices.data?.devices.map((d) => (
              <option key={d.id} value={d.id}>
                {d.serial}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={filters.createdAfter} onChange={(e) => update({ createdAfter: e.target.value })} />
        </label>
        <label>
          To
          <input
            type="date"
            value={filters.createdBefore}
            onChange={(e) => update({ createdBefore: e.target.value })}
          />
        </label>
        {key && (
          <button type="button" className="link" onClick={() => navigate('/runs')}>
            Clear filters
          </button>
        )}
      </form>
      <ErrorLine error={error ?? choices.error} />
      {runs === null ? (
        !error && <Loading what="runs" />
      ) : runs.length === 0 ? (
        <p className="muted">No runs match.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Runs">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
                <th scope="col">Created</th>
                <th scope="col">Duration</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-run={r.id}>
                  <th scope="row">
                    <Link href={`/runs/${r.id}`}>{shortId(r.id)}</Link>
                  </th>
                  <td>
                    <Badge status={r.status} />
                  </td>
                  <td>{r.actions.join(', ')}</td>
                  <td>{formatTime(r.createdAt)}</td>
                  <td>{formatDuration(r.startedAt, r.finishedAt)}</td>
                  <td className="reason">{r.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore more={more} />
    </section>
  );
}
