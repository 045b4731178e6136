// A virtual Android phone: an ADB daemon on 127.0.0.1 that the real adb server reaches
// with `adb connect 127.0.0.1:<port>`, running commands in the phone's root directory.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { TrustedKeys } from './auth.js';
import { DEFAULT_BATTERY, validateBattery, type BatteryState } from './battery.js';
import { DeviceConnection, type ConnectionState } from './connection.js';
import { hangUp, killNow } from './device-process.js';
import { PhoneRoot } from './phone-root.js';
import { buildProperties, connectionBanner, type DeviceProperties } from './properties.js';
import type { ServiceContext } from './services/service-context.js';
import { STATE_ENV_VARIABLE, SystemCommands } from './system-commands.js';

export interface VirtualPhoneOptions {
  /** The phone's own state; without `rootfs` the phone root is `<dataDir>/root`. */
  dataDir: string;
  /** A root filesystem to chroot commands into (needs root); device paths resolve inside it. */
  rootfs?: string;
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** System properties, over the defaults (see DEFAULT_PROPERTIES). */
  properties?: Record<string, string>;
  battery?: Partial<BatteryState>;
  /** Ask the host to authenticate, as a phone with USB debugging secured does. */
  requireAuth?: boolean;
  /** Host public keys (adbkey.pub text) the phone already trusts. */
  allowedKeys?: string[];
  /** Trust any key the host offers, as if the user tapped "Allow". */
  autoAccept?: boolean;
  /** Create an empty /vendor/lib64/libOpenCL.so as a presence marker (it cannot be loaded). */
  openclLibrary?: boolean;
  /** Largest packet payload the phone accepts; adb 29 hosts send up to 1 MiB. */
  maxPayload?: number;
  log?: (line: string) => void;
}

export interface VirtualPhone {
  port: number;
  /** What adb calls the phone once connected: `127.0.0.1:<port>`. */
  serial: string;
  /** The phone root on this machine. */
  rootDir: string;
  properties: DeviceProperties;
  battery(): BatteryState;
  /** Changes what `dumpsys battery` reports from now on. */
  setBattery(update: Partial<BatteryState>): void;
  /** Trusts a host key, as the user tapping "Always allow"; waiting hosts come online. */
  allowKey(publicKey: string): void;
  /** The state of each live connection, for diagnostics. */
  connectionStates(): ConnectionState[];
  /** Unplugs the phone: resets every connection, kills every command, stops listening. */
  kill(): Promise<void>;
  /** Shuts the phone down cleanly: commands are hung up, connections ended. */
  close(): Promise<void>;
}

const DEFAULT_MAX_PAYLOAD = 256 * 1024;

/** How long close() lets hosts close their side before resetting the connections. */
const CLOSE_GRACE_MS = 2000;

export async function startVirtualPhone(options: VirtualPhoneOptions): Promise<VirtualPhone> {
  const log = options.log ?? (() => undefined);
  const maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  if (!Number.isInteger(maxPayload) || maxPayload < 4096 || maxPayload > 1024 * 1024) {
    throw new RangeError(`maxPayload must be between 4 KiB and 1 MiB, got ${maxPayload}`);
  }
  await mkdir(options.dataDir, { recursive: true });
  if (options.rootfs) await checkRootfs(options.rootfs);
  const root = await PhoneRoot.open(options.rootfs ?? path.join(options.dataDir, 'root'));
  await root.prepare({ openclLibrary: options.openclLibrary ?? false });

  let battery = validateBattery({ ...DEFAULT_BATTERY, ...options.battery });
  const trustedKeys = new TrustedKeys(options.allowedKeys);
  const children = new Set<ChildProcessWithoutNullStreams>();
  const connections = new Set<DeviceConnection>();
  // Final once the port is known: ro.serialno names it. No host can connect before that.
  let properties: DeviceProperties = buildProperties('');

  const placement = { hostRoot: root.hostDir, chroot: options.rootfs !== undefined, env: {} as Record<string, string> };
  const services: ServiceContext = {
    root,
    placement,
    phoneState: () => ({ properties, battery }),
    trackProcess: (child) => {
      children.add(child);
      child.on('close', () => children.delete(child));
      child.on('error', () => children.delete(child)); // never started
    },
    log,
  };
  const settings = {
    banner: () => connectionBanner(properties),
    maxPayload,
    auth: options.requireAuth ? { trustedKeys, autoAccept: options.autoAccept ?? false } : undefined,
    services,
  };
  const server = createServer((socket) => {
    connections.add(new DeviceConnection(socket, settings, (gone) => connections.delete(gone)));
  });
  const port = await listen(server, options.port ?? 0);
  properties = buildProperties(`vphone-${port}`, options.properties);
  const systemCommands = SystemCommands.install(root.hostDir, String(port), placement.chroot);
  systemCommands.update({ properties, battery });
  placement.env[STATE_ENV_VARIABLE] = systemCommands.stateDirForProcesses; // tells getprop/dumpsys which phone
  const serial = `127.0.0.1:${port}`;
  log(`virtual phone ${serial} serving ${root.hostDir}${options.rootfs ? ' (chroot)' : ''}`);

  const shutDown = async (abrupt: boolean) => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const child of children) {
      if (abrupt) killNow(child);
      else hangUp(child);
    }
    for (const connection of connections) connection.close(abrupt);
    // A host that does not answer our FIN must not keep the phone from closing.
    const reset = setTimeout(() => connections.forEach((connection) => connection.close(true)), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(reset);
  };

  return {
    port,
    serial,
    rootDir: root.hostDir,
    get properties() {
      return properties;
    },
    battery: () => battery,
    setBattery: (update) => {
      battery = validateBattery({ ...battery, ...update });
      systemCommands.update({ properties, battery });
    },
    allowKey: (publicKey) => {
      trustedKeys.add(publicKey);
      for (const connection of connections) connection.recheckOfferedKey();
    },
    connectionStates: () => [...connections].map((connection) => connection.state),
    kill: () => shutDown(true),
    close: () => shutDown(false),
  };
}

async function checkRootfs(rootfs: string): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error(`running commands in rootfs ${rootfs} needs root (chroot)`);
  await access(path.join(rootfs, 'bin/sh')).catch(() => {
    throw new Error(`rootfs ${rootfs} has no /bin/sh`);
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
