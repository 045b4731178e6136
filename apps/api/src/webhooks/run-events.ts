// Sends the pipeline's run events (run.queued, run.started, run.<terminal>) to the registered
// webhooks. Every process that changes run states (api, worker, agent) subscribes once at start;
// deliveries run in the background and a stopped process's pending ones are finished by the
// API's retry sweeper.
import type { Db } from '@mace/db';
import { onRunEvent } from '@mace/pipeline';
import { runJson } from '../serialize.js';
import { deliverWebhooks } from './deliver.js';

export function notifyRunEvents(db: Db, onError: (err: unknown) => void = () => undefined): () => void {
  return onRunEvent((event, run) => {
    deliverWebhooks(db, event, runJson(run)).catch(onError);
  });
}
