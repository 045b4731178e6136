// The dashboard in a real browser (Debian's chromium, headless, driven by playwright-core) against
// the running stack: the API server (serving the built dashboard), the worker and an agent owning
// the host and the virtual farm (an SSH arm64 board and two ADB phones). Two GPU runs of
// squeezenet on the host (PoCL as the GPU: the first tunes, the second reuses the tuned files and
// benchmarks again), then in the browser: sign in, see every device live (quarantine and release
// one), open a run (its pipeline graph and log), its benchmark (the per-op chart and table,
// sorted with the keyboard and searched), compare the two runs, and download a tuned OpenCL file
// (its bytes checked against the stored sha256), sign out, and a user token (no admin buttons) sent
// back to the login page once revoked. Any console error or page error fails the test.
// Screenshots go to test-output/dashboard/.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '@mace/agent';
import { buildServer, DEFAULT_DASHBOARD_DIR } from '@mace/api';
import { readDevicesFile } from '@mace/config';
import { startFarm, type Farm } from '@mace/farm';
import { startWorker, type RunningWorker } from '@mace/worker';
import {
  createDeployment,
  createPipelineFixture,
  runLog,
  SQUEEZENET,
  SQUEEZENET_INPUT,
  squeezenetYaml,
  uploadModelFile,
  waitForRun,
  type PipelineFixture,
} from '../packages/pipeline/test/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(import.meta.dirname, '../test-output/dashboard');
/** A runtime build may compile on a busy 2-core machine when native/ changed since the last build. */
const RUN_WAIT_MS = 540_000;
const UI_TIMEOUT_MS = 20_000;

let fx: PipelineFixture;
let farm: Farm;
let worker: RunningWorker;
let agent: RunningAgent;
let app: ReturnType<typeof buildServer>;
let baseUrl: string;
let stateDir: string;
let userDataDir: string;
let context: BrowserContext;
let page: Page;
const adminToken = `e2e-admin-${randomBytes(16).toString('hex')}`;
const problems: string[] = [];
const log: string[] = [];
let runs: { first: string; second: string };

/** The fixtures' squeezenet on the GPU (as test/gpu-tune.test.ts): tuned on the device first. */
function gpuYaml(modelSha: string, inputSha: string): string {
  return squeezenetYaml(modelSha, inputSha)
    .replace('    runtime: cpu\n', '    runtime: gpu\n    data_type: fp16_fp32\n')
    .replace('    validation_threshold:\n      CPU: 0.999\n', '');
}

async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

beforeAll(
  async () => {
    if (!existsSync(path.join(DEFAULT_DASHBOARD_DIR, 'index.html')))
      throw new Error(`the dashboard is not built (${DEFAULT_DASHBOARD_DIR}): run npm run build`);
    await mkdir(SCREENSHOTS, { recursive: true });
    fx = await createPipelineFixture();
    stateDir = await mkdtemp(path.join(tmpdir(), 'mace-dashboard-e2e-'));
    farm = await startFarm({ stateDir, adbPort: 20_000 + Math.floor(Math.random() * 5_000), log: (l) => log.push(l) });
    worker = await startWorker({ db: fx.db, queues: fx.queues, store: fx.store, report: () => undefined });
    agent = await startAgent({
      db: fx.db,
      queues: fx.queues,
      store: fx.store,
      serial: `host:dashboard-e2e-${fx.services.redisPrefix}`,
      adbServer: farm.adbServer,
      boards: await readDevicesFile(farm.devicesFile),
      report: (l) => log.push(l),
    });
    await Promise.all([farm.board.serial, ...farm.phones.map((p) => p.serial)].map((s) => agent.waitForDevice(s)));
    app = buildServer({ db: fx.db, store: fx.store, queues: fx.queues, adminToken });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    // Two runs of one GPU deployment on the host: the first tunes, the second reuses the tuned files.
    const model = await uploadModelFile(fx.db, fx.store, SQUEEZENET);
    const input = await fx.store.putFile(SQUEEZENET_INPUT);
    const deployment = await createDeployment(fx.db, gpuYaml(model.sha256, input.sha256));
    const submit = async (): Promise<string> => {
      const run = await api<{ id: string }>('POST', '/v1/runs', {
        deploymentId: deployment.id,
        actions: ['validate', 'benchmark'],
        devices: { ids: [agent.device.id] },
        options: { round: 3, warmupRuns: 1, threads: 1 },
      });
      const done = await waitForRun(fx.db, run.id, RUN_WAIT_MS);
      expect(done.status, `${done.reason}\n${await runLog(fx.db, run.id)}`).toBe('succeeded');
      return run.id;
    };
    runs = { first: await submit(), second: await submit() };

    userDataDir = await mkdtemp(path.join(tmpdir(), 'mace-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1400, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  },
  RUN_WAIT_MS * 2 + 300_000,
);

afterAll(async () => {
  await context?.close();
  await app?.close();
  await agent?.close();
  await worker?.close();
  await farm?.stop();
  await fx?.cleanup();
  for (const dir of [stateDir, userDataDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the dashboard in a browser', () => {
  it('signs in with a token and shows every device of the lab, live', async () => {
    await page.goto(`${baseUrl}/`);
    await page.waitForURL('**/login');
    await shot('login');
    await page.getByLabel('API token').fill(adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/devices');
    // the token is in sessionStorage, never in the URL
    expect(page.url()).not.toContain(adminToken);
    expect(await page.evaluate(() => sessionStorage.getItem('mace.token'))).toBe(adminToken);

    const serials = [agent.device.serial, farm.board.serial, ...farm.phones.map((p) => p.serial)];
    for (const serial of serials) await page.locator(`tr[data-device="${serial}"]`).waitFor();
    expect(await page.locator('tr[data-device]').count()).toBe(serials.length);
    const phone = page.locator(`tr[data-device="${farm.phones[0].serial}"]`);
    await expect.poll(() => phone.textContent()).toContain('sdm845');
    await expect.poll(() => phone.textContent()).toContain('87%');
    await page.getByText('live', { exact: true }).waitFor();
    await shot('devices');

    // quarantine the board and release it: the row follows (the action's answer and the stream)
    const board = page.locator(`tr[data-device="${farm.board.serial}"]`);
    await board.getByRole('button', { name: 'Quarantine' }).click();
    await board.getByText('quarantined').first().waitFor();
    await expect
      .poll(async () => (await fx.db.device.findUniqueOrThrow({ where: { serial: farm.board.serial } })).state)
      .toBe('quarantined');
    await board.getByRole('button', { name: 'Release' }).click();
    await board.getByText('available').waitFor();
    expect(problems).toEqual([]);
  });

  it('lists the runs, filters them, and opens one: its pipeline graph and its log', async () => {
    await page.getByRole('link', { name: 'Queue and runs' }).click();
    await page.locator(`tr[data-run="${runs.first}"]`).waitFor();
    await page.locator(`tr[data-run="${runs.second}"]`).waitFor();
    await page.getByLabel('failed').check();
    await page.getByText('No runs match.').waitFor();
    await page.getByLabel('failed').uncheck();
    await page.getByLabel('succeeded').check();
    await page.locator(`tr[data-run="${runs.first}"]`).waitFor();
    expect(page.url()).toContain('status=succeeded');
    await shot('runs');

    await page.locator(`tr[data-run="${runs.first}"] a`).click();
    await page.waitForURL(`**/runs/${runs.first}`);
    const jobs = (await api<{ items: { id: string; status: string }[] }>('GET', `/v1/runs/${runs.first}/jobs`)).items;
    expect(jobs.map((j) => j.status)).toEqual(jobs.map(() => 'succeeded'));
    for (const j of jobs) await page.locator(`[data-job="${j.id}"]`).waitFor();
    expect(await page.locator('svg [data-job]').count()).toBe(jobs.length);
    expect(await page.locator('svg .node-succeeded').count()).toBe(jobs.length);
    expect(await page.locator('svg path.edge').count()).toBeGreaterThanOrEqual(jobs.length - 1);
    await page.getByText('log complete').waitFor();
    await expect.poll(() => page.getByLabel('Run log').textContent()).toMatch(/tun/);
    await shot('run');
    expect(problems).toEqual([]);
  });

  it('shows the benchmark: latency percentiles, time by op type as a chart, the timeline and the per-op table', async () => {
    await page.getByRole('link', { name: 'Benchmark results' }).click();
    await page.waitForURL(`**/runs/${runs.first}/benchmark`);
    await page.getByText('median (p50)').waitFor();
    await page.getByText('GMAC/s (at median)').waitFor();
    const chart = page.locator('[data-chart="Average time by op type"] canvas').first();
    await chart.waitFor();
    expect((await chart.boundingBox())!.width).toBeGreaterThan(200);
    const results = await api<{ benchmarks: { ops: { avgMs: number; type: string }[] }[] }>(
      'GET',
      `/v1/runs/${runs.first}/results`,
    );
    const ops = results.benchmarks[0].ops;
    const table = page.getByRole('table', { name: 'Per-op statistics' });
    expect(await table.locator('tbody tr').count()).toBe(ops.length);
    await page.getByRole('img', { name: /timeline of \d+ ops/ }).waitFor();

    // sort by time with the keyboard: ascending after one press on the (already descending) column
    const avgHeader = table.getByRole('button', { name: /Avg \(ms\)/ });
    await avgHeader.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => table.locator('thead th[aria-sort="ascending"]').textContent()).toContain('Avg');
    const shown = (await table.locator('tbody tr td:nth-child(4)').allTextContents()).map(Number);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));

    await page.getByLabel('Search ops').fill('conv');
    const convs = ops.filter((o) => /conv/i.test(o.type)).length;
    expect(convs).toBeGreaterThan(0);
    await expect.poll(() => table.locator('tbody tr').count()).toBeLessThan(ops.length);
    expect(await table.locator('tbody tr').count()).toBeGreaterThanOrEqual(convs);
    await page.getByLabel('Search ops').fill('');
    await shot('benchmark');
    expect(problems).toEqual([]);
  });

  it('compares the two runs: latency, per-op differences and validation side by side', async () => {
    await page.getByRole('link', { name: 'Compare', exact: true }).click();
    await page.waitForURL('**/compare');
    await page.getByLabel('Run', { exact: true }).selectOption(runs.second);
    await page.getByLabel('Base run').selectOption(runs.first);
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(
      (url) => url.searchParams.get('a') === runs.second && url.searchParams.get('b') === runs.first,
    );
    const diffs = page.getByRole('table', { name: 'Per-op differences' });
    await diffs.waitFor();
    const comparison = await api<{ benchmarks: { ops: unknown[] }[]; regressions: unknown[] }>(
      'GET',
      `/v1/runs/${runs.second}/compare?with=${runs.first}`,
    );
    expect(await diffs.locator('tbody tr').count()).toBe(comparison.benchmarks[0].ops.length);
    expect(await page.locator('[data-regressions]').getAttribute('data-regressions')).toBe(
      String(comparison.regressions.length),
    );
    expect(await diffs.locator('tbody tr.regressed').count()).toBe(
      (comparison.benchmarks[0].ops as { regressed: boolean }[]).filter((o) => o.regressed).length,
    );
    await page.getByRole('table', { name: 'Validation metrics side by side' }).waitFor();
    await shot('compare');
    expect(problems).toEqual([]);
  });

  it('lists the tuned OpenCL files and downloads one with the token', async () => {
    await page.getByRole('link', { name: 'Artifacts' }).click();
    await page.getByRole('tab', { name: 'Tuned OpenCL files' }).click();
    const stored = await fx.db.artifact.findFirstOrThrow({ where: { kind: 'tuned_binary', runId: runs.first } });
    const row = page.locator(`tr[data-artifact="${stored.name}"]`).first();
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain(stored.sha256.slice(0, 16));
    await shot('artifacts');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('button', { name: `Download ${stored.name}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(stored.name);
    const saved = path.join(SCREENSHOTS, stored.name);
    await download.saveAs(saved);
    const bytes = await readFile(saved);
    expect(bytes.length).toBe(Number(stored.size));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(stored.sha256);
    await rm(saved);
    await page.getByText(`Saved ${stored.name}`).waitFor();
    expect(problems).toEqual([]);
  });

  it('signs out to the login page and forgets the token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.getByText('Signed out.').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('mace.token'))).toBeNull();
    expect(problems).toEqual([]);
  });

  it('gives a user token no admin buttons, and returns to the login page with the reason when the token is revoked', async () => {
    const user = await api<{ id: string; token: string }>('POST', '/v1/tokens', {
      name: 'dashboard e2e',
      scope: 'user',
      user: 'e2e',
    });
    await page.getByLabel('API token').fill(user.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/devices');
    await page.locator(`tr[data-device="${farm.board.serial}"]`).waitFor();
    expect(await page.getByRole('button', { name: /Quarantine|Release/ }).count()).toBe(0);
    await page.getByText('dashboard e2e (user)').waitFor();

    await api('DELETE', `/v1/tokens/${user.id}`);
    await page.getByRole('link', { name: 'Artifacts' }).click();
    await page.waitForURL('**/login');
    await page.getByText(/The API refused the token: the bearer token is unknown or has been revoked/).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('mace.token'))).toBeNull();
    // The browser reports the refused request itself; nothing else may be in the console.
    expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  });
});
