// The virtual device farm in one call: the arm64 root filesystem, the SSH board chrooted into it,
// and the Android phones attached to a private adb server (its own port, so a developer's real
// phones on the default server are never touched). Writes <stateDir>/devices.yml for the agent
// and <stateDir>/farm.json describing everything.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { startVirtualPhone, type VirtualPhone } from '../adb/index.js';
import { defaultCacheDir, defaultRootfsDir, ensureRootfs } from '../rootfs/index.js';
import { startSshBoard, type SshBoard } from '../ssh/index.js';
import { BOARD, PHONES } from './specs.js';

const run = promisify(execFile);

export interface FarmOptions {
  stateDir: string;
  /** The private adb server's port (default MACE_FARM_ADB_PORT or 5137). */
  adbPort?: number;
  cacheDir?: string;
  log?: (line: string) => void;
}

export interface FarmFacts {
  /** `host:port` of the adb server the phones are attached to (the agent's MACE_ADB_SERVER). */
  adbServer: string;
  /** The agent's MACE_DEVICES_FILE. */
  devicesFile: string;
  phones: { name: string; serial: string; abi: string; port: number }[];
  board: { name: string; serial: string; host: string; port: number; hostKeyFingerprint: string };
  rootfs: string;
}

export interface Farm extends FarmFacts {
  phoneObjects: VirtualPhone[];
  sshBoard: SshBoard;
  stop(): Promise<void>;
}

export const defaultAdbPort = (): number => Number(process.env.MACE_FARM_ADB_PORT ?? 5137);

export function adb(port: number, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('adb', ['-P', String(port), ...args], { timeout: 30_000 });
}

/**
 * Each phone gets its own root (files differ per phone: the OpenCL marker, pushed blobs), cloned
 * from the shared rootfs with hard links (a plain copy across file systems).
 */
async function phoneRoot(rootfs: string, dir: string): Promise<string> {
  if (existsSync(path.join(dir, 'bin'))) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  await run('cp', ['-al', rootfs, dir]).catch(() => run('cp', ['-a', rootfs, dir]));
  return dir;
}

async function waitForAdbDevices(port: number, serials: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { stdout } = await adb(port, 'devices');
    const ready = serials.filter((s) => new RegExp(`^${s.replace(/\./g, '\\.')}\\s+device$`, 'm').test(stdout));
    if (ready.length === serials.length) return;
    if (Date.now() > deadline)
      throw new Error(`the adb server on port ${port} does not list ${serials.join(', ')} as devices:\n${stdout}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startFarm(options: FarmOptions): Promise<Farm> {
  const log = options.log ?? (() => undefined);
  const stateDir = path.resolve(options.stateDir);
  const adbPort = options.adbPort ?? defaultAdbPort();
  await mkdir(stateDir, { recursive: true });
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const rootfs = await ensureRootfs({ dir: defaultRootfsDir(cacheDir), cacheDir, log });
  log(`rootfs ${rootfs.dir} (${rootfs.packages.length} Debian arm64 packages${rootfs.reused ? ', reused' : ''})`);

  const sshBoard = await startSshBoard({ rootfs: rootfs.dir, stateDir });
  log(`ssh board on 127.0.0.1:${sshBoard.port}, host key ${sshBoard.hostKeyFingerprint}`);
  const devicesFile = path.join(stateDir, 'devices.yml');
  await writeFile(
    devicesFile,
    [
      "# The virtual farm's boards (written by the farm; see docs/device-farm.md).",
      'devices:',
      `  ${BOARD.name}:`,
      `    target_abis: [${BOARD.targetAbis.join(', ')}]`,
      `    target_socs: ${BOARD.soc}`,
      `    models: ${BOARD.model}`,
      `    address: ${sshBoard.host}`,
      `    port: ${sshBoard.port}`,
      `    username: ${sshBoard.username}`,
      `    private_key: ${sshBoard.privateKeyPath}`,
      `    host_key: ${sshBoard.hostKeyFingerprint}`,
      '',
    ].join('\n'),
  );

  await adb(adbPort, 'start-server');
  const phoneObjects: VirtualPhone[] = [];
  try {
    for (const spec of PHONES) {
      const phone = await startVirtualPhone({
        dataDir: path.join(stateDir, 'phones', spec.name),
        rootfs: await phoneRoot(rootfs.dir, path.join(stateDir, 'phones', spec.name, 'rootfs')),
        properties: { ...spec.properties, 'ro.serialno': `virtual-${spec.name}` },
        battery: spec.battery,
        openclLibrary: spec.properties['ro.product.cpu.abi'] === 'arm64-v8a',
      });
      phoneObjects.push(phone);
      await adb(adbPort, 'connect', phone.serial);
      log(`phone ${spec.name} (${spec.properties['ro.product.cpu.abi']}) at ${phone.serial}`);
    }
    await waitForAdbDevices(
      adbPort,
      phoneObjects.map((p) => p.serial),
    );
  } catch (err) {
    for (const p of phoneObjects) await p.close().catch(() => undefined);
    await sshBoard.stop();
    throw err;
  }

  const facts: FarmFacts = {
    adbServer: `127.0.0.1:${adbPort}`,
    devicesFile,
    phones: phoneObjects.map((p, i) => ({
      name: PHONES[i].name,
      serial: p.serial,
      abi: PHONES[i].properties['ro.product.cpu.abi'],
      port: p.port,
    })),
    board: {
      name: BOARD.name,
      serial: `ssh:${BOARD.name}`,
      host: sshBoard.host,
      port: sshBoard.port,
      hostKeyFingerprint: sshBoard.hostKeyFingerprint,
    },
    rootfs: rootfs.dir,
  };
  await writeFile(path.join(stateDir, 'farm.json'), JSON.stringify(facts, null, 2) + '\n');
  return {
    ...facts,
    phoneObjects,
    sshBoard,
    async stop() {
      for (const p of phoneObjects) {
        await adb(adbPort, 'disconnect', p.serial).catch(() => undefined);
        await p.close().catch(() => undefined);
      }
      await sshBoard.stop();
      // The server's port is the farm's own: nobody else's phones are on it.
      await adb(adbPort, 'kill-server').catch(() => undefined);
      log('farm stopped');
    },
  };
}
