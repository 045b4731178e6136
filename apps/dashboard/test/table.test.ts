// Sorting and searching the dashboard's tables.
import { describe, expect, it } from 'vitest';
import { searchRows, sortRows, toggleSort } from '../src/lib/table';

interface Op {
  name: string;
  type: string;
  ms: number | null;
}
const ops: Op[] = [
  { name: 'conv10', type: 'Conv', ms: 2 },
  { name: 'conv2', type: 'Conv', ms: 5 },
  { name: 'pool1', type: 'MaxPool', ms: null },
  { name: 'relu', type: 'Relu', ms: 2 },
];
const value = (o: Op, k: keyof Op) => o[k];

describe('sortRows', () => {
  it('sorts numbers numerically and keeps equal rows in their order (stable)', () => {
    expect(sortRows(ops, { key: 'ms', direction: 'asc' }, value).map((o) => o.name)).toEqual([
      'conv10',
      'relu',
      'conv2',
      'pool1',
    ]);
    expect(sortRows(ops, { key: 'ms', direction: 'desc' }, value).map((o) => o.name)).toEqual([
      'conv2',
      'conv10',
      'relu',
      'pool1',
    ]);
  });

  it('sorts text with numbers in it naturally, case-insensitively', () => {
    const rows = [{ n: 'Conv10' }, { n: 'conv2' }, { n: 'add' }];
    expect(sortRows(rows, { key: 'n', direction: 'asc' }, (r) => r.n).map((r) => r.n)).toEqual([
      'add',
      'conv2',
      'Conv10',
    ]);
  });

  it('does not change its input', () => {
    const copy = [...ops];
    sortRows(ops, { key: 'name', direction: 'desc' }, value);
    expect(ops).toEqual(copy);
  });
});

describe('toggleSort', () => {
  it('flips the direction of the same column and starts a new column at its initial direction', () => {
    expect(toggleSort({ key: 'ms', direction: 'asc' }, 'ms')).toEqual({ key: 'ms', direction: 'desc' });
    expect(toggleSort({ key: 'ms', direction: 'desc' }, 'ms')).toEqual({ key: 'ms', direction: 'asc' });
    expect(toggleSort({ key: 'ms', direction: 'asc' }, 'name', 'desc')).toEqual({ key: 'name', direction: 'desc' });
  });
});

describe('searchRows', () => {
  it('keeps rows containing every word, in any field, ignoring case', () => {
    const fields = (o: Op) => [o.name, o.type];
    expect(searchRows(ops, 'conv', fields).map((o) => o.name)).toEqual(['conv10', 'conv2']);
    expect(searchRows(ops, 'CONV 10', fields).map((o) => o.name)).toEqual(['conv10']);
    expect(searchRows(ops, 'maxpool', fields).map((o) => o.name)).toEqual(['pool1']);
    expect(searchRows(ops, '  ', fields)).toHaveLength(4);
    expect(searchRows(ops, 'gemm', fields)).toEqual([]);
  });
});
