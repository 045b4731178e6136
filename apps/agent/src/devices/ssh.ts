// ARM Linux boards over SSH (ssh2): key authentication and a PINNED host key — a board that
// presents another key is refused, never trusted silently. Commands are wrapped in `timeout` on
// the board, because OpenSSH does not deliver channel signals to root sessions. Files go by SFTP.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Client, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import {
  DeviceLostError,
  OutputCollector,
  withTimeout,
  type DeviceTransport,
  type ExecOptions,
  type ExecResult,
} from './transport.js';

export interface SshBoardAddress {
  host: string;
  port: number;
  username: string;
  privateKeyPath: string;
  /** OpenSSH's fingerprint of the board's host key: `SHA256:<base64, no padding>`. */
  hostKey: string;
}

/** The fingerprint `ssh-keygen -lf` prints for a host key blob. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** A host key mismatch: the connection was refused before authentication. */
export class HostKeyMismatchError extends Error {
  constructor(
    readonly address: string,
    readonly presented: string,
    readonly pinned: string,
  ) {
    super(
      `${address} presented host key ${presented}, not the pinned ${pinned}; refusing to connect. ` +
        'If the board was reinstalled, check its key (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the board) and update host_key in devices.yml',
    );
    this.name = 'HostKeyMismatchError';
  }
}

export async function connectSsh(address: SshBoardAddress, timeoutMs = 15_000): Promise<Client> {
  const privateKey = await readFile(address.privateKeyPath);
  const where = `${address.username}@${address.host}:${address.port}`;
  let mismatch: HostKeyMismatchError | null = null;
  const config: ConnectConfig = {
    host: address.host,
    port: address.port,
    username: address.username,
    privateKey,
    readyTimeout: timeoutMs,
    keepaliveInterval: 5_000,
    keepaliveCountMax: 3,
    hostVerifier: (key: Buffer) => {
      const presented = hostKeyFingerprint(key);
      if (presented === address.hostKey) return true;
      mismatch = new HostKeyMismatchError(where, presented, address.hostKey);
      return false;
    },
  };
  const client = new Client();
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve(client));
    client.once('error', (err) => reject(mismatch ?? new DeviceLostError(`ssh ${where}: ${err.message}`)));
    client.connect(config);
  });
}

export class SshTransport implements DeviceTransport {
  private sftpSession: Promise<SFTPWrapper> | null = null;
  private closed = false;

  constructor(
    private readonly client: Client,
    readonly workRoot: string,
    private readonly where: string,
  ) {
    client.on('close', () => (this.closed = true));
    client.on('error', () => (this.closed = true));
  }

  get connected(): boolean {
    return !this.closed;
  }

  exec(command: string, options: ExecOptions): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      if (options.signal.aborted) return reject(options.signal.reason);
      if (this.closed) return reject(new DeviceLostError(`ssh ${this.where}: connection closed`));
      const out = new OutputCollector(options.onOutput);
      this.client.exec(withTimeout(command, options.timeoutS), (err, stream) => {
        if (err) return reject(new DeviceLostError(`ssh ${this.where}: ${err.message}`));
        let code: number | null = null;
        const abort = (): void => void stream.close();
        options.signal.addEventListener('abort', abort, { once: true });
        stream.on('data', (d: Buffer) => out.add('stdout', d));
        stream.stderr.on('data', (d: Buffer) => out.add('stderr', d));
        stream.on('exit', (c: number | null) => (code = c));
        stream.on('close', () => {
          options.signal.removeEventListener('abort', abort);
          if (options.signal.aborted) return reject(options.signal.reason);
          if (code === null)
            return reject(new DeviceLostError(`ssh ${this.where}: the command ended without an exit status`));
          resolve({ code, stdout: out.text('stdout'), stderr: out.text('stderr') });
        });
      });
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= new Promise((resolve, reject) =>
      this.client.sftp((err, sftp) =>
        err ? reject(new DeviceLostError(`sftp ${this.where}: ${err.message}`)) : resolve(sftp),
      ),
    );
    return this.sftpSession;
  }

  async push(local: string, remote: string, mode: number): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) =>
      sftp.fastPut(local, remote, { mode }, (err) =>
        err ? reject(new DeviceLostError(`sftp put ${remote}: ${err.message}`)) : resolve(),
      ),
    );
  }

  async pull(remote: string, local: string): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) =>
      sftp.fastGet(remote, local, (err) =>
        err ? reject(new DeviceLostError(`sftp get ${remote}: ${err.message}`)) : resolve(),
      ),
    );
  }

  async close(): Promise<void> {
    this.client.end();
  }
}
