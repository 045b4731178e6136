// A local command (run, benchmark) that runs on the service when a server is configured: its
// options gain the remote ones; the defaults of shared options are left to each mode (the local
// tools' defaults locally, the service's remotely).
import { UsageError, type Command, type OptionSpec } from '../command.js';
import { maybeRemoteClient } from './connection.js';
import { REMOTE_ONLY, REMOTE_RUN_OPTIONS, runRemote, type RemoteAction } from './remote-run.js';

/** Options whose default the service chooses when run remotely. */
const SERVICE_DEFAULTED = ['round', 'max_time', 'warmup_runs', 'cpu_affinity_policy'];

export function withRemoteMode(local: Command, action: RemoteAction): Command {
  const shared = Object.fromEntries(
    Object.entries(local.options).map(([name, o]): [string, OptionSpec] => {
      if (o.default === undefined || !SERVICE_DEFAULTED.includes(name)) return [name, o];
      const { default: dflt, ...rest } = o;
      return [name, { ...rest, description: `${o.description} (local default: ${dflt})` }];
    }),
  );
  // mace benchmark --validate on the service: validate and benchmark jobs in one run.
  const extra: Record<string, OptionSpec> = local.options.validate
    ? {}
    : { validate: { type: 'boolean', description: 'remote: also validate the outputs (validate + benchmark jobs)' } };
  const remoteOnlyNames = [...REMOTE_ONLY, ...Object.keys(extra)];
  return {
    ...local,
    summary: `${local.summary} With --server: on the service's devices.`,
    usage: `${local.usage}\n       mace --server URL --token T ${action} --config FILE.yml [--devices SELECTOR] [--baseline RUN|TAG --fail-on-regression PCT] [--json FILE] [--junit FILE]`,
    options: { ...shared, ...extra, ...REMOTE_RUN_OPTIONS },
    async run(values, positionals) {
      const client = maybeRemoteClient(values);
      if (client) return runRemote(client, action, values);
      const remoteOnly = remoteOnlyNames.filter((k) => values[k] !== undefined);
      if (remoteOnly.length > 0)
        throw new UsageError(`${remoteOnly.map((k) => `--${k}`).join(', ')} need(s) --server URL (or MACE_SERVER)`);
      return local.run(values, positionals);
    },
  };
}

/** A command that only exists on the service (validate, tune). */
export function remoteOnlyRunCommand(
  action: 'validate' | 'tune',
  summary: string,
  options: Record<string, OptionSpec>,
): Command {
  return {
    name: action,
    summary,
    usage: `mace --server URL --token T ${action} --config FILE.yml [--devices SELECTOR] [--json FILE] [--junit FILE]`,
    options: { ...options, ...REMOTE_RUN_OPTIONS },
    async run(values) {
      const client = maybeRemoteClient(values);
      if (!client)
        throw new UsageError(
          `mace ${action} runs on the service: give --server URL (or set MACE_SERVER)${action === 'validate' ? '; locally use mace run --validate' : ''}`,
        );
      return runRemote(client, action, values);
    },
  };
}
