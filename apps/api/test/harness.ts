// Test harness for the API's integration tests (test/api*.test.ts): a server built against a
// fresh PostgreSQL database and Redis prefix (test/helpers/services.ts), a filesystem store in a
// temporary folder, and one token per scope; plus helpers for requests and multipart bodies.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createDb, createToken, type Db } from '@mace/db';
import { createQueues, type Queues } from '@mace/pipeline';
import { createFsStore, type ArtifactStore } from '@mace/storage';
import { getTestServices, type TestServices } from '../../../test/helpers/services.js';
import { buildServer, type BuildServerOptions } from '../src/index.js';

export interface Harness {
  app: FastifyInstance;
  db: Db;
  store: ArtifactStore;
  queues: Queues;
  services: TestServices;
  artifactDir: string;
  tokens: { admin: string; user: string; agent: string; otherUser: string; otherAgent: string };
  /** fastify.inject with a bearer token and a JSON / raw body. */
  request(options: RequestOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  url: string;
  token?: string | null;
  json?: unknown;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export async function startApi(options: Partial<BuildServerOptions> = {}): Promise<Harness> {
  const services = await getTestServices();
  const db = createDb(services.databaseUrl, { poolSize: 4 });
  const artifactDir = await mkdtemp(path.join(tmpdir(), 'mace-api-test-'));
  const store = createFsStore(artifactDir);
  const queues = createQueues(services.redisUrl, { prefix: services.redisPrefix });
  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  const app = buildServer({ db, store, queues, adminToken, logPollIntervalMs: 50, ...options });
  await app.ready();
  const userOf = async (name: string) => (await db.user.create({ data: { name } })).id;
  const alice = await userOf('alice');
  const bob = await userOf('bob');
  const tokens = {
    admin: adminToken,
    user: (await createToken(db, { name: 'alice-cli', scope: 'user', userId: alice })).token,
    otherUser: (await createToken(db, { name: 'bob-cli', scope: 'user', userId: bob })).token,
    agent: (await createToken(db, { name: 'agent-1', scope: 'agent' })).token,
    otherAgent: (await createToken(db, { name: 'agent-2', scope: 'agent' })).token,
  };

  const request = (o: RequestOptions): Promise<LightMyRequestResponse> => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let payload: string | Buffer | undefined = o.body;
    if (o.json !== undefined) {
      payload = JSON.stringify(o.json);
      headers['content-type'] ??= 'application/json';
    }
    return app.inject({ method: o.method, url: o.url, headers, payload });
  };

  return {
    app,
    db,
    store,
    queues,
    services,
    artifactDir,
    tokens,
    request,
    async close() {
      await app.close();
      await queues.close();
      await db.close();
      await services.cleanup();
      await rm(artifactDir, { recursive: true, force: true });
    },
  };
}

export type Part =
  { name: string; value: string } | { name: string; filename: string; content: Buffer; contentType?: string };

/** A multipart/form-data body with the parts in the given order. */
export function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----mace-test-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if ('value' in p) {
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`),
      );
    } else {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\n` +
            `Content-Type: ${p.contentType ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        p.content,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Every file under `dir` (relative paths), e.g. to check that nothing was stored. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  await walk(dir);
  return out.sort();
}

/** A deployment file for one ONNX model with the given checksum. */
export function deploymentYaml(sha256: string, opts: { tag?: string; library?: string } = {}): string {
  return `library_name: ${opts.library ?? 'demo'}
target_abis: [host]
models:
  ${opts.tag ?? 'net'}:
    platform: onnx
    model_file_path: net.onnx
    model_sha256_checksum: ${sha256}
    subgraphs:
      - input_tensors: x
        input_shapes: 1,3,8,8
        output_tensors: y
        output_shapes: 1,4
    runtime: cpu
`;
}
