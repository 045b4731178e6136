// Just enough of /proc to find an sshd's whole process tree and to tell when it is gone.
import { readFile, readdir, readlink } from 'node:fs/promises';

interface ProcessEntry {
  pid: number;
  ppid: number;
  state: string;
}

async function readEntry(pid: number): Promise<ProcessEntry | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, ppid: Number(ppid), state: state ?? '?' };
}

async function processTable(): Promise<ProcessEntry[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const entries = await Promise.all(pids.map(readEntry));
  return entries.filter((e): e is ProcessEntry => e !== undefined);
}

export async function descendantsOf(root: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of await processTable()) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Gone or a zombie: PID 1 here may never reap what it inherits. */
export async function isGone(pid: number): Promise<boolean> {
  const entry = await readEntry(pid);
  return entry === undefined || entry.state === 'Z';
}

export async function commandLineOf(pid: number): Promise<string> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return raw.replace(/\0/g, ' ').trim();
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/**
 * Processes of sessions of the sshd listening on 127.0.0.1:`port`, chrooted into `rootfs`,
 * found by the SSH_CONNECTION sshd puts in every session's environment. This catches what a
 * disconnected client left running: without a pty nothing signals it, and it is no longer
 * under sshd once its session ended.
 */
export async function sessionProcesses(port: number, rootfs: string): Promise<number[]> {
  const marker = new RegExp(`(^|\\0)SSH_CONNECTION=\\S+ \\d+ 127\\.0\\.0\\.1 ${port}(\\0|$)`);
  const found: number[] = [];
  for (const { pid, state } of await processTable()) {
    if (state === 'Z' || pid === process.pid) continue;
    const root = await readlink(`/proc/${pid}/root`).catch(() => '');
    if (root !== rootfs) continue;
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (marker.test(environ)) found.push(pid);
  }
  return found;
}
