// A sortable table header: a button inside <th> (keyboard usable), aria-sort on the column.
import type { SortState } from '../lib/table';

export function SortHeader<K extends string>({
  label,
  column,
  sort,
  onSort,
  numeric,
}: {
  label: string;
  column: K;
  sort: SortState<K>;
  onSort: (column: K) => void;
  numeric?: boolean;
}) {
  const active = sort.key === column;
  return (
    <th
      scope="col"
      aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
      className={numeric ? 'num' : undefined}
    >
      <button type="button" className="sort" onClick={() => onSort(column)}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}
