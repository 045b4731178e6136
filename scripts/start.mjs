#!/usr/bin/env node
// `npm start`: the whole service for one machine, in the foreground — the API (apps/api), the
// worker (apps/worker) and the host agent (apps/agent) as child processes sharing one
// environment. Output lines are prefixed with the process name; SIGINT/SIGTERM are forwarded;
// when any child exits, the others are stopped and this exits with that child's status.
//
//   node scripts/start.mjs [api] [worker] [agent]     (default: all three)
//
// Environment: PORT (API, default 8080), DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/mace),
// REDIS_URL (default redis://127.0.0.1:6379), ARTIFACT_DIR (default <repo>/.local/artifacts),
// MACE_ADMIN_TOKEN (seeded by the API), MACE_SKIP_MIGRATIONS=1 to skip `scripts/db-migrate.mjs` at start.
// Runs the compiled entry points (apps/*/dist/main.js): `npm run build` first (npm run setup does).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROLES = {
  api: 'apps/api/dist/main.js',
  worker: 'apps/worker/dist/main.js',
  agent: 'apps/agent/dist/main.js',
};
const STOP_TIMEOUT_MS = 20_000;

const requested = process.argv.slice(2);
for (const r of requested)
  if (!(r in ROLES)) {
    console.error(`start: unknown process "${r}"; choose from ${Object.keys(ROLES).join(', ')}`);
    process.exit(2);
  }
const roles = requested.length ? requested : Object.keys(ROLES);

const env = {
  ...process.env,
  PORT: process.env.PORT ?? '8080',
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mace',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  ARTIFACT_DIR: path.resolve(root, process.env.ARTIFACT_DIR ?? '.local/artifacts'),
};

const missing = roles.filter((r) => !existsSync(path.join(root, ROLES[r])));
for (const r of missing) {
  if (r === 'api' && !requested.includes('api'))
    console.error(`start: ${ROLES.api} is not built; starting without the API`);
  else {
    console.error(`start: ${ROLES[r]} does not exist; build first: npm run build`);
    process.exit(1);
  }
}
const starting = roles.filter((r) => !missing.includes(r));

if (process.env.MACE_SKIP_MIGRATIONS !== '1') {
  const m = spawnSync(process.execPath, [path.join(root, 'scripts/db-migrate.mjs'), env.DATABASE_URL], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  if (m.status !== 0) {
    console.error('start: the database could not be migrated (is PostgreSQL running? `npm run setup` starts it)');
    process.exit(m.status ?? 1);
  }
}

console.log(`start: ${starting.join(', ')} — API on port ${env.PORT}, artifacts in ${env.ARTIFACT_DIR}`);
const children = new Map();
let stopping = false;
let exitCode = 0;

function prefixLines(stream, name, out) {
  readline.createInterface({ input: stream }).on('line', (line) => out.write(`${name.padEnd(6)} | ${line}\n`));
}

function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill(signal);
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS).unref();
}

for (const name of starting) {
  const child = spawn(process.execPath, [path.join(root, ROLES[name])], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(name, child);
  prefixLines(child.stdout, name, process.stdout);
  prefixLines(child.stderr, name, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`start: ${name} exited (${signal ?? `code ${code}`}); stopping the others`);
      exitCode = code === 0 ? 1 : (code ?? 1);
      stopAll('SIGTERM');
    }
    if (children.size === 0) process.exit(exitCode);
  });
}

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    if (stopping) return;
    console.log(`start: ${signal}: stopping ${[...children.keys()].join(', ')}`);
    stopAll(signal);
  });
