// A pipeline stack in this process for end-to-end tests: PostgreSQL/Redis fixture, the squeezenet
// model and its input uploaded, one deployment, the worker and a host agent.
import { startAgent, type RunningAgent } from '@mace/agent';
import { startWorker, type RunningWorker } from '@mace/worker';
import {
  createDeployment,
  createPipelineFixture,
  SQUEEZENET,
  SQUEEZENET_INPUT,
  uploadModelFile,
  type PipelineFixture,
} from '../../packages/pipeline/test/fixtures.js';

export interface HostStack {
  fx: PipelineFixture;
  worker: RunningWorker;
  agent: RunningAgent;
  deploymentId: string;
  close(): Promise<void>;
}

/** `yaml` turns the uploaded model's and input's sha256 into the deployment file. */
export async function startHostStack(yaml: (modelSha256: string, inputSha256: string) => string): Promise<HostStack> {
  const quiet = (): void => undefined;
  const fx = await createPipelineFixture();
  const model = await uploadModelFile(fx.db, fx.store, SQUEEZENET);
  const input = await fx.store.putFile(SQUEEZENET_INPUT);
  const deploymentId = (await createDeployment(fx.db, yaml(model.sha256, input.sha256))).id;
  const worker = await startWorker({ db: fx.db, queues: fx.queues, store: fx.store, report: quiet });
  const agent = await startAgent({
    db: fx.db,
    queues: fx.queues,
    store: fx.store,
    serial: `host:test-${fx.services.redisPrefix}`,
    report: quiet,
  });
  return {
    fx,
    worker,
    agent,
    deploymentId,
    async close() {
      await agent.close();
      await worker.close();
      await fx.cleanup();
    },
  };
}
