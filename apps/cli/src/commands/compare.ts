// mace compare (two runs, or a run and a baseline tag) and mace baseline (set or list tags).
import { writeFileSync } from 'node:fs';
import type { ApiBaseline, ApiDevice } from '@mace/protocol';
import { UsageError, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { CONNECTION_OPTIONS, isUuid, remoteClient, resolveRun } from '../remote/connection.js';
import { formatComparison, summarizeRegressions } from '../remote/comparison-report.js';
import { nonNegativeOption } from '../remote/remote-run.js';
import { formatTable } from '../table.js';

export const compareCommand: Command = {
  name: 'compare',
  summary: 'Compares two runs (or a run with a baseline tag): latency, every op, validation; regressions marked.',
  usage:
    'mace --server URL --token T compare BASE_RUN|TAG RUN [--threshold PCT | --fail-on-regression PCT] [--json FILE]',
  options: {
    ...CONNECTION_OPTIONS,
    threshold: { type: 'string', value: 'PCT', description: 'percent slower that counts as a regression (default 10)' },
    'fail-on-regression': {
      type: 'string',
      value: 'PCT',
      description: 'as --threshold, and exit 3 when anything regressed',
    },
    json: { type: 'string', value: 'FILE', description: 'write the comparison as JSON' },
  },
  async run(values, positionals) {
    if (positionals.length !== 2) throw new UsageError('expected two runs: mace compare BASE_RUN|TAG RUN');
    if (values.threshold !== undefined && values['fail-on-regression'] !== undefined)
      throw new UsageError('give --threshold or --fail-on-regression, not both');
    const thresholdPct = nonNegativeOption(values, 'fail-on-regression') ?? nonNegativeOption(values, 'threshold');
    const minDeltaMs = nonNegativeOption(values, 'min-delta-ms');
    const client = remoteClient(values, 'compare');
    const base = await resolveRun(client, positionals[0]!);
    const run = await resolveRun(client, positionals[1]!);
    const c = await client.compareRuns(run.runId, base.tag ? { baseline: base.tag } : { with: base.runId }, {
      thresholdPct,
      minDeltaMs,
    });
    const devices = new Map((await client.listAll<ApiDevice>('/v1/devices')).map((d) => [d.id, d.serial] as const));
    process.stdout.write(formatComparison(c, { allOps: true, deviceName: (id) => devices.get(id) }));
    if (values.json) writeFileSync(String(values.json), `${JSON.stringify(c, null, 2)}\n`);
    if (values['fail-on-regression'] !== undefined && c.regressions.length > 0) {
      process.stderr.write(`gate failed: ${summarizeRegressions(c.regressions)}\n`);
      return EXIT.gate;
    }
    return EXIT.ok;
  },
};

export const baselineCommand: Command = {
  name: 'baseline',
  summary: 'Makes a succeeded run the baseline of a tag (moves it forward); without RUN, lists baselines.',
  usage: 'mace --server URL --token T baseline [RUN --tag TAG]',
  options: {
    ...CONNECTION_OPTIONS,
    tag: { type: 'string', value: 'TAG', description: 'letters, digits, ".", "_", "-" (e.g. main)' },
  },
  async run(values, positionals) {
    const client = remoteClient(values, 'baseline');
    if (positionals.length === 0) {
      if (values.tag) throw new UsageError('--tag needs a RUN: mace baseline RUN --tag TAG');
      const all = await client.listAll<ApiBaseline>('/v1/baselines');
      process.stdout.write(
        formatTable(
          ['tag', 'run', 'updated'],
          all.map((b) => [b.tag, b.runId, b.updatedAt]),
        ),
      );
      return EXIT.ok;
    }
    if (positionals.length > 1 || !values.tag) throw new UsageError('expected: mace baseline RUN --tag TAG');
    if (!isUuid(positionals[0]!)) throw new UsageError(`"${positionals[0]}" is not a run id (a UUID)`);
    const b = await client.setBaseline(positionals[0]!, String(values.tag));
    process.stdout.write(`baseline ${b.tag} → run ${b.runId}\n`);
    return EXIT.ok;
  },
};
