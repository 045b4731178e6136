// Run events reach webhooks: a run that fails in the worker notifies a subscribed receiver of
// run.queued and run.failed (run.started when a job ran), each delivery signed with the
// webhook's secret (HMAC-SHA256 over the raw body), against real PostgreSQL and Redis.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyRunEvents, verifyWebhookSignature } from '@mace/api/webhooks';
import { submitRun } from '@mace/pipeline';
import { startWorker, type RunningWorker } from '@mace/worker';
import { singleNodeModel } from '../packages/converter/test/helpers/onnx-builder.js';
import {
  createDeployment,
  createPipelineFixture,
  uploadModelFile,
  waitForRun,
  type PipelineFixture,
} from '../packages/pipeline/test/fixtures.js';

const SECRET = 'test-secret-for-run-events';
let fx: PipelineFixture;
let worker: RunningWorker;
let receiver: Server;
let unsubscribe: () => void;
const received: { event: string; runId: string; status: string; signed: boolean }[] = [];

beforeAll(async () => {
  fx = await createPipelineFixture();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const envelope = JSON.parse(body) as { event: string; data: { id: string; status: string } };
      const signature = String(req.headers['x-mace-signature'] ?? '');
      received.push({
        event: envelope.event,
        runId: envelope.data.id,
        status: envelope.data.status,
        signed: verifyWebhookSignature(SECRET, body, signature),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  await fx.db.webhook.create({ data: { url: `http://127.0.0.1:${port}/hook`, secret: SECRET, events: [] } });
  unsubscribe = notifyRunEvents(fx.db);
  worker = await startWorker({ db: fx.db, queues: fx.queues, store: fx.store, report: () => undefined });
});

afterAll(async () => {
  unsubscribe?.();
  await worker?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  await fx?.cleanup();
});

describe('run events to webhooks', () => {
  it('delivers run.queued and the terminal event, signed', async () => {
    const model = singleNodeModel('Acos', { x: { dtype: 'float32', shape: [1, 4] } }, ['y']);
    const file = await uploadModelFile(fx.db, fx.store, model, 'acos.onnx');
    const yaml = [
      'library_name: acos',
      'target_abis: [host]',
      'models:',
      '  acos:',
      '    platform: onnx',
      '    model_file_path: acos.onnx',
      `    model_sha256_checksum: ${file.sha256}`,
      '    subgraphs:',
      '      - input_tensors: x',
      '        input_shapes: 1,4',
      '        output_tensors: y',
      '',
    ].join('\n');
    const deployment = await createDeployment(fx.db, yaml);
    const run = await submitRun(fx.db, fx.queues, { deploymentId: deployment.id, actions: ['convert'] });
    expect((await waitForRun(fx.db, run.id)).status).toBe('failed');
    for (let i = 0; i < 100 && !received.some((r) => r.event === 'run.failed'); i++)
      await new Promise((r) => setTimeout(r, 50));
    const events = received.filter((r) => r.runId === run.id).map((r) => r.event);
    expect(events[0]).toBe('run.queued');
    expect(events).toContain('run.failed');
    expect(events.filter((e) => e === 'run.failed')).toHaveLength(1);
    expect(received.every((r) => r.signed)).toBe(true);
    expect(received.find((r) => r.event === 'run.failed')?.status).toBe('failed');
    const deliveries = await fx.db.webhookDelivery.findMany({ where: { event: 'run.failed' } });
    expect(deliveries.map((d) => d.status)).toEqual(['delivered']);
  });
});
