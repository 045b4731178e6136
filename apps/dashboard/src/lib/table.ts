// Sorting and searching table rows: the per-op table, the device lab, the artifact list.

export type SortDirection = 'asc' | 'desc';

export interface SortState<K extends string> {
  key: K;
  direction: SortDirection;
}

type Cell = string | number | boolean | null | undefined;

function compareCells(a: Cell, b: Cell): number {
  // Missing values sort last whatever the direction is handled by the caller.
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''), undefined, { numeric: true, sensitivity: 'base' });
}

/** A sorted copy; equal rows keep their order (stable), missing values go last in both directions. */
export function sortRows<T, K extends string>(
  rows: readonly T[],
  sort: SortState<K>,
  value: (row: T, key: K) => Cell,
): T[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, v: value(row, sort.key) }))
    .sort((x, y) => {
      const xMissing = x.v === null || x.v === undefined || x.v === '';
      const yMissing = y.v === null || y.v === undefined || y.v === '';
      if (xMissing !== yMissing) return xMissing ? 1 : -1;
      return sign * compareCells(x.v, y.v) || x.i - y.i;
    })
    .map((x) => x.row);
}

/** The next sort after a click on column `key`: a new column sorts by `initial`, the same one flips. */
export function toggleSort<K extends string>(
  current: SortState<K>,
  key: K,
  initial: SortDirection = 'asc',
): SortState<K> {
  if (current.key !== key) return { key, direction: initial };
  return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
}

/**
 * Rows whose text fields contain every word of `query` (case-insensitive); an empty query keeps
 * every row. `fields` lists the searchable text of a row.
 */
export function searchRows<T>(rows: readonly T[], query: string, fields: (row: T) => Cell[]): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...rows];
  return rows.filter((row) => {
    const text = fields(row)
      .map((f) => String(f ?? ''))
      .join(' ')
      .toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
