// The run list's filters, kept in the page's query string (shareable links) and turned into the
// query of GET /v1/runs (status repeatable, deploymentId, deviceId, createdAfter, createdBefore).
import { RUN_STATUSES, type RunStatus } from '@mace/protocol';

export interface RunFilters {
  status: RunStatus[];
  deploymentId: string;
  deviceId: string;
  createdAfter: string;
  createdBefore: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Filters from the page's query; values the API would refuse are dropped. */
export function filtersFromSearch(search: URLSearchParams): RunFilters {
  const id = (v: string | null): string => (v && UUID.test(v) ? v : '');
  const date = (v: string | null): string => (v && DATE.test(v) ? v : '');
  return {
    status: search.getAll('status').filter((s): s is RunStatus => (RUN_STATUSES as string[]).includes(s)),
    deploymentId: id(search.get('deploymentId')),
    deviceId: id(search.get('deviceId')),
    createdAfter: date(search.get('createdAfter')),
    createdBefore: date(search.get('createdBefore')),
  };
}

/** The page's query string for `filters` (dates as days). */
export function searchOfFilters(filters: RunFilters): string {
  const q = new URLSearchParams();
  for (const s of filters.status) q.append('status', s);
  if (filters.deploymentId) q.set('deploymentId', filters.deploymentId);
  if (filters.deviceId) q.set('deviceId', filters.deviceId);
  if (filters.createdAfter) q.set('createdAfter', filters.createdAfter);
  if (filters.createdBefore) q.set('createdBefore', filters.createdBefore);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** GET /v1/runs with the filters: days become ISO times (createdBefore: the end of that day). */
export function runsQuery(filters: RunFilters, limit = 50): string {
  const q = new URLSearchParams();
  for (const s of filters.status) q.append('status', s);
  if (filters.deploymentId) q.set('deploymentId', filters.deploymentId);
  if (filters.deviceId) q.set('deviceId', filters.deviceId);
  if (filters.createdAfter) q.set('createdAfter', `${filters.createdAfter}T00:00:00.000Z`);
  if (filters.createdBefore) {
    const end = new Date(`${filters.createdBefore}T00:00:00.000Z`);
    end.setUTCDate(end.getUTCDate() + 1);
    q.set('createdBefore', end.toISOString());
  }
  q.set('limit', String(limit));
  return `/v1/runs?${q.toString()}`;
}
