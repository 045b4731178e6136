// The API process (apps/api/dist/main.js) as deployed: configured from the environment, seeds
// MACE_ADMIN_TOKEN, serves on PORT, and on SIGTERM ends open log streams and exits cleanly.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@mace/db';
import { getTestServices, type TestServices } from './helpers/services.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
let services: TestServices;
let db: Db;
let artifactDir: string;
let child: ChildProcess | undefined;
let output = '';

beforeAll(async () => {
  // The process runs the compiled code: bring apps/api/dist up to date (incremental).
  const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', 'apps/api'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  services = await getTestServices();
  db = createDb(services.databaseUrl, { poolSize: 2 });
  artifactDir = await mkdtemp(path.join(tmpdir(), 'mace-api-main-'));
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await db?.close();
  await services?.cleanup();
  await rm(artifactDir, { recursive: true, force: true });
});

function waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const m = pattern.exec(output);
      if (m) {
        child!.stdout!.off('data', check);
        child!.off('exit', onExit);
        resolve(m);
      }
    };
    const onExit = (code: number | null): void =>
      reject(new Error(`the API exited (${code}) before ${pattern}:\n${output}`));
    child!.stdout!.on('data', check);
    child!.once('exit', onExit);
    check();
  });
}

describe('apps/api main', () => {
  it('serves with the environment’s settings and shuts down gracefully on SIGTERM', async () => {
    const adminToken = `env-admin-${randomBytes(12).toString('hex')}`;
    child = spawn(process.execPath, [path.join(repoRoot, 'apps/api/dist/main.js')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: services.databaseUrl,
        REDIS_URL: services.redisUrl,
        MACE_QUEUE_PREFIX: services.redisPrefix,
        ARTIFACT_DIR: artifactDir,
        MACE_UPLOAD_LIMIT: '1MiB',
        MACE_ADMIN_TOKEN: adminToken,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (c: string) => (output += c));
    child.stderr!.on('data', (c: string) => (output += c));
    const [, base] = await waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
    await waitFor(/upload limit \d+ bytes/);
    expect(output).toContain(`artifacts in ${artifactDir}; upload limit 1048576 bytes`);

    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const tokens = await fetch(`${base}/v1/tokens`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(tokens.status).toBe(200);
    expect(((await tokens.json()) as { items: unknown[] }).items[0]).toMatchObject({
      name: 'env:MACE_ADMIN_TOKEN',
      scope: 'admin',
    });
    expect(output).not.toContain(adminToken);

    // An open log stream does not hold the shutdown up.
    const d = await db.deployment.create({ data: { libraryName: 'main', yaml: 'x', config: {} } });
    const run = await db.run.create({ data: { deploymentId: d.id, actions: ['convert'], status: 'running' } });
    const stream = await fetch(`${base}/v1/runs/${run.id}/logs`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(stream.status).toBe(200);
    const reading = stream.text();

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await reading; // the stream was ended by the server
    expect(output).toMatch(/SIGTERM: shutting down/);
    expect(output).toMatch(/"msg":"stopped"/);
  });
});
