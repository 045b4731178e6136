// Entry of the `mace` command: dispatches to the subcommands.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand as dispatch, type Command } from './command.js';
import { benchmarkCommand } from './commands/benchmark.js';
import { buildCommand } from './commands/build.js';
import { convertCommand } from './commands/convert.js';
import { runCommand } from './commands/run.js';
import { repoRoot } from './native.js';

const commands: Command[] = [convertCommand, buildCommand, runCommand, benchmarkCommand];

function usage(): string {
  return (
    [
      'Usage: mace <command> [options]',
      '',
      'Convert, run, validate and benchmark neural-network models with the MACE-style engine.',
      '',
      'Commands:',
      ...commands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`),
      '',
      "Run 'mace <command> --help' for a command's options.",
    ].join('\n') + '\n'
  );
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
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
