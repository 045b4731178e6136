// The virtual ARM board from the command line (run as root):
//   node apps/farm/dist/ssh/main.js start [--state-dir DIR] [--port N] [--rootfs DIR] [--cache-dir DIR]
//   node apps/farm/dist/ssh/main.js stop  [--state-dir DIR]
// `start` builds the shared rootfs if needed (progress on stderr), leaves sshd running and
// prints the connection facts as JSON on stdout; `stop` prints {"stopped": true|false}.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir, defaultRootfsDir, ensureRootfs } from '../rootfs/index.js';
import { startSshBoard, stopSshBoard } from './board.js';

function defaultStateDir(): string {
  const base = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local/state');
  return path.join(base, 'mace-farm');
}

const USAGE = 'usage: main.js start|stop [--state-dir DIR] [--port N] [--rootfs DIR] [--cache-dir DIR]';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'state-dir': { type: 'string' },
      port: { type: 'string' },
      rootfs: { type: 'string' },
      'cache-dir': { type: 'string' },
    },
  });
  const stateDir = values['state-dir'] ?? defaultStateDir();
  switch (positionals[0]) {
    case 'start': {
      const cacheDir = values['cache-dir'] ?? defaultCacheDir();
      const rootfs = values.rootfs ?? defaultRootfsDir(cacheDir);
      await ensureRootfs({ dir: rootfs, cacheDir, log: (line) => console.error(`rootfs: ${line}`) });
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
        throw new Error(`--port ${values.port} is not a TCP port`);
      }
      const { stop: _stop, ...facts } = await startSshBoard({ rootfs, stateDir, port });
      console.log(JSON.stringify(facts, null, 2));
      return;
    }
    case 'stop':
      console.log(JSON.stringify({ stopped: await stopSshBoard(stateDir) }));
      return;
    default:
      throw new Error(USAGE);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
