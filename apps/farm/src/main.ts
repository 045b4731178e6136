// `npm run farm:up` / `farm:down` / `farm:status`: the virtual device farm as a background
// process. `up` starts `serve` detached and waits until the phones are attached; `serve` holds the
// phones (they are servers in this process) and the SSH board until SIGTERM; `down` stops it.
// State (farm.json, devices.yml, farm.pid, farm.log) lives in MACE_FARM_STATE_DIR (default .local/farm).
// Then start the agent with MACE_ADB_SERVER and MACE_DEVICES_FILE as `up` prints them.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFarm, type FarmFacts } from './farm/farm.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const stateDir = path.resolve(process.env.MACE_FARM_STATE_DIR ?? path.join(repoRoot, '.local/farm'));
const pidFile = path.join(stateDir, 'farm.pid');
const factsFile = path.join(stateDir, 'farm.json');
const logFile = path.join(stateDir, 'farm.log');

function runningPid(): number | null {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

function printFacts(facts: FarmFacts): void {
  const rows = [
    ...facts.phones.map((p) => `  phone  ${p.name.padEnd(14)} ${p.abi.padEnd(12)} adb ${p.serial}`),
    `  board  ${facts.board.name.padEnd(14)} ${'arm64-v8a'.padEnd(12)} ssh ${facts.board.host}:${facts.board.port}`,
  ];
  process.stdout.write(
    `virtual farm up (state in ${stateDir}):\n${rows.join('\n')}\n\n` +
      `agent settings:\n  MACE_ADB_SERVER=${facts.adbServer}\n  MACE_DEVICES_FILE=${facts.devicesFile}\n`,
  );
}

async function up(): Promise<number> {
  if (runningPid()) {
    printFacts(JSON.parse(readFileSync(factsFile, 'utf8')) as FarmFacts);
    return 0;
  }
  await mkdir(stateDir, { recursive: true });
  await rm(factsFile, { force: true });
  const out = openSync(logFile, 'a');
  const self = fileURLToPath(import.meta.url);
  const loader = self.endsWith('.ts') ? ['--conditions=source', '--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, self, 'serve'], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  closeSync(out);
  const deadline = Date.now() + 300_000;
  while (!existsSync(factsFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      process.stderr.write(`the farm did not start; see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}\n`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  printFacts(JSON.parse(readFileSync(factsFile, 'utf8')) as FarmFacts);
  return 0;
}

async function serve(): Promise<number> {
  const log = (line: string): void => void process.stdout.write(`[farm] ${line}\n`);
  await writeFile(pidFile, `${process.pid}\n`);
  const farm = await startFarm({ stateDir, log });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await farm.stop();
  await rm(factsFile, { force: true });
  await rm(pidFile, { force: true });
  return 0;
}

async function down(): Promise<number> {
  const pid = runningPid();
  if (!pid) {
    process.stdout.write('the virtual farm is not running\n');
    return 0;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 60_000;
  while (runningPid() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  if (runningPid()) {
    process.stderr.write(`the farm (pid ${pid}) did not stop within a minute; see ${logFile}\n`);
    return 1;
  }
  process.stdout.write('virtual farm stopped\n');
  return 0;
}

const commands: Record<string, () => Promise<number>> = {
  up,
  down,
  serve,
  async status() {
    if (!runningPid()) {
      process.stdout.write('the virtual farm is not running (npm run farm:up starts it)\n');
      return 3;
    }
    printFacts(JSON.parse(readFileSync(factsFile, 'utf8')) as FarmFacts);
    return 0;
  },
};

const name = process.argv[2] ?? '';
const command = commands[name];
if (!command || process.argv.includes('--help')) {
  process.stdout.write(
    'Usage: farm up | down | status\n\n' +
      'The virtual device farm: an SSH arm64 board and two ADB phones (arm64-v8a, armeabi-v7a)\n' +
      'running under qemu-user. State: MACE_FARM_STATE_DIR (default .local/farm). Needs root.\n',
  );
  process.exitCode = command !== undefined || name === '' ? 0 : 2;
} else {
  process.exitCode = await command();
}
