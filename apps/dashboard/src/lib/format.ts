// Numbers and times as the dashboard shows them.

export function formatMs(ms: number | null | undefined, digits = 3): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return `${ms.toFixed(digits)} ms`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `12 s ago`, `3 min ago`, `2 h ago`, else the date; `now` is injectable for tests. */
export function formatAgo(iso: string | null, now: number = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatTime(iso: string | null): string {
  return iso ? new Date(iso).toISOString().slice(0, 19).replace('T', ' ') : '—';
}

export function formatDuration(startIso: string | null, endIso: string | null, now: number = Date.now()): string {
  if (!startIso) return '—';
  const ms = (endIso ? Date.parse(endIso) : now) - Date.parse(startIso);
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function shortId(id: string): string {
  return id.slice(-8);
}
