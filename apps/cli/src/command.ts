// A small command framework over node:util parseArgs: option specs double as --help text, and
// usage errors exit with code 2 and a message that says what to do.
import { parseArgs } from 'node:util';
import { ApiRequestError } from './client/index.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  default?: string | boolean;
  short?: string;
  /** Placeholder shown in help, e.g. FILE. */
  value?: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

export class UsageError extends Error {}

/** A failure the user can act on: printed as "error: <message>" without a stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function helpText(cmd: Command): string {
  const lines = [`Usage: ${cmd.usage}`, '', cmd.summary, '', 'Options:'];
  const entries = Object.entries(cmd.options).concat([['help', { type: 'boolean', description: 'show this help' }]]);
  for (const [name, o] of entries) {
    const flag = `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    const dflt = o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : '';
    lines.push(`  ${flag.padEnd(30)} ${o.description}${dflt}`);
  }
  return lines.join('\n') + '\n\n' + EXIT_CODES_HELP + '\n';
}

export async function runCommand(cmd: Command, argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(
          Object.entries(cmd.options).map(([k, o]) => [
            k,
            {
              type: o.type,
              ...(o.short ? { short: o.short } : {}),
              ...(o.default !== undefined ? { default: o.default } : {}),
            },
          ]),
        ),
      },
    });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n\n${helpText(cmd)}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(helpText(cmd));
    return 0;
  }
  try {
    return await cmd.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${helpText(cmd)}`);
      return 2;
    }
    if (err instanceof UserError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ApiRequestError) {
      process.stderr.write(`error: ${describeApiError(err)}\n`);
      return EXIT.service;
    }
    throw err;
  }
}

/** Parses a positive integer option; undefined stays undefined. */
export function intOption(values: Record<string, unknown>, name: string, min = 1): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} expects an integer ≥ ${min}, got "${v}"`);
  return n;
}

/** A number of seconds above 0 and at most `max`; undefined stays undefined. */
export function secondsOption(values: Record<string, unknown>, name: string, max: number): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === '' || !Number.isFinite(n) || n <= 0 || n > max)
    throw new UsageError(`--${name} expects seconds above 0 and at most ${max}, got "${v}"`);
  return n;
}

/** The service's refusal in one line: what was asked, the status and the API's own message. */
function describeApiError(err: ApiRequestError): string {
  let message = err.body;
  try {
    message = (JSON.parse(err.body) as { error?: { message?: string } }).error?.message ?? err.body;
  } catch {
    // not the API's error shape: show the body as it came
  }
  const hint =
    err.status === 401 ? ' (check --token / MACE_TOKEN)' : err.status === 403 ? ' (the token lacks the scope)' : '';
  return `${err.what}: ${err.status === 0 ? 'unreachable' : `HTTP ${err.status}`}: ${message}${hint}`;
}
