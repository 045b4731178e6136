// SEND: the host pushes a file (DATA chunks, then DONE with the mtime) or a symlink
// (one DATA with the target). Mirrors adbd: parents are created (fixed_push_mkdir), a
// regular file or symlink in the way is replaced, and the reply is OKAY or FAIL.
import { constants as fs, type FileHandle, lstat, lutimes, mkdir, open, readlink, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { errorCode, errorMessage } from '../errors.js';
import { encodeIdValue, SYNC_DATA_MAX } from './sync-messages.js';
import { readIdValue, sendFail, type SyncChannel } from './sync-channel.js';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Thrown to report a FAIL message to the host. */
class SendFailure extends Error {}

/** Handles one SEND request ("path,mode"); false ends the sync session. */
export async function receivePushedFile(channel: SyncChannel, spec: string): Promise<boolean> {
  const comma = spec.lastIndexOf(',');
  if (comma < 0) {
    await sendFail(channel, 'missing , in ID_SEND_V1');
    return false;
  }
  const devicePath = spec.slice(0, comma);
  const mode = parseMode(spec.slice(comma + 1));
  const isLink = (mode & S_IFMT) === S_IFLNK;
  let hostPath: string;
  try {
    hostPath = await channel.root.resolve(devicePath, { followLast: false });
  } catch (error) {
    await sendFail(channel, `couldn't create file: ${errorMessage(errorCode(error))}`);
    await discardData(channel);
    return false;
  }
  // Like adbd, replace a regular file or symlink rather than writing through it.
  const existing = await lstat(hostPath).catch(() => undefined);
  const replaceable = !existing || existing.isFile() || (existing.isSymbolicLink() && !isLink);
  if (replaceable) await rm(hostPath, { force: true }).catch(() => undefined);

  let mtime: number | undefined;
  try {
    mtime = isLink ? await receiveSymlink(channel, hostPath) : await receiveRegularFile(channel, hostPath, mode);
  } catch (error) {
    if (!(error instanceof SendFailure)) throw error;
    await sendFail(channel, error.message);
    if (!isLink) await discardData(channel);
    if (replaceable && !isLink) await rm(hostPath, { force: true }).catch(() => undefined);
    return false;
  }
  if (mtime === undefined) return false; // the host went away mid-transfer
  await lutimes(hostPath, mtime, mtime).catch(() => undefined);
  await channel.stream.write(encodeIdValue('OKAY', 0));
  return true;
}

/** Writes DATA chunks until DONE; returns DONE's timestamp, or undefined at end of input. */
async function receiveRegularFile(
  channel: SyncChannel,
  hostPath: string,
  requestedMode: number,
): Promise<number | undefined> {
  // adbd copies the owner's permission bits to group and others.
  let mode = requestedMode & 0o777;
  mode |= (mode >> 3) & 0o070;
  mode |= (mode >> 3) & 0o007;
  const file = await createFile(hostPath, mode);
  try {
    await file.chmod(mode);
    for (;;) {
      const header = await readIdValue(channel);
      if (!header) return undefined;
      if (header.id === 'DONE') return header.value;
      if (header.id !== 'DATA') throw new SendFailure('invalid data message');
      if (header.value > SYNC_DATA_MAX) throw new SendFailure('oversize data message');
      const data = await channel.input.read(header.value);
      if (!data) return undefined;
      await file.write(data).catch((error: unknown) => {
        throw new SendFailure(`write failed: ${errorMessage(errorCode(error))}`);
      });
    }
  } finally {
    await file.close();
  }
}

async function createFile(hostPath: string, mode: number): Promise<FileHandle> {
  // O_NOFOLLOW: never write through a symlink that appeared after the path was resolved.
  const create = () => open(hostPath, fs.O_WRONLY | fs.O_CREAT | fs.O_EXCL | fs.O_NOFOLLOW, mode);
  try {
    return await create().catch(async (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        await mkdir(path.dirname(hostPath), { recursive: true, mode: 0o775 });
        return create();
      }
      if (error.code === 'EEXIST') return open(hostPath, fs.O_WRONLY | fs.O_NOFOLLOW);
      throw error;
    });
  } catch (error) {
    throw new SendFailure(`couldn't create file: ${errorMessage(errorCode(error))}`);
  }
}

/** A symlink push: one DATA holding the NUL-terminated target, then DONE. */
async function receiveSymlink(channel: SyncChannel, hostPath: string): Promise<number | undefined> {
  const header = await readIdValue(channel);
  if (!header) return undefined;
  if (header.id !== 'DATA') throw new SendFailure('invalid data message: expected ID_DATA');
  if (header.value > SYNC_DATA_MAX) throw new SendFailure('oversize data message');
  const data = await channel.input.read(header.value);
  if (!data) return undefined;
  const end = data.indexOf(0);
  const target = data.subarray(0, end < 0 ? data.length : end).toString('utf8');
  // The target is stored verbatim; resolving it later stays inside the phone root.
  if ((await readlink(hostPath).catch(() => undefined)) !== target) {
    await rm(hostPath, { force: true }).catch(() => undefined);
    await symlink(target, hostPath).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw new SendFailure(`symlink failed: ${errorMessage(errorCode(error))}`);
      await mkdir(path.dirname(hostPath), { recursive: true, mode: 0o775 });
      await symlink(target, hostPath).catch((retryError: unknown) => {
        throw new SendFailure(`symlink failed: ${errorMessage(errorCode(retryError))}`);
      });
    });
  }
  const done = await readIdValue(channel);
  if (!done) return undefined;
  if (done.id !== 'DONE') throw new SendFailure('invalid data message: expected ID_DONE');
  return done.value;
}

/**
 * After a FAIL, adbd keeps reading DATA until DONE so that an old host still writing does
 * not lose the error message to a reset connection.
 */
async function discardData(channel: SyncChannel): Promise<void> {
  for (;;) {
    const header = await readIdValue(channel);
    if (!header || header.id !== 'DATA' || header.value > SYNC_DATA_MAX) return;
    if (!(await channel.input.read(header.value))) return;
  }
}

/** The mode as C's strtoul(text, 0) reads it: 0x.. hexadecimal, 0.. octal, else decimal. */
function parseMode(text: string): number {
  const match = /^\s*(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)/i.exec(text);
  if (!match) return 0;
  const digits = match[1];
  if (/^0x/i.test(digits)) return parseInt(digits.slice(2), 16);
  if (digits.startsWith('0')) return parseInt(digits, 8);
  return parseInt(digits, 10);
}
