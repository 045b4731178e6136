// HTTP byte ranges (RFC 9110 §14): parses a `Range: bytes=…` header against a size. One range is
// served (206); several ranges, or a header in another unit, are ignored (the whole body, 200), as
// the RFC allows; a syntactically valid range that misses the content is unsatisfiable (416).

export type RangeResult = { kind: 'none' } | { kind: 'unsatisfiable' } | { kind: 'range'; start: number; end: number };

const SPEC = /^\s*(\d*)\s*-\s*(\d*)\s*$/;

/** `header` is the Range header (or undefined); `size` the representation's length in bytes. */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return { kind: 'none' };
  const m = /^\s*bytes\s*=(.*)$/i.exec(header);
  if (!m) return { kind: 'none' };
  const specs = m[1].split(',');
  if (specs.length !== 1) return { kind: 'none' };
  const spec = SPEC.exec(specs[0]);
  if (!spec || (spec[1] === '' && spec[2] === '')) return { kind: 'none' };
  if (spec[1] === '') {
    // suffix: the last N bytes
    const n = Number(spec[2]);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(spec[1]);
  const end = spec[2] === '' ? size - 1 : Math.min(Number(spec[2]), size - 1);
  if (spec[2] !== '' && Number(spec[2]) < start) return { kind: 'none' }; // invalid: ignored
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end };
}

/** Whether an If-None-Match header matches the strong ETag `etag` (weak comparison, as RFC 9110 says for it). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}

/** If-Range: serve the range only when the validator is our (strong) ETag. */
export function ifRangeAllows(ifRange: string | undefined, etag: string): boolean {
  if (!ifRange) return true;
  return ifRange.trim() === etag;
}
