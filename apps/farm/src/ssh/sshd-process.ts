// Starting and stopping the board's sshd. It runs in the foreground (-D) as a detached
// session leader, so it outlives a CLI that started it; stop() takes down the listener and
// every session process under it.
import { spawn } from 'node:child_process';
import { access, constants, open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand, withHint } from '../rootfs/run-command.js';
import { commandLineOf, descendantsOf, isGone, signal } from './processes.js';

const SSHD_CANDIDATES = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/sbin/sshd'];

/** sshd must be started by absolute path: it re-executes itself for every connection. */
export async function findSshd(): Promise<string> {
  for (const candidate of SSHD_CANDIDATES) {
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  throw new Error('sshd not found: apt-get install openssh-server');
}

export interface SshdFiles {
  configPath: string;
  pidFile: string;
  logPath: string;
}

export class PortInUseError extends Error {}

export async function checkSshdConfig(sshd: string, files: SshdFiles): Promise<void> {
  await withHint(`sshd rejected its config ${files.configPath}`, runCommand(sshd, ['-t', '-f', files.configPath]));
}

/** Starts sshd and resolves with its pid once it listens (it writes the pid file after binding). */
export async function launchSshd(sshd: string, files: SshdFiles, timeoutMs = 15_000): Promise<number> {
  const logStart = await stat(files.logPath).then(
    (s) => s.size,
    () => 0,
  );
  const logFile = await open(files.logPath, 'a');
  const child = spawn(sshd, ['-D', '-f', files.configPath, '-E', files.logPath], {
    detached: true,
    stdio: ['ignore', logFile.fd, logFile.fd],
  });
  await logFile.close();
  let exit: string | undefined;
  child.on('exit', (code, sig) => (exit = sig ? `signal ${sig}` : `exit ${code}`));
  child.on('error', (err) => (exit = err.message));

  const deadline = Date.now() + timeoutMs;
  while (exit === undefined && Date.now() < deadline) {
    const pid = Number(await readFile(files.pidFile, 'utf8').catch(() => ''));
    if (pid === child.pid) {
      child.unref();
      return pid;
    }
    await sleep(50);
  }
  if (exit === undefined) signal(child.pid!, 'SIGKILL');
  const log = (await readFile(files.logPath, 'utf8').catch(() => '')).slice(logStart).trim();
  if (/Address already in use/.test(log)) throw new PortInUseError(log);
  throw new Error(`sshd did not start (${exit ?? 'no pid file after ' + timeoutMs + ' ms'}); its log:\n${log}`);
}

export async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = (await Promise.all(pids.map(isGone))).some((gone) => !gone);
    if (!alive) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

/**
 * Stops the sshd recorded in the pid file, if it is still the one that uses this config,
 * with all its session processes (commands included: without a pty nothing else ends them).
 * Returns whether one was running.
 */
export async function stopSshd(files: SshdFiles): Promise<boolean> {
  const pid = Number(await readFile(files.pidFile, 'utf8').catch(() => ''));
  const ours = pid > 0 && !(await isGone(pid)) && (await commandLineOf(pid)).includes(files.configPath);
  if (ours) {
    // Freeze the listener so no new session starts while its tree is collected and killed.
    signal(pid, 'SIGSTOP');
    const sessions = await descendantsOf(pid);
    for (const child of sessions) signal(child, 'SIGKILL');
    signal(pid, 'SIGTERM');
    signal(pid, 'SIGCONT');
    if (!(await waitGone([pid, ...sessions], 5_000))) {
      signal(pid, 'SIGKILL');
      if (!(await waitGone([pid, ...sessions], 5_000))) throw new Error(`sshd ${pid} or its sessions did not exit`);
    }
  }
  await rm(files.pidFile, { force: true });
  return ours;
}
