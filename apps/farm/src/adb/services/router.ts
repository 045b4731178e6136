// Maps the destination of an OPEN to a service. Host services (host:..., host-serial:...)
// are the adb server's business and never reach a device.
import type { AdbStream } from '../stream.js';
import type { ServiceContext } from './service-context.js';
import { startShellService, type ShellRequest } from './shell-service.js';
import { startSyncService } from './sync-service.js';

export type ServiceStarter = (stream: AdbStream, context: ServiceContext) => void;

/** The starter for `destination`, or undefined when this phone has no such service. */
export function findService(destination: string): ServiceStarter | undefined {
  if (destination === 'sync:') {
    return (stream, context) => startSyncService(stream, context.root, context.log);
  }
  const shell = parseShellDestination(destination);
  if (shell) return (stream, context) => startShellService(stream, shell, context);
  return undefined;
}

/**
 * `shell[,arg,...]:command` (args: v2, raw, pty, TERM=...) or `exec:command`.
 * An empty command means an interactive shell.
 */
export function parseShellDestination(destination: string): ShellRequest | undefined {
  const colon = destination.indexOf(':');
  if (colon < 0) return undefined;
  const [service, ...args] = destination.slice(0, colon).split(',');
  const command = destination.slice(colon + 1) || undefined;
  if (service === 'exec' && args.length === 0) return { flavour: 'exec', command, env: {} };
  if (service !== 'shell') return undefined;
  const env: Record<string, string> = {};
  let flavour: ShellRequest['flavour'] = 'legacy';
  for (const arg of args) {
    if (arg === 'v2') flavour = 'v2';
    else if (arg.startsWith('TERM=')) env.TERM = arg.slice('TERM='.length);
    // Like adbd, ignore other arguments (raw, pty, future ones).
  }
  return { flavour, command, env };
}
