// Service commands that read or mark what the service holds: mace devices, mace runs, mace
// artifacts download, mace compare, mace baseline.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiRequestError, type ApiArtifact, type ApiBaseline, type ApiDevice } from '../client/index.js';
import { intOption, UsageError, UserError, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { CONNECTION_OPTIONS, isUuid, remoteClient, resolveRun } from '../remote/connection.js';
import { formatComparison, summarizeRegressions } from '../remote/comparison-report.js';
import { nonNegativeOption } from '../remote/remote-run.js';
import { formatTable } from '../table.js';

const ago = (iso: string | null): string => {
  if (!iso) return '-';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : iso;
};

export const devicesCommand: Command = {
  name: 'devices',
  summary: "Lists the service's devices: state, ABIs, SoC, model, last heartbeat.",
  usage: 'mace --server URL --token T devices [--state STATE] [--json FILE]',
  options: {
    ...CONNECTION_OPTIONS,
    state: {
      type: 'string',
      value: 'STATE',
      description: 'only devices in this state (available, busy, offline, ...)',
    },
    json: { type: 'string', value: 'FILE', description: 'write the devices as JSON' },
  },
  async run(values) {
    const client = remoteClient(values, 'devices');
    const devices = await client.listAll<ApiDevice>('/v1/devices', values.state ? { state: String(values.state) } : {});
    process.stdout.write(
      formatTable(
        ['serial', 'kind', 'state', 'abis', 'soc', 'model', 'heartbeat', 'id'],
        devices.map((d) => [
          d.serial,
          d.kind,
          d.state,
          d.abis.join(','),
          d.soc ?? '-',
          d.model ?? '-',
          ago(d.lastHeartbeatAt),
          d.id,
        ]),
      ),
    );
    if (values.json) writeFileSync(String(values.json), `${JSON.stringify(devices, null, 2)}\n`);
    return EXIT.ok;
  },
};

export const runsCommand: Command = {
  name: 'runs',
  summary: 'Lists runs on the service, newest first.',
  usage: 'mace --server URL --token T runs [--status STATUS] [--limit N]',
  options: {
    ...CONNECTION_OPTIONS,
    status: {
      type: 'string',
      value: 'STATUS',
      description: 'queued, running, succeeded, failed, errored or cancelled',
    },
    limit: { type: 'string', value: 'N', description: 'how many (1-100)', default: '20' },
  },
  async run(values) {
    const client = remoteClient(values, 'runs');
    const limit = intOption(values, 'limit') ?? 20;
    if (limit > 100) throw new UsageError('--limit must be at most 100');
    const query: Record<string, string> = { limit: String(limit) };
    if (values.status) query.status = String(values.status);
    const page = await client.listRuns(query);
    process.stdout.write(
      formatTable(
        ['id', 'status', 'actions', 'created', 'finished', 'reason'],
        page.items.map((r) => [r.id, r.status, r.actions.join('+'), r.createdAt, r.finishedAt ?? '-', r.reason ?? '']),
      ),
    );
    return EXIT.ok;
  },
};

export const artifactsCommand: Command = {
  name: 'artifacts',
  summary: "Downloads a run's artifacts (or one artifact) with their checksums verified.",
  usage: 'mace --server URL --token T artifacts download RUN|ARTIFACT_ID [--out DIR] [--kind KIND]',
  options: {
    ...CONNECTION_OPTIONS,
    out: { type: 'string', value: 'DIR', description: 'where to write them', default: '.' },
    kind: {
      type: 'string',
      value: 'KIND',
      description: "only this kind of a run's artifacts (e.g. library_package, tuned)",
    },
  },
  async run(values, positionals) {
    const [sub, id, ...extra] = positionals;
    if (sub !== 'download' || !id || extra.length > 0)
      throw new UsageError('expected: mace artifacts download RUN|ARTIFACT_ID');
    if (!isUuid(id)) throw new UsageError(`"${id}" is not a run or artifact id (a UUID)`);
    const client = remoteClient(values, 'artifacts');
    let artifacts: ApiArtifact[];
    try {
      artifacts = [await client.getArtifact(id)];
    } catch (err) {
      if (!(err instanceof ApiRequestError && err.status === 404)) throw err;
      await client.getRun(id); // 404 here: neither an artifact nor a run
      artifacts = await client.listAll<ApiArtifact>('/v1/artifacts', {
        runId: id,
        ...(values.kind ? { kind: String(values.kind) } : {}),
      });
      if (artifacts.length === 0)
        throw new UserError(`run ${id} has no artifacts${values.kind ? ` of kind ${values.kind}` : ''}`);
    }
    const dir = path.resolve(String(values.out));
    mkdirSync(dir, { recursive: true });
    const names = new Set<string>();
    for (const a of artifacts) {
      // Artifacts of several jobs may share a name: keep each, prefixed by its id.
      let name = path.basename(a.name) || a.id;
      if (names.has(name)) name = `${a.id.slice(0, 8)}-${name}`;
      names.add(name);
      await download(client, a, path.join(dir, name));
      process.stdout.write(`${path.join(String(values.out), name)}  ${a.size} bytes  sha256 ${a.sha256} ok\n`);
    }
    return EXIT.ok;
  },
};

/** Streams an artifact to a temporary file, hashing it; renamed into place only when the sha256 matches. */
async function download(client: ReturnType<typeof remoteClient>, a: ApiArtifact, file: string): Promise<void> {
  const res = await client.fetch(`/v1/artifacts/${a.id}/download`);
  if (!res.ok || !res.body)
    throw new ApiRequestError(`GET /v1/artifacts/${a.id}/download`, res.status, 'error', await res.text());
  const hash = createHash('sha256');
  const partial = `${file}.partial`;
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
      hasher,
      createWriteStream(partial),
    );
    const got = hash.digest('hex');
    if (got !== a.sha256)
      throw new UserError(`${a.name}: downloaded sha256 ${got}, expected ${a.sha256}; nothing written`);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}

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
