// Unit tests of the remote commands' pure parts: the --devices selector, the JUnit report (valid
// XML with hostile names, failures carrying the regressed ops) and the comparison text.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { compareRunResults, type ComparableRunResults } from '@mace/protocol';
import type { ApiJob, ApiRun } from '../src/client/index.js';
import { UsageError } from '../src/command.js';
import { formatComparison } from '../src/remote/comparison-report.js';
import { buildJunitReport } from '../src/remote/junit.js';
import { parseDeviceSelector } from '../src/remote/selector.js';

const DEV = '00000000-0000-7000-8000-000000000001';

function results(runId: string, convMs: number): ComparableRunResults {
  return {
    runId,
    validation: [],
    benchmarks: [
      {
        jobId: `${runId}-job`,
        deviceId: DEV,
        modelTag: 'net',
        meanMs: convMs + 1,
        medianMs: convMs + 1,
        p90Ms: convMs + 1,
        p99Ms: convMs + 1,
        threads: 2,
        ops: [
          { index: 0, name: 'conv<&>"1', type: 'Conv2D', avgMs: convMs },
          { index: 1, name: 'relu', type: 'Activation', avgMs: 1 },
        ],
        opTypes: [],
      },
    ],
  };
}

function job(over: Partial<ApiJob>): ApiJob {
  return {
    id: 'j',
    runId: 'r',
    kind: 'benchmark',
    status: 'succeeded',
    reason: null,
    attempts: 1,
    deviceId: DEV,
    abi: 'host',
    modelTag: 'net',
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:01.000Z',
    finishedAt: '2026-01-01T00:00:03.500Z',
    ...over,
  };
}

const run = (jobs: ApiJob[]): ApiRun => ({
  id: 'run-2',
  deploymentId: 'd',
  status: 'failed',
  reason: null,
  actions: ['benchmark'],
  options: {},
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  jobs,
});

const parse = (xml: string) =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (n) => ['testsuite', 'testcase'].includes(n),
  }).parse(xml);

describe('parseDeviceSelector', () => {
  it('reads key=value pairs, repeatable ids and serials', () => {
    expect(parseDeviceSelector('abi=arm64-v8a, soc=sdm845,serial=a,serial=b,kind=android')).toEqual({
      abi: 'arm64-v8a',
      soc: 'sdm845',
      serials: ['a', 'b'],
      kind: 'android',
    });
  });
  it('refuses unknown keys, bare words and unknown kinds with a usage error', () => {
    expect(() => parseDeviceSelector('gpu=adreno')).toThrow(UsageError);
    expect(() => parseDeviceSelector('arm64')).toThrow(/is not key=value/);
    expect(() => parseDeviceSelector('kind=phone')).toThrow(/kind must be one of host, android, linux/);
  });
});

describe('buildJunitReport', () => {
  it('one testcase per device job; failed jobs fail, unrun ones are skipped; valid XML', () => {
    const xml = buildJunitReport({
      run: run([
        job({ id: 'a' }),
        job({ id: 'b', kind: 'validate', status: 'failed', reason: 'cosine 0.5 < 0.999 <&>' }),
        job({ id: 'c', status: 'pending', startedAt: null, finishedAt: null }),
        job({ id: 'd', kind: 'build', deviceId: null }),
      ]),
      deviceName: () => 'host:"ci"',
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parse(xml);
    expect(doc.testsuites).toMatchObject({ tests: '3', failures: '1', skipped: '1' });
    const cases = doc.testsuites.testsuite[0].testcase;
    expect(cases.map((c: { classname: string; name: string }) => [c.classname, c.name])).toEqual([
      ['mace.benchmark', 'net on host:"ci"'],
      ['mace.validate', 'net on host:"ci"'],
      ['mace.benchmark', 'net on host:"ci"'],
    ]);
    expect(cases[0].time).toBe('2.500');
    expect(cases[1].failure.message).toBe('validate failed: cosine 0.5 < 0.999 <&>');
    expect(cases[2].skipped).toBeDefined();
  });

  it('a gate testcase per compared model fails with the regressed ops', () => {
    const comparison = { ...compareRunResults(results('run-1', 2), results('run-2', 4)), baselineTag: 'main' };
    const xml = buildJunitReport({ run: run([job({})]), comparison, deviceName: () => 'host:ci' });
    expect(XMLValidator.validate(xml)).toBe(true);
    const gate = parse(xml).testsuites.testsuite[1];
    expect(gate).toMatchObject({ name: 'mace gate run-2', tests: '1', failures: '1' });
    expect(gate.testcase[0].name).toBe('net on host:ci against baseline main');
    expect(gate.testcase[0].failure.message).toBe('slower than 10%: ops conv<&>"1');
    expect(gate.testcase[0].failure['#text']).toContain('op conv<&>"1 (Conv2D): 2.000 ms → 4.000 ms (+100.0%)');
    const passing = compareRunResults(results('run-1', 2), results('run-2', 2));
    const ok = parse(buildJunitReport({ run: run([job({})]), comparison: passing })).testsuites.testsuite[1];
    expect(ok.failures).toBe('0');
    expect(ok.testcase[0].failure).toBeUndefined();
  });
});

describe('formatComparison', () => {
  it('marks regressed ops and latency; the gate view lists only regressed ops', () => {
    const c = compareRunResults(results('run-1', 2), results('run-2', 4));
    const all = formatComparison(c, { allOps: true });
    expect(all).toMatch(/^0\s+conv<&>"1\s+Conv2D\s+2\.000\s+4\.000\s+\+100\.0%\s+REGRESSED$/m);
    expect(all).toMatch(/^1\s+relu\s+Activation\s+1\.000\s+1\.000\s+\+0\.0%$/m);
    expect(all).toMatch(/^meanMs\s+3\.000\s+5\.000\s+2\.000\s+\+66\.7%\s+REGRESSED$/m);
    expect(all).toContain('regression(s): op conv<&>"1 (+100.0%), latency meanMs');
    const gate = formatComparison(c, { allOps: false });
    expect(gate).not.toMatch(/^1\s+relu/m);
    expect(formatComparison(compareRunResults(results('a', 2), results('b', 2)), { allOps: false })).toContain(
      'no regressions',
    );
  });
});
