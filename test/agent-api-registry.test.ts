// An agent that records its devices through the API with an agent token (as agents on other hosts
// do): the token owns the devices it registers, another agent's token is refused for them (409,
// with the reason), job outcomes reported through heartbeats count toward quarantine, and a run on
// such a device succeeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRegistry, ApiRegistryError, startAgent, type RunningAgent } from '@mace/agent';
import { submitRun } from '@mace/pipeline';
import { startWorker, type RunningWorker } from '@mace/worker';
import { startApi, type Harness } from '../apps/api/test/harness.js';
import {
  createDeployment,
  SQUEEZENET,
  SQUEEZENET_INPUT,
  squeezenetYaml,
  uploadModelFile,
  waitForRun,
} from '../packages/pipeline/test/fixtures.js';

let h: Harness;
let url: string;
let agent: RunningAgent;
let worker: RunningWorker;
const serial = 'host:api-registry-agent';

beforeAll(async () => {
  h = await startApi();
  url = await h.app.listen({ port: 0, host: '127.0.0.1' });
  agent = await startAgent({
    db: h.db,
    queues: h.queues,
    store: h.store,
    serial,
    registry: apiRegistry({ url, token: h.tokens.agent }),
    report: () => undefined,
  });
  worker = await startWorker({ db: h.db, queues: h.queues, store: h.store, report: () => undefined });
});
afterAll(async () => {
  await agent?.close();
  await worker?.close();
  await h?.close();
});

describe('an agent recording its devices through the API', () => {
  it('registers the host under its agent token', async () => {
    const row = await h.db.device.findUniqueOrThrow({ where: { serial }, include: { agentToken: true } });
    expect(row).toMatchObject({ kind: 'host', state: 'available' });
    expect(row.agentToken?.scope).toBe('agent');
    const listed = await h.request({ method: 'GET', url: `/v1/devices/${row.id}`, token: h.tokens.user });
    expect(listed.json()).toMatchObject({ serial, state: 'available' });
  });

  it('cannot take a device another agent owns', async () => {
    const other = apiRegistry({ url, token: h.tokens.otherAgent });
    const err = await other
      .register({ serial, kind: 'host', abis: ['host'], properties: {} }, 'available')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRegistryError);
    expect((err as ApiRegistryError).status).toBe(409);
    expect((err as Error).message).toMatch(`device ${serial} is registered by another agent`);
  });

  it('runs a job on the device, reporting busy and available through heartbeats', async () => {
    const model = await uploadModelFile(h.db, h.store, SQUEEZENET);
    const input = await h.store.putFile(SQUEEZENET_INPUT);
    const deployment = await createDeployment(h.db, squeezenetYaml(model.sha256, input.sha256));
    const run = await submitRun(h.db, h.queues, {
      deploymentId: deployment.id,
      actions: ['validate'],
      deviceSelector: { ids: [agent.device.id] },
    });
    expect((await waitForRun(h.db, run.id, 600_000)).status).toBe('succeeded');
    const row = await h.db.device.findUniqueOrThrow({ where: { serial } });
    expect(row).toMatchObject({ state: 'available', consecutiveFailures: 0 });
  });

  it('quarantines after repeated infrastructure failures reported by the agent', async () => {
    const registry = apiRegistry({ url, token: h.tokens.agent });
    const device = agent.device;
    expect(await registry.recordOutcome(device, 'infrastructure', 'adb: device offline')).toBeNull();
    expect(await registry.recordOutcome(device, 'ok')).toBeNull();
    expect(await registry.recordOutcome(device, 'infrastructure', 'timeout')).toBeNull();
    expect(await registry.recordOutcome(device, 'infrastructure', 'timeout')).toBeNull();
    expect(await registry.recordOutcome(device, 'infrastructure', 'push failed')).toBe('quarantined');
    const row = await h.db.device.findUniqueOrThrow({ where: { serial } });
    expect(row.state).toBe('quarantined');
    expect((row.properties as { quarantine: { reason: string } }).quarantine.reason).toBe(
      '3 infrastructure failures in a row; last: push failed',
    );
    // the agent's own state reports do not release it
    await registry.setState(device, 'available');
    expect((await h.db.device.findUniqueOrThrow({ where: { serial } })).state).toBe('quarantined');
  });
});
