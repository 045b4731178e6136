// Entry of the `mace` command: dispatches to the subcommands.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand as dispatch, type Command } from './command.js';
import { benchmarkCommand } from './commands/benchmark.js';
import { buildCommand } from './commands/build.js';
import { convertCommand } from './commands/convert.js';
import { runCommand } from './commands/run.js';
import { artifactsCommand } from './commands/artifacts.js';
import { baselineCommand, compareCommand } from './commands/compare.js';
import { devicesCommand, runsCommand } from './commands/lab.js';
import { tuneCommand, validateCommand } from './commands/validate.js';
import { EXIT_CODES_HELP } from './exit-codes.js';
import { repoRoot } from './native.js';
import { withRemoteMode } from './remote/remote-mode.js';

export const commands: Command[] = [
  convertCommand,
  buildCommand,
  withRemoteMode(runCommand, 'run'),
  withRemoteMode(benchmarkCommand, 'benchmark'),
  validateCommand,
  tuneCommand,
  devicesCommand,
  runsCommand,
  artifactsCommand,
  compareCommand,
  baselineCommand,
];

/** Options given before the command (`mace --server URL --token T run ...`): the commands that talk to the service take them. */
const GLOBAL_OPTIONS = ['--server', '--token'];

function usage(): string {
  return (
    [
      'Usage: mace [--server URL --token T] <command> [options]',
      '',
      'Convert, run, validate and benchmark neural-network models with the MACE-style engine,',
      'on this host or, with --server (or MACE_SERVER and MACE_TOKEN), on the service and its devices.',
      '',
      'Commands:',
      ...commands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`),
      '',
      "Run 'mace <command> --help' for a command's options.",
      '',
      EXIT_CODES_HELP,
    ].join('\n') + '\n'
  );
}

/** Moves leading global options behind the command name, where the command parses them. */
function splitGlobals(argv: string[]): { name: string | undefined; rest: string[] } {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    const flag = GLOBAL_OPTIONS.find((g) => arg === g || arg.startsWith(`${g}=`));
    if (!flag) break;
    globals.push(...(arg === flag ? [arg, argv[i + 1] ?? ''] : [arg]));
    i += arg === flag ? 2 : 1;
  }
  return { name: argv[i], rest: [...globals, ...argv.slice(i + 1)] };
}

export async function main(argv: string[]): Promise<number> {
  const { name, rest } = splitGlobals(argv);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'apps/cli/package.json'), 'utf8')) as { version: string };
    process.stdout.write(`mace ${pkg.version}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`error: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await dispatch(cmd, rest);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).stack ?? err}\n`);
    return 1;
  }
}
