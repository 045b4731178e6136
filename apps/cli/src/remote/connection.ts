// Where remote commands find the service: --server / --token, else MACE_SERVER / MACE_TOKEN. The
// token is only ever sent in the Authorization header, never printed.
import { ApiClient } from '../client/index.js';
import { UsageError, type OptionSpec } from '../command.js';

export const CONNECTION_OPTIONS: Record<string, OptionSpec> = {
  server: { type: 'string', value: 'URL', description: 'the service, e.g. https://mace.example.com (or MACE_SERVER)' },
  token: { type: 'string', value: 'T', description: 'an API token of scope user (or MACE_TOKEN); never printed' },
};

/** The service's client when a server is configured, else undefined (local mode). */
export function maybeRemoteClient(values: Record<string, unknown>): ApiClient | undefined {
  const server = (values.server as string | undefined) ?? process.env.MACE_SERVER;
  if (!server) return undefined;
  const token = (values.token as string | undefined) ?? process.env.MACE_TOKEN;
  if (!token) throw new UsageError('a token is needed with --server: give --token or set MACE_TOKEN');
  try {
    new URL(server);
  } catch {
    throw new UsageError(`--server expects a URL such as http://localhost:8080, got "${server}"`);
  }
  return new ApiClient(server, token);
}

export function remoteClient(values: Record<string, unknown>, command: string): ApiClient {
  const client = maybeRemoteClient(values);
  if (!client) throw new UsageError(`mace ${command} talks to the service: give --server URL (or set MACE_SERVER)`);
  return client;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string): boolean => UUID.test(s);

/** A run named by id, or by baseline tag (anything that is not a UUID). */
export async function resolveRun(client: ApiClient, ref: string): Promise<{ runId: string; tag?: string }> {
  if (isUuid(ref)) return { runId: ref };
  const baseline = await client.getBaseline(ref);
  return { runId: baseline.runId, tag: ref };
}
