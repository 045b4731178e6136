// The ADB wire format: a 24-byte little-endian header followed by a payload
// (AOSP packages/modules/adb/protocol.txt).

/** Packet commands, as the little-endian ASCII of their names. */
export const Command = {
  SYNC: 0x434e5953,
  CNXN: 0x4e584e43,
  AUTH: 0x48545541,
  OPEN: 0x4e45504f,
  OKAY: 0x59414b4f,
  CLSE: 0x45534c43,
  WRTE: 0x45545257,
  STLS: 0x534c5453,
} as const;

export const HEADER_SIZE = 24;

/** From this protocol version on, neither side checks data_crc32 (adb sends 0). */
export const VERSION_SKIP_CHECKSUM = 0x01000001;

export interface Packet {
  command: number;
  arg0: number;
  arg1: number;
  payload: Buffer;
}

export class AdbProtocolError extends Error {
  override name = 'AdbProtocolError';
}

export function commandName(command: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(command >>> 0);
  return /^[A-Z]{4}$/.test(bytes.toString('latin1')) ? bytes.toString('latin1') : `0x${command.toString(16)}`;
}

/** The old integrity check: the sum of the payload bytes. */
export function payloadChecksum(payload: Buffer): number {
  let sum = 0;
  for (const byte of payload) sum += byte;
  return sum >>> 0;
}

/** Encodes one packet; `withChecksum` is for peers older than VERSION_SKIP_CHECKSUM. */
export function encodePacket(packet: Packet, withChecksum = false): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt32LE(packet.command >>> 0, 0);
  header.writeUInt32LE(packet.arg0 >>> 0, 4);
  header.writeUInt32LE(packet.arg1 >>> 0, 8);
  header.writeUInt32LE(packet.payload.length, 12);
  header.writeUInt32LE(withChecksum ? payloadChecksum(packet.payload) : 0, 16);
  header.writeUInt32LE((packet.command ^ 0xffffffff) >>> 0, 20);
  return packet.payload.length === 0 ? header : Buffer.concat([header, packet.payload]);
}

/**
 * Cuts a TCP byte stream into packets. TCP delivers arbitrary slices, so headers and
 * payloads may arrive split across chunks or several packets in one chunk.
 */
export class PacketDecoder {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  /** Raised once the peer's CNXN told us how large its packets may be. */
  maxPayload: number;
  verifyChecksum = false;

  constructor(maxPayload: number) {
    this.maxPayload = maxPayload;
  }

  /** Returns every packet completed by `chunk`; throws AdbProtocolError on a corrupt stream. */
  push(chunk: Buffer): Packet[] {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    const packets: Packet[] = [];
    while (this.bufferedBytes >= HEADER_SIZE) {
      const header = this.peekHeader();
      const command = header.readUInt32LE(0);
      const length = header.readUInt32LE(12);
      if (header.readUInt32LE(20) !== (command ^ 0xffffffff) >>> 0) {
        throw new AdbProtocolError(`bad packet magic for command ${commandName(command)}`);
      }
      if (length > this.maxPayload) {
        throw new AdbProtocolError(`${commandName(command)} payload of ${length} bytes exceeds ${this.maxPayload}`);
      }
      if (this.bufferedBytes < HEADER_SIZE + length) break;
      const data = this.flatten();
      const payload = Buffer.from(data.subarray(HEADER_SIZE, HEADER_SIZE + length));
      if (this.verifyChecksum && payloadChecksum(payload) !== data.readUInt32LE(16)) {
        throw new AdbProtocolError(`bad checksum on ${commandName(command)}`);
      }
      packets.push({ command, arg0: data.readUInt32LE(4), arg1: data.readUInt32LE(8), payload });
      this.consume(HEADER_SIZE + length);
    }
    return packets;
  }

  /** The first header, without copying a large payload that may still be incomplete. */
  private peekHeader(): Buffer {
    if (this.buffered[0].length < HEADER_SIZE) {
      let count = 1;
      for (let bytes = this.buffered[0].length; bytes < HEADER_SIZE; count++) bytes += this.buffered[count].length;
      this.buffered.splice(0, count, Buffer.concat(this.buffered.slice(0, count)));
    }
    return this.buffered[0];
  }

  private flatten(): Buffer {
    if (this.buffered.length > 1) this.buffered = [Buffer.concat(this.buffered)];
    return this.buffered[0];
  }

  private consume(bytes: number): void {
    const rest = this.flatten().subarray(bytes);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
  }
}
