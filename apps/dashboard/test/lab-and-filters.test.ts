// The device lab's state from its SSE events, the run list's filters in the URL and in the API
// query, the compare page's selection, and the artifact rows' targets.
import { describe, expect, it } from 'vitest';
import type { ApiArtifact, ApiLabDevice } from '@mace/protocol';
import { artifactTarget } from '../src/lib/artifacts';
import { gmacPerSecond } from '../src/lib/benchmark';
import { compareQuery, deltaClass, selectionFromSearch, searchOfSelection } from '../src/lib/compare';
import { applyDeviceEvent, deviceVitals, parseDeviceEvent } from '../src/lib/device-lab';
import { formatAgo, formatBytes } from '../src/lib/format';
import { filtersFromSearch, runsQuery, searchOfFilters } from '../src/lib/run-filters';

const device = (id: string, state: ApiLabDevice['state'], properties: Record<string, unknown> = {}): ApiLabDevice => ({
  id,
  serial: `s-${id}`,
  kind: 'android',
  abis: ['arm64-v8a'],
  soc: null,
  model: null,
  state,
  properties,
  agentTokenId: null,
  lastHeartbeatAt: null,
  consecutiveFailures: 0,
  createdAt: '2026-11-26T10:00:00Z',
  updatedAt: '2026-11-26T10:00:00Z',
  currentJob: null,
});
const ID_A = '0190f0e2-0000-7000-8000-00000000000a';
const ID_B = '0190f0e2-0000-7000-8000-00000000000b';

describe('device lab events', () => {
  it('replaces everything on a snapshot, one device on a change, and drops removed ones', () => {
    let lab = applyDeviceEvent(
      [],
      parseDeviceEvent('snapshot', JSON.stringify({ devices: [device('a', 'available')] }))!,
    );
    expect(lab.map((d) => d.state)).toEqual(['available']);
    lab = applyDeviceEvent(lab, parseDeviceEvent('device', JSON.stringify(device('a', 'busy')))!);
    lab = applyDeviceEvent(lab, parseDeviceEvent('device', JSON.stringify(device('b', 'offline')))!);
    expect(lab.map((d) => [d.id, d.state])).toEqual([
      ['a', 'busy'],
      ['b', 'offline'],
    ]);
    lab = applyDeviceEvent(lab, parseDeviceEvent('removed', JSON.stringify({ id: 'a' }))!);
    expect(lab.map((d) => d.id)).toEqual(['b']);
    expect(parseDeviceEvent('message', '{}')).toBeNull();
  });

  it('reads battery and temperature from what agents report', () => {
    expect(deviceVitals(device('a', 'available', { batteryLevel: 87, temperatureC: 31 }))).toEqual({
      batteryPct: 87,
      temperatureC: 31,
    });
    expect(deviceVitals(device('a', 'available', { battery: 80, temperature: 'hot' }))).toEqual({
      batteryPct: 80,
      temperatureC: null,
    });
  });
});

describe('run filters', () => {
  it('round-trips through the page URL and drops values the API would refuse', () => {
    const search = new URLSearchParams(
      `status=failed&status=bogus&status=errored&deploymentId=${ID_A}&deviceId=nope&createdAfter=2026-11-01`,
    );
    const f = filtersFromSearch(search);
    expect(f).toEqual({
      status: ['failed', 'errored'],
      deploymentId: ID_A,
      deviceId: '',
      createdAfter: '2026-11-01',
      createdBefore: '',
    });
    expect(filtersFromSearch(new URLSearchParams(searchOfFilters(f)))).toEqual(f);
    expect(searchOfFilters({ ...f, status: [], deploymentId: '', createdAfter: '' })).toBe('');
  });

  it('asks GET /v1/runs with repeated statuses and whole days', () => {
    const q = runsQuery({
      status: ['queued', 'running'],
      deploymentId: '',
      deviceId: ID_B,
      createdAfter: '2026-11-01',
      createdBefore: '2026-11-30',
    });
    const url = new URL(q, 'http://x');
    expect(url.pathname).toBe('/v1/runs');
    expect(url.searchParams.getAll('status')).toEqual(['queued', 'running']);
    expect(url.searchParams.get('deviceId')).toBe(ID_B);
    expect(url.searchParams.get('createdAfter')).toBe('2026-11-01T00:00:00.000Z');
    expect(url.searchParams.get('createdBefore')).toBe('2026-12-01T00:00:00.000Z');
    expect(url.searchParams.has('deploymentId')).toBe(false);
  });
});

describe('compare selection', () => {
  it('compares with a run or a baseline, and only when both sides are chosen', () => {
    const byRun = selectionFromSearch(new URLSearchParams(`a=${ID_A}&b=${ID_B}&threshold=5`));
    expect(compareQuery(byRun)).toBe(`/v1/runs/${ID_A}/compare?with=${ID_B}&threshold=5`);
    expect(selectionFromSearch(new URLSearchParams(searchOfSelection(byRun)))).toEqual(byRun);
    const byTag = selectionFromSearch(new URLSearchParams(`a=${ID_A}&baseline=main`));
    expect(compareQuery(byTag)).toBe(`/v1/runs/${ID_A}/compare?baseline=main`);
    expect(compareQuery(selectionFromSearch(new URLSearchParams(`a=${ID_A}`)))).toBeNull();
    expect(compareQuery(selectionFromSearch(new URLSearchParams(`a=${ID_A}&baseline=-bad`)))).toBeNull();
  });

  it('marks regressions, and improvements beyond the threshold', () => {
    const d = (deltaPct: number | null, regressed: boolean) => ({
      baseMs: 1,
      ms: 1,
      deltaMs: 0,
      deltaPct,
      regressed,
    });
    expect(deltaClass(d(25, true), 10)).toBe('regressed');
    expect(deltaClass(d(-25, false), 10)).toBe('improved');
    expect(deltaClass(d(-5, false), 10)).toBe('');
    expect(deltaClass(d(null, false), 10)).toBe('');
  });
});

describe('numbers', () => {
  it('computes GMAC/s at a latency', () => {
    expect(gmacPerSecond(2e9, 1000)).toBe(2);
    expect(gmacPerSecond(5e8, 10)).toBe(50);
    expect(gmacPerSecond(1, 0)).toBeNull();
  });

  it('formats sizes and ages', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(3 * 1024 ** 2)).toBe('3.00 MiB');
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(formatAgo('2026-11-26T09:59:30Z', now)).toBe('30 s ago');
    expect(formatAgo('2026-11-26T09:00:00Z', now)).toBe('1 h ago');
    expect(formatAgo(null, now)).toBe('never');
  });
});

describe('artifact targets', () => {
  const artifact = (kind: ApiArtifact['kind'], metadata: Record<string, unknown>): ApiArtifact => ({
    id: ID_A,
    sha256: 'a'.repeat(64),
    size: 1,
    kind,
    name: 'x',
    contentType: 'application/octet-stream',
    runId: null,
    jobId: null,
    deviceId: null,
    metadata,
    downloadUrl: `/v1/artifacts/${ID_A}/download`,
    createdAt: '2026-11-26T10:00:00Z',
  });
  it('says the ABI of a library, and the device, SoC and driver of tuned files', () => {
    expect(artifactTarget(artifact('library', { abi: 'arm64-v8a' }))).toBe('arm64-v8a');
    expect(artifactTarget(artifact('tuned_binary', { deviceModel: 'Pixel 3', soc: 'sdm845', driver: '2.1' }))).toBe(
      'Pixel 3 · sdm845 · driver 2.1',
    );
    expect(artifactTarget(artifact('model_graph', {}))).toBe('—');
  });
});
