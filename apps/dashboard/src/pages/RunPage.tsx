// One run: its state, the pipeline graph of its jobs (refreshed while the run is active), the
// jobs table and the live log; links to its benchmark view and to a comparison.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { apiGet, apiPost } from '../api/client';
import { TERMINAL_RUN_STATUSES, type ApiDevice, type ApiJob, type Page, type ApiRun } from '@mace/protocol';
import { LogView } from '../components/LogView';
import { PipelineGraph } from '../components/PipelineGraph';
import { Badge, ErrorLine, Loading } from '../components/Status';
import { formatDuration, formatTime, shortId } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { Link } from '../router';

const REFRESH_MS = 2000;

/** POST /v1/runs/:id/baseline: make this (succeeded) run the baseline of a tag. */
function BaselineForm({ runId }: { runId: string }) {
  const [tag, setTag] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      const b = await apiPost<{ tag: string }>(`/v1/runs/${runId}/baseline`, { tag: tag.trim() });
      setResult(`Baseline ${b.tag} now points to this run.`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form className="filters" onSubmit={(e) => void submit(e)} aria-label="Set as baseline">
      <label>
        Baseline tag <input value={tag} onChange={(e) => setTag(e.target.value)} placeholder="main" required />
      </label>
      <button type="submit">Set as baseline</button>
      {result && <span role="status">{result}</span>}
      <ErrorLine error={error} />
    </form>
  );
}

export function RunPage({ runId }: { runId: string }) {
  const [run, setRun] = useState<ApiRun | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const devices = useAsync(async () => (await apiGet<Page<ApiDevice>>('/v1/devices?limit=100')).items, []);
  const deviceName = (id: string): string => devices.data?.find((d) => d.id === id)?.serial ?? shortId(id);

  const load = useCallback(async () => {
    try {
      const [r, jobs] = await Promise.all([
        apiGet<ApiRun>(`/v1/runs/${runId}`),
        apiGet<{ items: ApiJob[] }>(`/v1/runs/${runId}/jobs`),
      ]);
      setRun({ ...r, jobs: jobs.items });
      setError(null);
    } catch (err) {
      setError(err as Error);
    }
  }, [runId]);

  useEffect(() => {
    void load();
  }, [load]);
  const active = run !== null && !TERMINAL_RUN_STATUSES.includes(run.status);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(t);
  }, [active, load]);

  const cancel = async (): Promise<void> => {
    try {
      setRun(await apiPost<ApiRun>(`/v1/runs/${runId}/cancel`, { reason: 'cancelled from the dashboard' }));
    } catch (err) {
      setError(err as Error);
    }
  };

  if (!run) return error ? <ErrorLine error={error} /> : <Loading what="the run" />;
  const hasBenchmark = run.jobs.some((j) => j.kind === 'benchmark' && j.status === 'succeeded');
  return (
    <section>
      <div className="page-head">
        <h1>
          Run <code>{shortId(run.id)}</code> <Badge status={run.status} />
        </h1>
        <div className="actions">
          {hasBenchmark && <Link href={`/runs/${run.id}/benchmark`}>Benchmark results</Link>}
          <Link href={`/compare?a=${run.id}`}>Compare…</Link>
          {active && (
            <button type="button" className="danger" onClick={() => void cancel()}>
              Cancel run
            </button>
          )}
        </div>
      </div>
      <ErrorLine error={error} />
      <dl className="facts">
        <dt>Id</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
        <dt>Actions</dt>
        <dd>{run.actions.join(', ')}</dd>
        <dt>Created</dt>
        <dd>{formatTime(run.createdAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(run.startedAt, run.finishedAt)}</dd>
        {run.reason && (
          <>
            <dt>Reason</dt>
            <dd>{run.reason}</dd>
          </>
        )}
      </dl>
      {run.status === 'succeeded' && <BaselineForm runId={run.id} />}
      <h2>Pipeline</h2>
      <PipelineGraph jobs={run.jobs} deviceName={deviceName} onSelect={setSelected} selected={selected} />
      <h2>Jobs</h2>
      <div className="table-wrap">
        <table aria-label="Jobs">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">State</th>
              <th scope="col">Model</th>
              <th scope="col">ABI / device</th>
              <th scope="col">Attempts</th>
              <th scope="col">Duration</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {run.jobs.map((j) => (
              <tr key={j.id} id={`job-${j.id}`} className={selected === j.id ? 'selected' : undefined}>
                <th scope="row">
                  <button
                    type="button"
                    className="link"
                    aria-pressed={selected === j.id}
                    onClick={() => setSelected(selected === j.id ? null : j.id)}
                  >
                    {j.kind}
                  </button>
                </th>
                <td>
                  <Badge status={j.status} />
                </td>
                <td>{j.modelTag ?? '—'}</td>
                <td>{j.deviceId ? deviceName(j.deviceId) : (j.abi ?? '—')}</td>
                <td className="num">{j.attempts}</td>
                <td>{formatDuration(j.startedAt, j.finishedAt)}</td>
                <td className="reason">{j.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>
        Log{' '}
        {selected && (
          <span className="muted small">
            of {run.jobs.find((j) => j.id === selected)?.kind} ·{' '}
            <button type="button" className="link" onClick={() => setSelected(null)}>
              show all
            </button>
          </span>
        )}
      </h2>
      <LogView runId={run.id} jobId={selected} onEnd={() => void load()} />
    </section>
  );
}
