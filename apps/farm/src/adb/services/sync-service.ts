// The `sync:` service: file transfer requests (STAT, STA2, LST2, LIST, SEND, RECV, QUIT),
// one after the other on one stream, until QUIT or an error (AOSP SYNC.TXT).
import { constants as fs, lstat, open, opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ByteQueue } from '../byte-queue.js';
import { errorCode, errorMessage, errorNumber } from '../errors.js';
import type { PhoneRoot } from '../phone-root.js';
import type { AdbStream } from '../stream.js';
import { readIdValue, sendFail, type SyncChannel } from './sync-channel.js';
import {
  encodeDirectoryEntry,
  encodeIdValue,
  encodeListDone,
  encodeStatV1,
  encodeStatV2,
  SYNC_DATA_MAX,
  SYNC_PATH_MAX,
} from './sync-messages.js';
import { receivePushedFile } from './sync-send.js';

/** Bytes of unread requests we hold before delaying the host's OKAY. */
const INPUT_HIGH_WATER_MARK = 1024 * 1024;

export function startSyncService(stream: AdbStream, root: PhoneRoot, log: (line: string) => void): void {
  const input = new ByteQueue(INPUT_HIGH_WATER_MARK);
  stream.onData((data) => input.push(data));
  stream.onClose(() => input.end());
  serveRequests({ input, stream, root })
    .catch((error: unknown) => log(`sync: ${error instanceof Error ? error.message : String(error)}`))
    .finally(() => stream.end());
}

async function serveRequests(channel: SyncChannel): Promise<void> {
  while (!channel.stream.closed) {
    const request = await readIdValue(channel);
    if (!request) return;
    if (request.value > SYNC_PATH_MAX) return sendFail(channel, 'path too long');
    const name = await channel.input.read(request.value);
    if (!name) return;
    const devicePath = name.toString('utf8');
    switch (request.id) {
      case 'STAT':
        await channel.stream.write(
          encodeStatV1(await statDevicePath(channel.root, devicePath, false).catch(() => undefined)),
        );
        break;
      case 'STA2':
      case 'LST2':
        await channel.stream.write(await statV2Reply(channel.root, request.id, devicePath));
        break;
      case 'LIST':
        await listDirectory(channel, devicePath);
        break;
      case 'SEND':
        if (!(await receivePushedFile(channel, devicePath))) return;
        break;
      case 'RECV':
        if (!(await sendFileToHost(channel, devicePath))) return;
        break;
      case 'QUIT':
        return;
      default:
        return sendFail(
          channel,
          `unknown command ${Buffer.from(request.id, 'latin1').readUInt32LE(0).toString(16).padStart(8, '0')}`,
        );
    }
  }
}

async function statDevicePath(root: PhoneRoot, devicePath: string, followLast: boolean) {
  const hostPath = await root.resolve(devicePath, { followLast });
  return followLast ? stat(hostPath, { bigint: true }) : lstat(hostPath, { bigint: true });
}

async function statV2Reply(root: PhoneRoot, id: 'STA2' | 'LST2', devicePath: string): Promise<Buffer> {
  try {
    return encodeStatV2(id, await statDevicePath(root, devicePath, id === 'STA2'), 0);
  } catch (error) {
    return encodeStatV2(id, undefined, errorNumber(errorCode(error)));
  }
}

/** LIST: one DENT per entry including `.` and `..` (as adbd's readdir gives them), then DONE. */
async function listDirectory(channel: SyncChannel, devicePath: string): Promise<void> {
  const hostDir = await channel.root.resolve(devicePath, { followLast: true }).catch(() => undefined);
  const directory = hostDir && (await opendir(hostDir).catch(() => undefined));
  if (hostDir && directory) {
    // `..` of the phone root is the root itself, as in a chroot.
    const parent = hostDir === channel.root.hostDir ? hostDir : path.dirname(hostDir);
    const entries: [string, string][] = [
      ['.', hostDir],
      ['..', parent],
    ];
    for await (const entry of directory) {
      if (channel.stream.closed) return;
      entries.push([entry.name, path.join(hostDir, entry.name)]);
      if (entries.length >= 64) await writeEntries(channel.stream, entries.splice(0));
    }
    await writeEntries(channel.stream, entries);
  }
  await channel.stream.write(encodeListDone());
}

async function writeEntries(stream: AdbStream, entries: [string, string][]): Promise<void> {
  for (const [name, hostPath] of entries) {
    const stats = await lstat(hostPath, { bigint: true }).catch(() => undefined);
    // adbd leaves out entries it cannot lstat.
    if (stats) await stream.write(encodeDirectoryEntry(Buffer.from(name, 'utf8'), stats));
  }
}

/** RECV: the file in DATA chunks, then DONE; a FAIL (and the end of the session) on error. */
async function sendFileToHost(channel: SyncChannel, devicePath: string): Promise<boolean> {
  let file;
  try {
    const hostPath = await channel.root.resolve(devicePath, { followLast: true });
    file = await open(hostPath, fs.O_RDONLY | fs.O_NOFOLLOW);
  } catch (error) {
    await sendFail(channel, `open failed: ${errorMessage(errorCode(error))}`);
    return false;
  }
  try {
    // adbd fills a 64 KiB buffer with header and data, so DATA payloads stay below SYNC_DATA_MAX.
    const buffer = Buffer.alloc(SYNC_DATA_MAX - 8);
    for (;;) {
      if (channel.stream.closed) return false;
      let bytesRead: number;
      try {
        ({ bytesRead } = await file.read(buffer, 0, buffer.length, null));
      } catch (error) {
        await sendFail(channel, `read failed: ${errorMessage(errorCode(error))}`);
        return false;
      }
      if (bytesRead === 0) break;
      await channel.stream.write(Buffer.concat([encodeIdValue('DATA', bytesRead), buffer.subarray(0, bytesRead)]));
    }
  } finally {
    await file.close();
  }
  await channel.stream.write(encodeIdValue('DONE', 0));
  return true;
}
