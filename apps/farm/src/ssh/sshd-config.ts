// The board's own sshd_config: nothing from /etc/ssh is read, so the machine's sshd (if any)
// and the board never affect each other.
export interface SshdConfigInput {
  port: number;
  user: string;
  rootfs: string;
  hostKeyPath: string;
  authorizedKeysPath: string;
  pidFile: string;
}

function quoted(value: string): string {
  if (/["\n\r]/.test(value)) throw new Error(`sshd_config cannot hold a path with quotes or newlines: ${value}`);
  return `"${value}"`;
}

export function renderSshdConfig(c: SshdConfigInput): string {
  return [
    '# Written by @mace/farm for the virtual ARM board on every start; edits are lost.',
    `ListenAddress 127.0.0.1:${c.port}`,
    'AddressFamily inet',
    `HostKey ${quoted(c.hostKeyPath)}`,
    `PidFile ${quoted(c.pidFile)}`,
    `AllowUsers ${c.user}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    `AuthorizedKeysFile ${quoted(c.authorizedKeysPath)}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    // StrictModes would reject the key files when the state dir sits under /tmp (mode 1777);
    // the board writes them 0600 itself.
    'StrictModes no',
    // Every session, sftp included, sees only the arm64 rootfs.
    `ChrootDirectory ${quoted(c.rootfs)}`,
    'Subsystem sftp internal-sftp',
    'AllowTcpForwarding no',
    'AllowAgentForwarding no',
    'X11Forwarding no',
    'PermitTunnel no',
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    // Parallel test files and benchmark fan-out open many sessions at once.
    'MaxStartups 64:30:128',
    'MaxSessions 64',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

/** The port and rootfs back from a config this module wrote (stop needs them, the CLI has only the state dir). */
export function readBoardConfig(text: string): { port: number; rootfs: string } | undefined {
  const port = Number(/^ListenAddress 127\.0\.0\.1:(\d+)$/m.exec(text)?.[1]);
  const rootfs = /^ChrootDirectory "(.*)"$/m.exec(text)?.[1];
  return port > 0 && rootfs ? { port, rootfs } : undefined;
}
