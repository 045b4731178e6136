// JUnit XML of a remote run for CI test reports: one testcase per device job (failed, errored or
// cancelled jobs fail), and with a gate one testcase per compared model and device and per
// validated output (a failure lists the regressed ops and latency metrics).
import type { ApiJob, ApiRun, RunComparison } from '@mace/protocol';
import { jobDurationMs } from '../client/index.js';

// eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters
const NOT_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;
const xml = (s: string): string =>
  s
    .replace(NOT_XML, '')
    .replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);

interface TestCase {
  classname: string;
  name: string;
  seconds: number;
  failure?: { message: string; body: string };
  skipped?: string;
}

export interface JunitInput {
  run: ApiRun;
  comparison?: RunComparison & { baselineTag?: string | null };
  deviceName?: (id: string) => string | undefined;
}

export function buildJunitReport({ run, comparison, deviceName }: JunitInput): string {
  const device = (id: string | null) => (id === null ? '-' : (deviceName?.(id) ?? id));
  const jobCases: TestCase[] = run.jobs
    .filter((j): j is ApiJob & { deviceId: string } => j.deviceId !== null)
    .map((j) => ({
      classname: `mace.${j.kind}`,
      name: `${j.modelTag ?? '-'} on ${device(j.deviceId)}`,
      seconds: (jobDurationMs(j) ?? 0) / 1000,
      ...(j.status === 'succeeded'
        ? {}
        : j.status === 'pending' || j.status === 'queued'
          ? { skipped: `not run: the run ended ${run.status}` }
          : { failure: { message: `${j.kind} ${j.status}: ${j.reason ?? 'no reason given'}`, body: j.reason ?? '' } }),
    }));
  const gateCases: TestCase[] = [];
  if (comparison) {
    const against = comparison.baselineTag ? `baseline ${comparison.baselineTag}` : `run ${comparison.baseRunId}`;
    for (const b of comparison.benchmarks) {
      const regressed = [
        ...b.latency.filter((l) => l.regressed).map((l) => ({ what: `latency ${l.metric}`, ...l })),
        ...b.ops.filter((o) => o.regressed).map((o) => ({ what: `op ${o.name} (${o.type})`, ...o })),
      ];
      const typeLines = b.opTypes.filter((t) => t.regressed).map((t) => ({ what: `op type ${t.type}`, ...t }));
      const lines = [...regressed, ...typeLines].map(
        (r) => `${r.what}: ${r.baseMs?.toFixed(3)} ms → ${r.ms?.toFixed(3)} ms (+${r.deltaPct?.toFixed(1)}%)`,
      );
      const ops = b.ops.filter((o) => o.regressed).map((o) => o.name);
      gateCases.push({
        classname: 'mace.gate',
        name: `${b.modelTag} on ${device(b.deviceId ?? b.baseDeviceId)} against ${against}`,
        seconds: 0,
        ...(b.regressed
          ? {
              failure: {
                message: `slower than ${comparison.thresholdPct}%: ${ops.length > 0 ? `ops ${ops.join(', ')}` : 'latency'}`,
                body: lines.join('\n'),
              },
            }
          : {}),
      });
    }
    for (const v of comparison.validation)
      gateCases.push({
        classname: 'mace.gate',
        name: `validation ${v.modelTag} ${v.output} on ${device(v.deviceId)} against ${against}`,
        seconds: 0,
        ...(v.regressed
          ? { failure: { message: `passed in the base run, fails now (cosine ${v.value?.cosine})`, body: '' } }
          : {}),
      });
  }
  const suites = [
    suite(`mace run ${run.id}`, jobCases),
    ...(comparison ? [suite(`mace gate ${run.id}`, gateCases)] : []),
  ];
  const count = (f: (t: TestCase) => boolean) => [jobCases, gateCases].flat().filter(f).length;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="mace" tests="${count(() => true)}" failures="${count((t) => !!t.failure)}" skipped="${count((t) => !!t.skipped)}">\n` +
    suites.join('') +
    `</testsuites>\n`
  );
}

function suite(name: string, cases: TestCase[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const time = cases.reduce((s, c) => s + c.seconds, 0);
  let out = `  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">\n`;
  for (const c of cases) {
    const head = `    <testcase classname="${xml(c.classname)}" name="${xml(c.name)}" time="${c.seconds.toFixed(3)}"`;
    if (c.failure)
      out += `${head}>\n      <failure message="${xml(c.failure.message)}">${xml(c.failure.body)}</failure>\n    </testcase>\n`;
    else if (c.skipped) out += `${head}>\n      <skipped message="${xml(c.skipped)}"/>\n    </testcase>\n`;
    else out += `${head}/>\n`;
  }
  return `${out}  </testsuite>\n`;
}
