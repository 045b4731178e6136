#!/usr/bin/env node
// The service part of `npm run demo`: starts api + worker + agent (scripts/start.mjs) on a
// database, queue prefix and artifact folder of their own, then — through the REST API only —
// uploads mobilenet_v2 from the corpus, submits its deployment, runs validate + benchmark on this
// host with live progress, prints a summary (and writes it as JSON with --json), and stops the
// stack. The work is in apps/cli/src/client (service-demo.ts); this parses options and settings.
//
//   node scripts/demo-service.mjs [--json FILE] [--round N] [--database-url URL] [--queue-prefix P]
//                                 [--artifact-dir DIR] [--deployment FILE.yml]
//
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
      round: { type: 'string', default: '20' },
      'database-url': { type: 'string' },
      'queue-prefix': { type: 'string', default: 'mace_demo' },
      'artifact-dir': { type: 'string' },
      deployment: { type: 'string', default: 'test/fixtures/deploy/mobilenet_v2.yml' },
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

const round = Number(args.round);
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
const deploymentFile = path.resolve(root, args.deployment);
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
  });
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
