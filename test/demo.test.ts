// The service part of `npm run demo` (scripts/demo-service.mjs) against the real local PostgreSQL
// and Redis, on a fresh database and queue prefix: it starts api + worker + agent, uploads
// mobilenet_v2, runs validate + benchmark on this host through the REST API and writes its
// summary as JSON — checked here, and against the database. A run the API refuses makes it exit
// non-zero with the API's error body, and the stack is stopped either way.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@mace/db';
import { getTestServices, type TestServices } from './helpers/services.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const corpusModels = path.resolve(repoRoot, '../shared/corpus/models');
/** A run may compile the host runtime first when native/ changed since the last build. */
const RUN_TIMEOUT_MS = 600_000;

let services: TestServices;
let db: Db;
let work: string;

beforeAll(async () => {
  // The stack runs the compiled apps and the demo the compiled client: bring dist/ up to date (incremental).
  const tsc = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', 'apps/api', 'apps/worker', 'apps/agent', 'apps/cli'],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  services = await getTestServices();
  db = createDb(services.databaseUrl, { poolSize: 2 });
  work = await mkdtemp(path.join(tmpdir(), 'mace-demo-test-'));
});
afterAll(async () => {
  await db?.close();
  await services?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

interface Demo {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(args: string[], env: Record<string, string> = {}): Promise<Demo> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        'scripts/demo-service.mjs',
        '--database-url',
        services.databaseUrl,
        '--queue-prefix',
        services.redisPrefix,
        '--artifact-dir',
        path.join(work, 'artifacts'),
        ...args,
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, REDIS_URL: services.redisUrl, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Nothing answers at the stack's address any more. */
async function stackIsGone(baseUrl: string): Promise<boolean> {
  try {
    await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch {
    return true;
  }
}

describe('npm run demo: the service part', () => {
  it(
    'runs validate + benchmark through the API and writes a summary that matches the database',
    async () => {
      const jsonFile = path.join(work, 'summary.json');
      const demo = await runDemo(['--host-only', '--json', jsonFile]);
      const transcript = `${demo.stdout}\n${demo.stderr}`;
      expect(demo.code, transcript).toBe(0);
      for (const heading of [
        '== service',
        '== upload + deployment',
        '== run: validate + benchmark',
        '== summary',
        '== stopping the service',
      ])
        expect(demo.stdout, heading).toContain(heading);
      expect(demo.stdout).toMatch(/✓ benchmark +mobilenet_v2 on host:/);
      expect(demo.stdout).toMatch(/top 10 of \d+ ops by time/);
      expect(demo.stdout).toContain('stopped cleanly');

      const s = JSON.parse(await readFile(jsonFile, 'utf8'));
      expect(s.run.status).toBe('succeeded');
      expect(s.jobs.map((j: { kind: string; status: string }) => [j.kind, j.status])).toEqual([
        ['convert', 'succeeded'],
        ['build', 'succeeded'],
        ['validate', 'succeeded'],
        ['benchmark', 'succeeded'],
      ]);
      expect(s.uploads.map((u: { file: string }) => u.file)).toEqual(['mobilenet_v2.onnx', 'mobilenet_v2.input.npy']);

      expect(s.devices).toHaveLength(1);
      const host = s.devices[0];
      expect(host).toMatchObject({
        kind: 'host',
        abi: 'host',
        model: 'mobilenet_v2',
        serial: expect.stringMatching(/^host:/),
      });
      expect(host.validation).toHaveLength(1);
      for (const v of host.validation) {
        expect(v.cosine).toBeGreaterThanOrEqual(0.9999);
        expect(v).toMatchObject({ output: 'output', threshold: 0.9999, passed: true, top1: 1 });
      }
      const l = host.latency;
      expect(l).toMatchObject({ runs: 20, threads: expect.any(Number) });
      for (const key of ['initMs', 'firstMs', 'minMs', 'medianMs', 'p90Ms', 'p99Ms', 'maxMs'])
        expect(l[key], key).toBeGreaterThan(0);
      expect(l.minMs).toBeLessThanOrEqual(l.medianMs);
      expect(l.medianMs).toBeLessThanOrEqual(l.p90Ms);
      expect(l.p90Ms).toBeLessThanOrEqual(l.p99Ms);
      expect(l.p99Ms).toBeLessThanOrEqual(l.maxMs);
      expect(host.opRows).toBeGreaterThanOrEqual(10);
      expect(host.topOps).toHaveLength(10);
      const times = host.topOps.map((o: { avgMs: number }) => o.avgMs);
      expect(times).toEqual([...times].sort((a, b) => b - a));

      // the summary is what the service stored
      const run = await db.run.findUniqueOrThrow({
        where: { id: s.run.id },
        include: { benchmarkResults: { include: { ops: true } } },
      });
      expect(run.status).toBe('succeeded');
      expect(run.benchmarkResults).toHaveLength(1);
      expect(run.benchmarkResults[0]).toMatchObject({ medianMs: l.medianMs, deviceId: host.id, count: 20 });
      expect(run.benchmarkResults[0].ops).toHaveLength(host.opRows);
      const slowest = [...run.benchmarkResults[0].ops].sort((a, b) => b.avgMs - a.avgMs)[0];
      expect(host.topOps[0]).toMatchObject({ name: slowest.name, avgMs: slowest.avgMs });
      expect(await stackIsGone(s.service.baseUrl)).toBe(true);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'runs on the virtual farm: the host, the SSH board and both phones, a summary per device and one per-op table',
    async () => {
      const jsonFile = path.join(work, 'farm-summary.json');
      const demo = await runDemo(
        ['--json', jsonFile, '--round', '2', '--queue-prefix', `${services.redisPrefix}_farm`],
        {
          MACE_FARM_ADB_PORT: String(20_000 + Math.floor(Math.random() * 5_000)),
        },
      );
      const transcript = `${demo.stdout}\n${demo.stderr}`;
      expect(demo.code, transcript).toBe(0);
      expect(demo.stdout).toContain('== the virtual device farm');
      expect(demo.stdout).toMatch(/run: validate \+ benchmark on 4 devices \(round 2\)/);
      expect(demo.stdout).toMatch(/^per device$/m);
      expect(demo.stdout).toMatch(/top 10 of \d+ ops by time on (127\.0\.0\.1:\d+|ssh:virtual_board)/);
      const s = JSON.parse(await readFile(jsonFile, 'utf8'));
      expect(s.run.status).toBe('succeeded');
      expect(s.devices).toHaveLength(4);
      expect(new Set(s.devices.map((d: { kind: string }) => d.kind))).toEqual(new Set(['host', 'android', 'linux']));
      expect(s.devices.map((d: { abi: string }) => d.abi).sort()).toEqual([
        'arm64-v8a',
        'arm64-v8a',
        'armeabi-v7a',
        'host',
      ]);
      for (const d of s.devices) {
        expect(d.validation[0].cosine, d.serial).toBeGreaterThanOrEqual(0.9999);
        expect(d.latency, d.serial).toMatchObject({ runs: 2 });
        expect(d.opRows, d.serial).toBeGreaterThan(50);
      }
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'exits non-zero with the API’s error body when a step is refused, and still stops the stack',
    async () => {
      // the same deployment, for an ABI this host does not run: POST /v1/runs answers 422
      const fixture = await readFile(path.join(repoRoot, 'test/fixtures/deploy/mobilenet_v2.yml'), 'utf8');
      const yaml = fixture
        .replaceAll('../../../../shared/corpus/models', corpusModels)
        .replace('target_abis: [host]', 'target_abis: [armeabi-v7a]');
      const deployment = path.join(work, 'armv7.yml');
      await writeFile(deployment, yaml);
      const demo = await runDemo(['--host-only', '--deployment', deployment]);
      expect(demo.code, demo.stdout).toBe(1);
      expect(demo.stderr).toContain(
        'error: submitting the run (POST /v1/runs) failed: POST /v1/runs: HTTP 422 invalid_run',
      );
      expect(demo.stderr).toMatch(
        /"message":"body\.devices: device host:\S+ runs host, .*none of the deployment's target_abis \(armeabi-v7a\)"/,
      );
      expect(demo.stdout).toContain('already stored (deduplicated)');
      expect(demo.stdout).toContain('stopped cleanly');
      const baseUrl = /API (http:\/\/127\.0\.0\.1:\d+) ready/.exec(demo.stdout)?.[1];
      expect(baseUrl).toBeDefined();
      expect(await stackIsGone(baseUrl!)).toBe(true);
    },
    RUN_TIMEOUT_MS,
  );
});
