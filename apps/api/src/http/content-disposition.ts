// A Content-Disposition header that cannot break out of its quotes or name a path: the file name
// is reduced to its last path segment, stripped of control and quoting characters for the plain
// `filename=` (ASCII) and given in full, percent-encoded, in `filename*=` (RFC 6266 / 8187).

const FALLBACK = 'download';

/** The last path segment, without control characters; FALLBACK when nothing is left. */
export function safeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? FALLBACK : cleaned.slice(0, 200);
}

function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function contentDisposition(name: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const safe = safeFileName(name);
  const ascii = safe.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeRfc8187(safe)}`;
}
