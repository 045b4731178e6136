// mace artifacts download: a run's artifacts (or one) from the service, each written only once
// its sha256 matches.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ApiArtifact } from '@mace/protocol';
import { ApiRequestError } from '../client/index.js';
import { UsageError, UserError, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { CONNECTION_OPTIONS, isUuid, remoteClient } from '../remote/connection.js';

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
