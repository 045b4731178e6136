// `mace run|benchmark|validate|tune` against the service: upload the deployment's files (by
// checksum, skipping what is stored), submit the run, show progress per job and the log, print the
// results; optionally compare with a baseline (the gate), set a baseline, write --json / --junit.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  MAX_TIME_LIMIT_S,
  type ApiDevice,
  type ApiJob,
  type CreateRunRequest,
  type JobKind,
  type RunComparison,
} from '@mace/protocol';
import {
  buildRunSummary,
  followRunWithProgress,
  formatRunSummary,
  jobTarget,
  RunProgress,
  submitDeploymentFile,
  type ApiClient,
} from '../client/index.js';
import { intOption, secondsOption, UsageError, type OptionSpec } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { CONNECTION_OPTIONS, resolveRun } from './connection.js';
import { formatComparison, summarizeRegressions } from './comparison-report.js';
import { buildJunitReport } from './junit.js';
import { parseDeviceSelector, serialsOfDeviceYml } from './selector.js';

export type RemoteAction = 'run' | 'benchmark' | 'validate' | 'tune';

/** Options only remote runs have (the MACE options they share with local mode are the commands' own). */
export const REMOTE_RUN_OPTIONS: Record<string, OptionSpec> = {
  ...CONNECTION_OPTIONS,
  devices: {
    type: 'string',
    value: 'SELECTOR',
    description:
      'remote: which devices, key=value[,...] with id, serial, kind, abi, soc, model (default: all suitable)',
  },
  device_yml: {
    type: 'string',
    value: 'FILE',
    description: 'remote: run on the boards of a MACE devices.yml (serials ssh:<name>)',
  },
  baseline: {
    type: 'string',
    value: 'RUN|TAG',
    description: 'remote: compare the results with this run or baseline tag',
  },
  'fail-on-regression': {
    type: 'string',
    value: 'PCT',
    description: 'remote: exit 3 when an op or the latency is more than PCT% slower than --baseline',
  },
  'min-delta-ms': {
    type: 'string',
    value: 'MS',
    description: 'remote: smaller slow-downs never regress (default 0.01; raise it on noisy devices)',
  },
  'set-baseline': {
    type: 'string',
    value: 'TAG',
    description: 'remote: when all passed, make this run the baseline TAG',
  },
  junit: { type: 'string', value: 'FILE', description: 'remote: write a JUnit XML report (jobs and gate checks)' },
  timeout: { type: 'string', value: 'MIN', description: 'remote: give up waiting after MIN minutes (default 60)' },
  gpu_perf_hint: {
    type: 'string',
    value: 'N',
    description: "MACE's GPU performance hint 0-3 (accepted; this runtime has no hints)",
  },
  gpu_priority_hint: {
    type: 'string',
    value: 'N',
    description: "MACE's GPU priority hint 0-3 (accepted; this runtime has no hints)",
  },
  example: { type: 'boolean', description: "MACE's --example (run the example program): not available remotely" },
};

/** Options that make sense only with a server: using them locally is a usage error. */
export const REMOTE_ONLY = Object.keys(REMOTE_RUN_OPTIONS).filter(
  (k) => !['gpu_perf_hint', 'gpu_priority_hint', 'example'].includes(k),
);

const ACTIONS: Record<RemoteAction, (validate: boolean) => JobKind[]> = {
  run: (validate) => (validate ? ['validate', 'benchmark'] : ['benchmark']),
  benchmark: (validate) => (validate ? ['validate', 'benchmark'] : ['benchmark']),
  validate: () => ['validate'],
  tune: () => ['tune'],
};

interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  err: NodeJS.WritableStream;
}

/** A number option ≥ 0 (a percentage, milliseconds); undefined stays undefined. */
export function nonNegativeOption(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--${name} expects a number ≥ 0, got "${v}"`);
  return n;
}

function runRequest(action: RemoteAction, values: Record<string, unknown>): Omit<CreateRunRequest, 'deploymentId'> {
  const selector = values.devices ? parseDeviceSelector(String(values.devices)) : {};
  if (values.device_yml)
    selector.serials = [...(selector.serials ?? []), ...serialsOfDeviceYml(String(values.device_yml))];
  const threads = values.omp_num_threads === '-1' ? -1 : intOption(values, 'omp_num_threads');
  const policy = intOption(values, 'cpu_affinity_policy', 0);
  if (policy !== undefined && policy > 2) throw new UsageError('--cpu_affinity_policy must be 0, 1 or 2');
  const options: NonNullable<CreateRunRequest['options']> = {};
  const round = intOption(values, 'round');
  const warmup = intOption(values, 'warmup_runs', 0);
  if (round !== undefined) options.round = round;
  const maxTime = secondsOption(values, 'max_time', MAX_TIME_LIMIT_S);
  if (maxTime !== undefined) options.maxTime = maxTime;
  if (warmup !== undefined) options.warmupRuns = warmup;
  if (threads !== undefined) options.threads = threads;
  // Checked above: 0, 1 or 2.
  if (policy !== undefined) options.cpuAffinityPolicy = policy as 0 | 1 | 2;
  return {
    actions: ACTIONS[action](values.validate === true),
    ...(Object.keys(selector).length > 0 ? { devices: selector } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
}

export async function runRemote(
  client: ApiClient,
  action: RemoteAction,
  values: Record<string, unknown>,
  io: Io = { out: process.stdout, err: process.stderr },
): Promise<number> {
  if (!values.config) throw new UsageError('--config is required');
  if (values.example)
    throw new UsageError('--example runs the example program locally; it is not available with --server');
  for (const hint of ['gpu_perf_hint', 'gpu_priority_hint']) {
    if (values[hint] === undefined) continue;
    const n = intOption(values, hint, 0)!;
    if (n > 3) throw new UsageError(`--${hint} must be 0-3`);
    io.err.write(`note: --${hint} is accepted for MACE compatibility; this OpenCL runtime has no such hint\n`);
  }
  const gatePct = nonNegativeOption(values, 'fail-on-regression');
  const minDeltaMs = nonNegativeOption(values, 'min-delta-ms');
  if (gatePct !== undefined && !values.baseline) throw new UsageError('--fail-on-regression needs --baseline RUN|TAG');
  const timeoutMin = values.timeout === undefined ? 60 : Number(values.timeout);
  if (!(timeoutMin > 0)) throw new UsageError(`--timeout expects minutes > 0, got "${values.timeout}"`);
  const request = runRequest(action, values);

  // Resolve the baseline first: a typo in a tag should fail before minutes of work.
  const base = values.baseline ? await resolveRun(client, String(values.baseline)) : undefined;

  const file = String(values.config);
  const submitted = await submitDeploymentFile(client, file, (u) =>
    io.out.write(
      `${u.created ? 'uploaded' : 'stored  '} ${path.basename(u.file)} (sha256 ${u.sha256.slice(0, 12)}…, ${u.size} bytes)\n`,
    ),
  );
  for (const w of submitted.deployment.warnings) io.err.write(`warning: ${w.path}: ${w.message}\n`);
  const created = await client.createRun({ deploymentId: submitted.deployment.id, ...request });
  io.out.write(`run ${created.id}: ${request.actions.join(' + ')}, ${created.jobs.length} jobs\n`);

  const devices = new Map<string, ApiDevice>(
    (await client.listAll<ApiDevice>('/v1/devices')).map((d) => [d.id, d] as const),
  );
  const deviceName = (id: string) => devices.get(id)?.serial;
  const live = io.out.isTTY === true;
  const progress = new RunProgress(io.out, { live, deviceName });
  progress.update(created);
  const jobs = new Map<string, ApiJob>(created.jobs.map((j) => [j.id, j]));
  const run = await followRunWithProgress(client, created.id, progress, timeoutMin * 60_000, (line) => {
    // A terminal shows the latest line per job in the live view; CI logs get every line.
    if (live || !line.text.trim()) return;
    const job = line.jobId ? jobs.get(line.jobId) : undefined;
    io.out.write(`  | ${job ? `${job.kind} ${jobTarget(job, deviceName)}: ` : ''}${line.text.trimEnd()}\n`);
  });

  const results = await client.getRunResults(run.id);
  const summary = buildRunSummary(run, results, devices);
  io.out.write(formatRunSummary(summary));

  let exit: number = run.status === 'succeeded' ? EXIT.ok : EXIT.failed;
  if (exit !== EXIT.ok) io.err.write(`run ${run.id} ended ${run.status}: ${run.reason ?? 'no reason given'}\n`);
  let comparison: (RunComparison & { baselineTag: string | null }) | undefined;
  if (base && exit === EXIT.ok) {
    comparison = await client.compareRuns(run.id, base.tag ? { baseline: base.tag } : { with: base.runId }, {
      thresholdPct: gatePct,
      minDeltaMs,
    });
    io.out.write(`\n${formatComparison(comparison, { allOps: false, deviceName })}`);
    if (gatePct !== undefined && comparison.regressions.length > 0) {
      io.err.write(`gate failed: ${summarizeRegressions(comparison.regressions)}\n`);
      exit = EXIT.gate;
    }
  }
  if (values['set-baseline'] && exit === EXIT.ok) {
    const b = await client.setBaseline(run.id, String(values['set-baseline']));
    io.out.write(`baseline ${b.tag} → run ${b.runId}\n`);
  }
  if (values.json)
    writeOut(
      String(values.json),
      `${JSON.stringify({ ...summary, comparison: comparison ?? null, exitCode: exit }, null, 2)}\n`,
    );
  if (values.junit) writeOut(String(values.junit), buildJunitReport({ run, comparison, deviceName }));
  return exit;
}

function writeOut(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}
