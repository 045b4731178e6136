// parseBenchmarkResult accepts what benchmark_model writes and rejects anything else with the
// path and reason of the first problem; the schema is well-formed and covers the type.

import { describe, expect, it } from 'vitest';
import {
  BenchmarkResultError,
  benchmarkResultSchema,
  parseBenchmarkResult,
  type BenchmarkResult,
  type JsonSchema,
  validateAgainstSchema,
} from '../src/index.js';

// Written by `benchmark_model --json` on a two-Identity model (native/test/tools/benchmark_model_test.cc).
const FROM_DEVICE = `{
  "model": "/tmp/bmdemo/m.mace",
  "threads": 1,
  "init_ms": 0.140804,
  "first_ms": 0.007945,
  "runs": {"count": 100, "min_ms": 0.00051, "median_ms": 0.000521, "p90_ms": 0.000521, "p99_ms": 0.000601, "max_ms": 0.000751, "mean_ms": 0.000522, "std_ms": 0.000025},
  "peak_rss_kb": 3880,
  "macs": 0,
  "ops": [
    {"name": "id1", "type": "Identity", "start_ms": 0, "avg_ms": 0.00023, "pct": 60.526316, "cdf_pct": 60.526316, "macs": 0, "gmacps": 0, "output_shape": [[1, 4]]},
    {"name": "id2", "type": "Identity", "start_ms": 0.00043, "avg_ms": 0.00015, "pct": 39.473684, "cdf_pct": 100, "macs": 0, "gmacps": 0, "output_shape": [[1, 4]]}
  ],
  "by_type": [
    {"type": "Identity", "count": 2, "avg_ms": 0.00038, "pct": 100, "cdf_pct": 100, "macs": 0, "gmacps": 0}
  ]
}
`;

function sample(): BenchmarkResult {
  return {
    model: 'models/mobilenet_v2.mace',
    threads: 4,
    init_ms: 12.5,
    first_ms: 20,
    runs: { count: 10, min_ms: 9, median_ms: 11, p90_ms: 14, p99_ms: 30, max_ms: 30, mean_ms: 13.2, std_ms: 5.775812 },
    peak_rss_kb: 40960,
    macs: 8000000,
    ops: [
      {
        name: 'conv1',
        type: 'Conv',
        start_ms: 0,
        avg_ms: 4,
        pct: 53.333333,
        cdf_pct: 53.333333,
        macs: 6000000,
        gmacps: 1.5,
        output_shape: [[1, 8, 4, 4]],
      },
      {
        name: 'relu1',
        type: 'Relu',
        start_ms: 4,
        avg_ms: 1,
        pct: 13.333333,
        cdf_pct: 66.666667,
        macs: 0,
        gmacps: 0,
        output_shape: [[1, 8, 4, 4]],
      },
      {
        name: 'conv2',
        type: 'Conv',
        start_ms: 5,
        avg_ms: 2,
        pct: 26.666667,
        cdf_pct: 93.333333,
        macs: 2000000,
        gmacps: 1,
        output_shape: [[1, 8, 4, 4]],
      },
      {
        name: 'pool',
        type: 'MaxPool',
        start_ms: 7,
        avg_ms: 0.5,
        pct: 6.666667,
        cdf_pct: 100,
        macs: 0,
        gmacps: 0,
        output_shape: [
          [1, 8, 2, 2],
          [1, 8, 2, 2],
        ],
      },
    ],
    by_type: [
      { type: 'Conv', count: 2, avg_ms: 6, pct: 80, cdf_pct: 80, macs: 8000000, gmacps: 1.333333 },
      { type: 'Relu', count: 1, avg_ms: 1, pct: 13.333333, cdf_pct: 93.333333, macs: 0, gmacps: 0 },
      { type: 'MaxPool', count: 1, avg_ms: 0.5, pct: 6.666667, cdf_pct: 100, macs: 0, gmacps: 0 },
    ],
  };
}

function errorOf(value: unknown): BenchmarkResultError {
  try {
    parseBenchmarkResult(value);
  } catch (e) {
    expect(e).toBeInstanceOf(BenchmarkResultError);
    return e as BenchmarkResultError;
  }
  throw new Error('expected parseBenchmarkResult to throw');
}

/** A mutable copy of the sample; the edits deliberately break its typed shape. */
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function mutated(edit: (r: Loose) => void): unknown {
  const r = sample() as unknown as Loose;
  edit(r);
  return r;
}

describe('parseBenchmarkResult: valid input', () => {
  it('accepts the JSON benchmark_model writes, as text or parsed', () => {
    const parsed = parseBenchmarkResult(FROM_DEVICE);
    expect(parsed.ops.map((o) => o.name)).toEqual(['id1', 'id2']);
    expect(parsed.ops[1].output_shape).toEqual([[1, 4]]);
    expect(parsed.by_type[0]).toEqual({
      type: 'Identity',
      count: 2,
      avg_ms: 0.00038,
      pct: 100,
      cdf_pct: 100,
      macs: 0,
      gmacps: 0,
    });
    expect(parseBenchmarkResult(JSON.parse(FROM_DEVICE))).toEqual(parsed);
  });

  it('returns an equal copy of a valid result', () => {
    const input = sample();
    const out = parseBenchmarkResult(input);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    expect(out.ops).not.toBe(input.ops);
  });

  it('drops unknown properties at every level', () => {
    const out = parseBenchmarkResult(
      mutated((r) => {
        r.device = 'pixel';
        r.runs.p95_ms = 1;
        r.ops[0].extra = true;
      }),
    );
    expect(out).toEqual(sample());
  });

  it('accepts a result without ops (a model whose run produced no op stats)', () => {
    const out = parseBenchmarkResult(
      mutated((r) => {
        r.ops = [];
        r.by_type = [];
        r.macs = 0;
      }),
    );
    expect(out.ops).toEqual([]);
  });
});

describe('parseBenchmarkResult: errors name the path and the reason', () => {
  const cases: [string, (r: Loose) => void, string, string][] = [
    ['a missing section', (r) => delete r.runs, '$.runs', 'is required but missing'],
    ['a missing nested field', (r) => delete r.runs.p99_ms, '$.runs.p99_ms', 'is required but missing'],
    ['a missing op field', (r) => delete r.ops[2].type, '$.ops[2].type', 'is required but missing'],
    [
      'a string for a number',
      (r) => (r.ops[1].avg_ms = '1.0'),
      '$.ops[1].avg_ms',
      'expected a finite number, got the string "1.0"',
    ],
    ['null for a number', (r) => (r.init_ms = null), '$.init_ms', 'expected a finite number, got null'],
    ['a non-finite number', (r) => (r.first_ms = Infinity), '$.first_ms', 'expected a finite number, got Infinity'],
    ['NaN', (r) => (r.runs.std_ms = NaN), '$.runs.std_ms', 'expected a finite number, got NaN'],
    ['a fractional count', (r) => (r.threads = 1.5), '$.threads', 'expected an integer, got 1.5'],
    ['zero threads', (r) => (r.threads = 0), '$.threads', 'must be >= 1, got 0'],
    ['zero runs', (r) => (r.runs.count = 0), '$.runs.count', 'must be >= 1, got 0'],
    ['a negative time', (r) => (r.runs.min_ms = -1), '$.runs.min_ms', 'must be >= 0, got -1'],
    ['a share over 100%', (r) => (r.by_type[0].pct = 100.5), '$.by_type[0].pct', 'must be <= 100, got 100.5'],
    ['an empty model path', (r) => (r.model = ''), '$.model', 'must not be empty'],
    ['an object for an array', (r) => (r.ops = {}), '$.ops', 'expected an array, got an object'],
    ['an array for an object', (r) => (r.runs = []), '$.runs', 'expected an object, got an array'],
    [
      'a flat output shape',
      (r) => (r.ops[3].output_shape = [1, 8]),
      '$.ops[3].output_shape[0]',
      'expected an array, got the number 1',
    ],
    [
      'a negative dimension',
      (r) => (r.ops[3].output_shape[1][2] = -1),
      '$.ops[3].output_shape[1][2]',
      'must be >= 0, got -1',
    ],
    ['a fractional MAC count', (r) => (r.ops[0].macs = 0.5), '$.ops[0].macs', 'expected an integer, got 0.5'],
    ['a number for a name', (r) => (r.ops[0].name = 7), '$.ops[0].name', 'expected a string, got the number 7'],
    ['a zero type count', (r) => (r.by_type[2].count = 0), '$.by_type[2].count', 'must be >= 1, got 0'],
    // relations beyond the schema
    ['percentiles out of order', (r) => (r.runs.p90_ms = 10), '$.runs.p90_ms', 'must be >= runs.median_ms (10 < 11)'],
    ['max below p99', (r) => (r.runs.max_ms = 29), '$.runs.max_ms', 'must be >= runs.p99_ms (29 < 30)'],
    [
      'a mean outside min..max',
      (r) => (r.runs.mean_ms = 31),
      '$.runs.mean_ms',
      'must lie between runs.min_ms and runs.max_ms, got 31',
    ],
    [
      'a decreasing op cdf',
      (r) => (r.ops[2].cdf_pct = 60),
      '$.ops[2].cdf_pct',
      'must not decrease along the run order (60 < 66.666667)',
    ],
    [
      'unsorted types',
      (r) => (r.by_type[2].avg_ms = 2),
      '$.by_type[2].avg_ms',
      'by_type must be sorted by avg_ms, longest first (2 > 1)',
    ],
    ['total MACs not the sum', (r) => (r.macs = 1), '$.macs', 'must equal the sum of ops[].macs (8000000), got 1'],
  ];
  for (const [what, edit, path, reason] of cases) {
    it(what, () => {
      const e = errorOf(mutated(edit));
      expect(e.path).toBe(path);
      expect(e.reason).toBe(reason);
      expect(e.message).toBe(`invalid benchmark result at ${path}: ${reason}`);
    });
  }

  it('rejects non-objects and bad JSON text', () => {
    expect(errorOf(null).path).toBe('$');
    expect(errorOf(null).reason).toBe('expected an object, got null');
    expect(errorOf([]).reason).toBe('expected an object, got an array');
    expect(errorOf(42).reason).toBe('expected an object, got the number 42');
    const e = errorOf('{"model": ');
    expect(e.path).toBe('$');
    expect(e.reason).toMatch(/^not valid JSON: /);
    expect(errorOf('"just a string"').reason).toBe('expected an object, got the string "just a string"');
  });

  it('quotes keys that are not identifiers in paths', () => {
    const schema: JsonSchema = {
      type: 'object',
      required: ['a-b'],
      properties: {
        'a-b': { type: 'array', items: { type: 'object', required: ['x'], properties: { x: { type: 'integer' } } } },
      },
    };
    expect(() => validateAgainstSchema(schema, {})).toThrow(
      'invalid benchmark result at $["a-b"]: is required but missing',
    );
    expect(() => validateAgainstSchema(schema, { 'a-b': [{ x: 1 }, { x: 'y' }] })).toThrow(
      'invalid benchmark result at $["a-b"][1].x: expected a finite number, got the string "y"',
    );
  });
});

describe('benchmarkResultSchema', () => {
  const SUPPORTED = new Set([
    '$schema',
    '$id',
    'title',
    'description',
    'type',
    'properties',
    'required',
    'items',
    'minItems',
    'minLength',
    'minimum',
    'maximum',
  ]);

  function walk(schema: JsonSchema, path: string, visit: (s: JsonSchema, path: string) => void): void {
    visit(schema, path);
    for (const [k, sub] of Object.entries(schema.properties ?? {})) walk(sub, `${path}.${k}`, visit);
    if (schema.items) walk(schema.items, `${path}[]`, visit);
  }

  it('is draft 2020-12 and uses only the keywords the parser interprets', () => {
    expect(benchmarkResultSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(benchmarkResultSchema.title).toBe('BenchmarkResult');
    walk(benchmarkResultSchema, '$', (s, path) => {
      for (const key of Object.keys(s)) expect(SUPPORTED.has(key), `${path}: ${key}`).toBe(true);
      expect(['object', 'array', 'string', 'number', 'integer']).toContain(s.type);
      if (s.type === 'object') {
        // Every property is required: the writer always emits all of them.
        expect(Object.keys(s.properties ?? {}).sort(), path).toEqual([...(s.required ?? [])].sort());
      }
      if (s.type === 'array') expect(s.items, path).toBeDefined();
    });
  });

  it('names exactly the fields of BenchmarkResult', () => {
    const r = sample();
    const keysOf = (s: JsonSchema) => Object.keys(s.properties ?? {}).sort();
    expect(keysOf(benchmarkResultSchema)).toEqual(Object.keys(r).sort());
    expect(keysOf(benchmarkResultSchema.properties!.runs)).toEqual(Object.keys(r.runs).sort());
    expect(keysOf(benchmarkResultSchema.properties!.ops.items!)).toEqual(Object.keys(r.ops[0]).sort());
    expect(keysOf(benchmarkResultSchema.properties!.by_type.items!)).toEqual(Object.keys(r.by_type[0]).sort());
  });

  it('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(benchmarkResultSchema))).toEqual(benchmarkResultSchema);
  });
});
