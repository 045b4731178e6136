#!/usr/bin/env node
// The service part of `npm run demo`: brings up the virtual device farm (apps/farm: an SSH arm64
// board and two ADB phones, arm64-v8a and armeabi-v7a, under qemu-user), starts api + worker +
// agent (scripts/start.mjs) on a database, queue prefix and artifact folder of their own, then —
// through the REST API only — uploads mobilenet_v2 from the corpus, submits its deployment, runs
// validate + benchmark on the host and every farm device with live progress, prints a summary per
// device and the per-op table of one (and writes it as JSON with --json), and stops everything.
// The work is in apps/cli/src/client (service-demo.ts); this parses options and settings.
//
//   node scripts/demo-service.mjs [--json FILE] [--round N] [--host-only] [--database-url URL]
//                                 [--queue-prefix P] [--artifact-dir DIR] [--deployment FILE.yml]
//
// --host-only leaves the farm out (it needs root: chroot and sshd). Default --round: 10 on the
// farm (qemu is slow), 20 with --host-only.
// Defaults: the database `mace_demo` on the server of DATABASE_URL (else the local
// postgresql://postgres@127.0.0.1:5432), REDIS_URL (else redis://127.0.0.1:6379), queue prefix
// `mace_demo`, artifacts in .local/demo/artifacts, the stack's output in .local/demo/stack.log.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fail = (message) => {
  process.stderr.write(`${process.stderr.isTTY ? '\x1b[31merror:\x1b[0m' : 'error:'} ${message}\n`);
  process.exit(1);
};

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      json: { type: 'string' },
      round: { type: 'string' },
      'host-only': { type: 'boolean', default: false },
      'database-url': { type: 'string' },
      'queue-prefix': { type: 'string', default: 'mace_demo' },
      'artifact-dir': { type: 'string' },
      deployment: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  fail(`${err.message}; see node scripts/demo-service.mjs --help`);
}
if (args.help) {
  const header = readFileSync(fileURLToPath(import.meta.url), 'utf8')
    .split('\n')
    .slice(1);
  const usage = header.slice(
    0,
    header.findIndex((line) => !line.startsWith('//')),
  );
  process.stdout.write(`${usage.map((line) => line.replace(/^\/\/ ?/, '')).join('\n')}\n`);
  process.exit(0);
}

const hostOnly = args['host-only'];
const round = Number(args.round ?? (hostOnly ? 20 : 10));
if (!Number.isInteger(round) || round < 1) fail(`--round ${args.round}: give a whole number of runs (at least 1)`);

/** The server of DATABASE_URL (or the local one) with the database `mace_demo`. */
function demoDatabaseUrl() {
  const url = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/mace');
  url.pathname = '/mace_demo';
  return url.toString();
}

const corpus = path.resolve(root, '../shared/corpus');
if (!existsSync(path.join(corpus, 'models/mobilenet_v2.onnx')))
  fail(`the demo uploads models from the corpus (${corpus}/models); it is not there`);
const deploymentFile = path.resolve(
  root,
  args.deployment ?? `test/fixtures/deploy/${hostOnly ? 'mobilenet_v2' : 'mobilenet_v2_farm'}.yml`,
);
if (!hostOnly && process.getuid?.() !== 0)
  fail('the virtual farm needs root (chroot, sshd): run as root, or pass --host-only for the host alone');
if (!existsSync(deploymentFile)) fail(`the deployment file ${deploymentFile} does not exist`);

let client;
try {
  client = await import('../apps/cli/dist/client/index.js');
} catch (err) {
  fail(`cannot load apps/cli/dist/client (${err.message}); build first: npm run build`);
}
for (const app of ['api', 'worker', 'agent'])
  if (!existsSync(path.join(root, `apps/${app}/dist/main.js`)))
    fail(`apps/${app}/dist/main.js does not exist; build first: npm run build`);

// npm run sets the working directory to the repository; a relative --json is where npm was called from.
const jsonFile = args.json ? path.resolve(process.env.INIT_CWD || process.cwd(), args.json) : undefined;
const artifactDir = path.resolve(root, args['artifact-dir'] ?? '.local/demo/artifacts');

let farm;
if (!hostOnly) {
  let farmLib;
  try {
    farmLib = await import('../apps/farm/dist/index.js');
  } catch (err) {
    fail(`cannot load apps/farm/dist (${err.message}); build first: npm run build`);
  }
  process.stdout.write('\n== the virtual device farm (apps/farm)\n');
  try {
    farm = await farmLib.startFarm({
      stateDir: path.join(path.dirname(artifactDir), 'farm'),
      log: (line) => process.stdout.write(`   ${line}\n`),
    });
  } catch (err) {
    fail(`the virtual farm did not start: ${err.message}`);
  }
}

try {
  await client.runServiceDemo({
    root,
    deploymentFile,
    databaseUrl: args['database-url'] ?? process.env.MACE_DEMO_DATABASE_URL ?? demoDatabaseUrl(),
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    queuePrefix: args['queue-prefix'],
    artifactDir,
    stackLog: path.join(path.dirname(artifactDir), 'stack.log'),
    round,
    jsonFile,
    farm: farm && {
      adbServer: farm.adbServer,
      devicesFile: farm.devicesFile,
      serials: [...farm.phones.map((p) => p.serial), farm.board.serial],
    },
  });
} catch (err) {
  await farm?.stop();
  fail(err instanceof Error ? err.message : String(err));
}
await farm?.stop();
