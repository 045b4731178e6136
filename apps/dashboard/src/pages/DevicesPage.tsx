// The device lab, live: GET /v1/devices/events (a snapshot, then every change). Admins quarantine
// and release devices here.
import { useMemo, useState } from 'react';
import { apiPost } from '../api/client';
import type { ApiLabDevice } from '@mace/protocol';
import { Badge, ErrorLine } from '../components/Status';
import { SortHeader } from '../components/SortHeader';
import { applyDeviceEvent, deviceVitals, parseDeviceEvent } from '../lib/device-lab';
import { formatAgo, formatTime, shortId } from '../lib/format';
import { sortRows, toggleSort, type SortState } from '../lib/table';
import { useEventStream } from '../lib/use-event-stream';
import { Link } from '../router';

type Column = 'serial' | 'state' | 'kind' | 'abi' | 'soc' | 'model' | 'job' | 'battery' | 'temperature' | 'heartbeat';

function cell(d: ApiLabDevice, c: Column): string | number | null {
  const v = deviceVitals(d);
  switch (c) {
    case 'serial':
      return d.serial;
    case 'state':
      return d.state;
    case 'kind':
      return d.kind;
    case 'abi':
      return d.abis.join(', ');
    case 'soc':
      return d.soc;
    case 'model':
      return d.model;
    case 'job':
      return d.currentJob ? `${d.currentJob.kind} ${d.currentJob.modelTag ?? ''}` : null;
    case 'battery':
      return v.batteryPct;
    case 'temperature':
      return v.temperatureC;
    case 'heartbeat':
      return d.lastHeartbeatAt;
  }
}

export function DevicesPage({ admin }: { admin: boolean }) {
  const [devices, setDevices] = useState<ApiLabDevice[] | null>(null);
  const [sort, setSort] = useState<SortState<Column>>({ key: 'serial', direction: 'asc' });
  const [actionError, setActionError] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const stream = useEventStream('/v1/devices/events', (event, data) => {
    const e = parseDeviceEvent(event, data);
    if (e) setDevices((current) => applyDeviceEvent(current ?? [], e));
  });
  const rows = useMemo(() => sortRows(devices ?? [], sort, cell), [devices, sort]);
  const onSort = (c: Column): void => setSort((s) => toggleSort(s, c));

  const act = async (d: ApiLabDevice, action: 'quarantine' | 'release'): Promise<void> => {
    setPending(d.id);
    setActionError(null);
    try {
      const updated = await apiPost<ApiLabDevice>(`/v1/devices/${d.id}/${action}`);
      // The stream brings the change too; show it at once.
      setDevices((current) =>
        applyDeviceEvent(current ?? [], { type: 'device', device: { ...updated, currentJob: d.currentJob } }),
      );
    } catch (err) {
      setActionError(`${action} ${d.serial}: ${(err as Error).message}`);
    } finally {
      setPending(null);
    }
  };

  return (
    <section>
      <div className="page-head">
        <h1>Device lab</h1>
        <span className={`live live-${stream.status}`} role="status">
          {stream.status === 'live' ? 'live' : stream.status}
        </span>
      </div>
      <ErrorLine error={stream.error} />
      <ErrorLine error={actionError} />
      {devices === null ? (
        <p className="muted">Connecting to the lab…</p>
      ) : devices.length === 0 ? (
        <p className="muted">No devices yet: start an agent (npm start, or npm run farm:up for the virtual farm).</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Devices">
            <thead>
              <tr>
                <SortHeader label="Device" column="serial" sort={sort} onSort={onSort} />
                <SortHeader label="State" column="state" sort={sort} onSort={onSort} />
                <SortHeader label="Kind" column="kind" sort={sort} onSort={onSort} />
                <SortHeader label="ABIs" column="abi" sort={sort} onSort={onSort} />
                <SortHeader label="SoC" column="soc" sort={sort} onSort={onSort} />
                <SortHeader label="Model" column="model" sort={sort} onSort={onSort} />
                <SortHeader label="Current job" column="job" sort={sort} onSort={onSort} />
                <SortHeader label="Battery" column="battery" sort={sort} onSort={onSort} numeric />
                <SortHeader label="Temp." column="temperature" sort={sort} onSort={onSort} numeric />
                <SortHeader label="Last heartbeat" column="heartbeat" sort={sort} onSort={onSort} />
                {admin && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => {
                const v = deviceVitals(d);
                return (
                  <tr key={d.id} data-device={d.serial}>
                    <th scope="row">
                      <Link href={`/runs?deviceId=${d.id}`} title="runs on this device">
                        {d.serial}
                      </Link>
                    </th>
                    <td>
                      <Badge status={d.state} />
                      {d.state === 'quarantined' && typeof d.properties.quarantine === 'object' && (
                        <div className="muted small">
                          {String((d.properties.quarantine as { reason?: string }).reason ?? '')}
                        </div>
                      )}
                    </td>
                    <td>{d.kind}</td>
                    <td>{d.abis.join(', ') || '—'}</td>
                    <td>{d.soc ?? '—'}</td>
                    <td>{d.model ?? '—'}</td>
                    <td>
                      {d.currentJob ? (
                        <Link href={`/runs/${d.currentJob.runId}`}>
                          {d.currentJob.kind} {d.currentJob.modelTag ?? ''} (run {shortId(d.currentJob.runId)})
                        </Link>
                      ) : (
                        <span className="muted">idle</span>
                      )}
                    </td>
                    <td className="num">{v.batteryPct === null ? '—' : `${v.batteryPct}%`}</td>
                    <td className="num">{v.temperatureC === null ? '—' : `${v.temperatureC} °C`}</td>
                    <td title={formatTime(d.lastHeartbeatAt)}>{formatAgo(d.lastHeartbeatAt)}</td>
                    {admin && (
                      <td>
                        {d.state === 'quarantined' ? (
                          <button type="button" disabled={pending === d.id} onClick={() => void act(d, 'release')}>
                            Release
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="danger"
                            disabled={pending === d.id}
                            onClick={() => void act(d, 'quarantine')}
                          >
                            Quarantine
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
