// The board's host key and the client key pair the agent logs in with, made once by
// ssh-keygen and kept in the state dir; and the fingerprint clients pin.
import { createHash } from 'node:crypto';
import { access, readFile, rename, rm } from 'node:fs/promises';
import { runCommand, withHint } from '../rootfs/run-command.js';

export interface KeyPair {
  privateKeyPath: string;
  publicKeyPath: string;
  /** OpenSSH public key line without the comment: "ssh-ed25519 AAAA…". */
  publicKey: string;
}

/** Reuses the pair at `privateKeyPath` (+ ".pub") or generates an ed25519 one. */
export async function ensureKeyPair(privateKeyPath: string, comment: string): Promise<KeyPair> {
  const publicKeyPath = `${privateKeyPath}.pub`;
  const complete = await Promise.all([access(privateKeyPath), access(publicKeyPath)]).then(
    () => true,
    () => false,
  );
  if (!complete) {
    // Generate under a temp name and rename: an interrupted run leaves no half pair behind.
    const temp = `${privateKeyPath}.new-${process.pid}`;
    await rm(temp, { force: true });
    await rm(`${temp}.pub`, { force: true });
    await withHint(
      'could not generate an SSH key: apt-get install openssh-client',
      runCommand('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', temp]),
    );
    await rename(`${temp}.pub`, publicKeyPath);
    await rename(temp, privateKeyPath);
  }
  const [type, blob] = (await readFile(publicKeyPath, 'utf8')).trim().split(/\s+/);
  if (!type || !blob) throw new Error(`${publicKeyPath} is not an OpenSSH public key; delete it to regenerate`);
  return { privateKeyPath, publicKeyPath, publicKey: `${type} ${blob}` };
}

/**
 * "SHA256:<unpadded base64>" of the key blob, as `ssh-keygen -lf` prints it. An ssh2 client
 * computes the same from the raw key its hostVerifier receives:
 *   'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '')
 */
export function fingerprintOf(publicKey: string): string {
  const blob = publicKey.trim().split(/\s+/)[1];
  if (!blob) throw new Error(`not an OpenSSH public key: ${publicKey}`);
  return fingerprintOfBlob(Buffer.from(blob, 'base64'));
}

export function fingerprintOfBlob(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}
