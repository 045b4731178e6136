// What the sync handlers share: the request bytes from the host, the reply stream and
// the phone root that device paths resolve into.
import type { ByteQueue } from '../byte-queue.js';
import type { PhoneRoot } from '../phone-root.js';
import type { AdbStream } from '../stream.js';
import { encodeFail } from './sync-messages.js';

export interface SyncChannel {
  input: ByteQueue;
  stream: AdbStream;
  root: PhoneRoot;
}

/** Reads one `id, 32-bit value` header (a request, DATA or DONE); undefined at end of input. */
export async function readIdValue(channel: SyncChannel): Promise<{ id: string; value: number } | undefined> {
  const header = await channel.input.read(8);
  return header && { id: header.toString('latin1', 0, 4), value: header.readUInt32LE(4) };
}

/** Reports a failure; like adbd, the caller then ends the sync session. */
export function sendFail(channel: SyncChannel, reason: string): Promise<void> {
  return channel.stream.write(encodeFail(reason));
}
