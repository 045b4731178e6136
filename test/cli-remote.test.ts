// The `mace` command against the running service (api + worker + host agent from scripts/start.mjs,
// on a fresh database and queue prefix), as a CI pipeline uses it: a 2-thread benchmark of
// squeezenet1_1 becomes the baseline; a run like it passes the gate (exit 0); a run made slower on
// purpose (--omp_num_threads 1) fails it with exit 3 and the regressed ops listed, and its --junit
// report is valid JUnit XML (parsed with a real XML parser). Also: devices, runs, compare, artifacts
// download (checksums), and the exit codes of usage and service errors; the token is never printed.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../apps/cli/src/client/index.js';
import { getTestServices, type TestServices } from './helpers/services.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const DEPLOYMENT = path.join(repoRoot, 'test/fixtures/deploy/squeezenet1_1.yml');
/** The first run may compile the host runtime when native/ changed since the last build. */
const RUN_TIMEOUT_MS = 900_000;

let services: TestServices;
let stack: LocalStack;
let work: string;
const token = `cli-e2e-admin-${randomBytes(16).toString('hex')}`;

interface Cli {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built `mace`, not on a terminal (CI's plain-line output); the token comes from MACE_TOKEN. */
function mace(args: string[], env: Record<string, string> = {}): Promise<Cli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'apps/cli/bin/mace.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, MACE_SERVER: stack.baseUrl, MACE_TOKEN: token, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const show = (r: Cli) =>
  `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}\n--- stack\n${stack.logTail(30)}`;

async function waitForHost(): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await fetch(`${stack.baseUrl}/v1/devices?kind=host&state=available`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.ok && ((await res.json()) as { items: unknown[] }).items.length > 0) return;
    if (Date.now() > deadline) throw new Error(`no host device came online:\n${stack.logTail(30)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const benchmark = (threads: number, extra: string[]) =>
  mace([
    'benchmark',
    '--config',
    DEPLOYMENT,
    '--devices',
    'kind=host',
    '--round',
    '50',
    '--omp_num_threads',
    String(threads),
    ...extra,
  ]);

beforeAll(async () => {
  const tsc = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', 'apps/api', 'apps/worker', 'apps/agent', 'apps/cli'],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  services = await getTestServices();
  work = await mkdtemp(path.join(tmpdir(), 'mace-cli-remote-'));
  stack = await startLocalStack({
    root: repoRoot,
    logFile: path.join(work, 'stack.log'),
    env: {
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      MACE_QUEUE_PREFIX: services.redisPrefix,
      ARTIFACT_DIR: path.join(work, 'artifacts'),
      MACE_ADMIN_TOKEN: token,
      LOG_LEVEL: 'warn',
    },
  });
  await waitForHost();
});

afterAll(async () => {
  await stack?.stop();
  await services?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('mace against the service', () => {
  let baselineRun: string;
  let slowRun: string;

  it(
    'a 2-thread benchmark becomes the baseline; the same again passes the gate (exit 0)',
    async () => {
      const first = await benchmark(2, ['--set-baseline', 'e2e-main', '--json', path.join(work, 'base.json')]);
      expect(first.code, show(first)).toBe(0);
      expect(first.stdout).toMatch(/^uploaded +squeezenet1_1\.onnx \(sha256 66f56bf43d4d/m);
      expect(first.stdout).toMatch(/✓ benchmark +squeezenet1_1 on host:/);
      expect(first.stdout).toMatch(/^ {2}\| benchmark squeezenet1_1 on host:\S+: /m); // the streamed log, plain lines
      expect(first.stdout).toContain('baseline e2e-main → run ');
      const base = JSON.parse(await readFile(path.join(work, 'base.json'), 'utf8'));
      baselineRun = base.run.id;
      expect(base).toMatchObject({ run: { status: 'succeeded' }, exitCode: 0, comparison: null });
      expect(base.devices[0].latency.threads).toBe(2);

      // A shared 2-core machine is noisy: this gate ignores slow-downs under 1 ms and 500%, which a
      // run like the baseline stays within however busy the machine is.
      const again = await benchmark(2, [
        '--baseline',
        'e2e-main',
        '--fail-on-regression',
        '500',
        '--min-delta-ms',
        '1',
      ]);
      expect(again.code, show(again)).toBe(0);
      expect(again.stdout).toContain(`against baseline e2e-main (run ${baselineRun})`);
      expect(again.stdout).toContain('no regressions');
      // the second upload found the model stored and did not send it again
      expect(again.stdout).toMatch(/^stored +squeezenet1_1\.onnx/m);
      for (const out of [first, again]) expect(out.stdout + out.stderr).not.toContain(token);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'a run made slower (--omp_num_threads 1) fails the gate with exit 3, the regressed ops listed, valid JUnit',
    async () => {
      const junit = path.join(work, 'slow.xml');
      const json = path.join(work, 'slow.json');
      const slow = await benchmark(1, [
        '--baseline',
        'e2e-main',
        '--fail-on-regression',
        '10',
        '--junit',
        junit,
        '--json',
        json,
      ]);
      expect(slow.code, show(slow)).toBe(3);
      const report = JSON.parse(await readFile(json, 'utf8'));
      slowRun = report.run.id;
      expect(report.exitCode).toBe(3);
      const cmp = report.comparison;
      expect(cmp).toMatchObject({ baseRunId: baselineRun, runId: slowRun, thresholdPct: 10, baselineTag: 'e2e-main' });
      expect(cmp.benchmarks[0]).toMatchObject({ baseThreads: 2, threads: 1, regressed: true });
      const regressedOps: string[] = cmp.regressions
        .filter((r: { kind: string }) => r.kind === 'op')
        .map((r: { name: string }) => r.name);
      expect(regressedOps.length).toBeGreaterThan(0);
      expect(slow.stderr).toMatch(/^gate failed: op /m);
      for (const op of regressedOps) expect(slow.stderr).toContain(`op ${op} (+`);
      expect(slow.stdout).toMatch(/squeezenet1_1 on host:\S+ \(threads 2 → 1\): REGRESSED/);

      const xml = await readFile(junit, 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      const doc = new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '',
        isArray: (name) => ['testsuite', 'testcase', 'failure'].includes(name),
      }).parse(xml);
      const suites = doc.testsuites.testsuite as {
        name: string;
        tests: string;
        failures: string;
        testcase: { name: string; classname: string; failure?: { message: string; '#text'?: string }[] }[];
      }[];
      expect(suites.map((s) => s.name)).toEqual([`mace run ${slowRun}`, `mace gate ${slowRun}`]);
      const [jobs, gate] = suites;
      expect(jobs!.testcase.map((t) => t.classname)).toEqual(['mace.benchmark']);
      expect(jobs!.testcase[0]!.failure).toBeUndefined();
      expect(Number(jobs!.tests)).toBe(jobs!.testcase.length);
      const failed = gate!.testcase.filter((t) => t.failure);
      expect(failed).toHaveLength(1);
      expect(Number(gate!.failures)).toBe(1);
      expect(Number(doc.testsuites.failures)).toBe(1);
      const failure = failed[0]!.failure![0]!;
      expect(failed[0]!.name).toMatch(/^squeezenet1_1 on host:\S+ against baseline e2e-main$/);
      expect(failure.message).toBe(`slower than 10%: ops ${regressedOps.join(', ')}`);
      for (const op of regressedOps) expect(failure['#text']).toContain(`op ${op} (`);
    },
    RUN_TIMEOUT_MS,
  );

  it('compare marks the regressions; with --fail-on-regression it exits 3', async () => {
    const plain = await mace(['compare', 'e2e-main', slowRun]);
    expect(plain.code, show(plain)).toBe(0);
    expect(plain.stdout).toMatch(/REGRESSED/);
    expect(plain.stdout).toMatch(/^#\s+op\s+type\s+base ms\s+ms\s+delta\s+status$/m);
    const gated = await mace(['compare', baselineRun, slowRun, '--fail-on-regression', '10']);
    expect(gated.code, show(gated)).toBe(3);
  });

  it('devices, runs and baseline list what the service has', async () => {
    const devices = await mace(['devices']);
    expect(devices.code, show(devices)).toBe(0);
    expect(devices.stdout).toMatch(/^host:\S+\s+host\s+available/m);
    const runs = await mace(['runs', '--status', 'succeeded']);
    expect(runs.code, show(runs)).toBe(0);
    expect(runs.stdout).toContain(slowRun);
    expect(runs.stdout).toContain(baselineRun);
    const baselines = await mace(['baseline']);
    expect(baselines.stdout).toMatch(new RegExp(`^e2e-main\\s+${baselineRun}`, 'm'));
    const moved = await mace(['baseline', slowRun, '--tag', 'e2e-slow']);
    expect(moved.code, show(moved)).toBe(0);
    expect(moved.stdout).toBe(`baseline e2e-slow → run ${slowRun}\n`);
  });

  it("artifacts download writes a run's artifacts with verified checksums", async () => {
    const out = path.join(work, 'downloads');
    const r = await mace(['artifacts', 'download', baselineRun, '--out', out]);
    expect(r.code, show(r)).toBe(0);
    const files = await readdir(out);
    expect(files.length).toBeGreaterThan(0);
    const listed = r.stdout.trim().split('\n');
    expect(listed).toHaveLength(files.length);
    for (const line of listed) {
      const [file, , , , sha] = line.split(/\s+/);
      const bytes = await readFile(file!.startsWith('/') ? file! : path.join(repoRoot, file!));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
    }
  });

  it('exit codes: 2 for usage errors, 4 for a bad token or an unreachable service', async () => {
    const usage = await mace(['benchmark', '--config', DEPLOYMENT, '--fail-on-regression', '5']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--fail-on-regression needs --baseline RUN|TAG');
    const badToken = 'mace_user_not-a-real-token-0123456789abcdef';
    const denied = await mace(['--token', badToken, 'devices']);
    expect(denied.code).toBe(4);
    expect(denied.stderr).toMatch(/HTTP 401: .*\(check --token \/ MACE_TOKEN\)/);
    expect(denied.stdout + denied.stderr).not.toContain(badToken);
    const unreachable = await mace(['runs'], { MACE_SERVER: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain('unreachable');
    const unknownTag = await mace(['compare', 'no-such-tag', slowRun]);
    expect(unknownTag.code).toBe(4);
    expect(unknownTag.stderr).toContain('baseline no-such-tag not found');
  });
});
