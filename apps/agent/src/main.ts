// The agent process: `node apps/agent/dist/main.js`. Environment: DATABASE_URL, REDIS_URL,
// ARTIFACT_DIR (the same store as the worker's: the agent reads artifacts from it), and optionally
//   MACE_DEVICES_FILE        devices.yml: the ARM Linux boards this agent owns (over SSH)
//   MACE_ADB_SERVER          host:port of the adb server whose phones it owns (e.g. 127.0.0.1:5037)
//   MACE_AGENT_HOST=0        do not offer this host as a device
//   MACE_API_URL, MACE_AGENT_TOKEN   record devices through the API with an agent token (agents on
//                            other hosts); without them the agent records them in DATABASE_URL
//   MACE_HOST_DEVICE_SERIAL, MACE_AGENT_CACHE_DIR, MACE_DEVICE_TOOL_TIMEOUT_S, MACE_COOL_DOWN_C,
//   MACE_QUARANTINE_AFTER, MACE_HEARTBEAT_MS.
// SIGTERM/SIGINT: running jobs go back to their queues and the devices are marked offline.
import { notifyRunEvents } from '@mace/api/webhooks';
import { ConfigError, formatConfigError, readDevicesFile } from '@mace/config';
import { createDb } from '@mace/db';
import { createQueues, processLog, runConsumerProcess } from '@mace/pipeline';
import { createStoreFromEnv } from '@mace/storage';
import { startAgent } from './agent.js';
import { apiRegistry } from './devices/api-registry.js';
import type { DeviceRegistry } from './devices/registry.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const db = createDb();
const queues = createQueues(redisUrl);
const store = createStoreFromEnv();
const log = processLog('agent');
notifyRunEvents(db, (err) => log(`webhook delivery failed: ${String(err)}`));

function registryFromEnv(): DeviceRegistry | undefined {
  const url = process.env.MACE_API_URL;
  const token = process.env.MACE_AGENT_TOKEN;
  if (!url && !token) return undefined;
  if (!url || !token) {
    process.stderr.write('agent: set both MACE_API_URL and MACE_AGENT_TOKEN (an agent-scope token), or neither\n');
    process.exit(2);
  }
  return apiRegistry({ url, token });
}

let boards;
try {
  boards = process.env.MACE_DEVICES_FILE ? await readDevicesFile(process.env.MACE_DEVICES_FILE) : [];
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${formatConfigError(err)}\n`);
  process.exit(2);
}

await runConsumerProcess('agent', { db, queues }, async (report) => {
  const agent = await startAgent({
    db,
    queues,
    store,
    report,
    host: process.env.MACE_AGENT_HOST !== '0',
    adbServer: process.env.MACE_ADB_SERVER,
    boards,
    registry: registryFromEnv(),
  });
  const names = agent.devices().map((d) => d.serial);
  return { close: () => agent.close(), banner: `owning ${names.join(', ') || 'no device yet'} (pid ${process.pid})` };
});
