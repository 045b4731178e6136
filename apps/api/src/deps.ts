// What the API needs from the rest of the system, injected by buildServer's caller: the database,
// the artifact store, the BullMQ queues, and (optionally) a Redis connection for /readyz.
import type { Db } from '@mace/db';
import type { ArtifactStore } from '@mace/storage';
import type { Queues } from '@mace/pipeline';

/** Anything that answers PING (an ioredis client, a BullMQ queue's client). */
export interface RedisPing {
  ping(): Promise<string>;
}

export interface ApiDeps {
  db: Db;
  store: ArtifactStore;
  queues: Queues;
  redis?: RedisPing;
}
