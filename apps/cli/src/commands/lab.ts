// mace devices and mace runs: what the service's lab holds and has run.
import { writeFileSync } from 'node:fs';
import type { ApiDevice } from '@mace/protocol';
import { intOption, UsageError, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { CONNECTION_OPTIONS, remoteClient } from '../remote/connection.js';
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
