// Shell protocol v2 framing: [id: 1 byte][length: 4 bytes LE][data], so one stream
// carries stdin, stdout, stderr and the exit code separately.

export const ShellPacketId = {
  STDIN: 0,
  STDOUT: 1,
  STDERR: 2,
  EXIT: 3,
  CLOSE_STDIN: 4,
  WINDOW_SIZE_CHANGE: 5,
} as const;

const HEADER_SIZE = 5;

export interface ShellPacket {
  id: number;
  data: Buffer;
}

export function encodeShellPacket(id: number, data: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt8(id, 0);
  header.writeUInt32LE(data.length, 1);
  return Buffer.concat([header, data]);
}

/** Shell exit code as the host expects it: one byte, 128 + signal for a killed command. */
export function encodeExitPacket(exitCode: number): Buffer {
  return encodeShellPacket(ShellPacketId.EXIT, Buffer.from([exitCode & 0xff]));
}

/** Reassembles shell packets from WRTE payloads, which need not align with them. */
export class ShellPacketDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): ShellPacket[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const packets: ShellPacket[] = [];
    while (this.buffered.length >= HEADER_SIZE) {
      const length = this.buffered.readUInt32LE(1);
      if (this.buffered.length < HEADER_SIZE + length) break;
      packets.push({ id: this.buffered[0], data: this.buffered.subarray(HEADER_SIZE, HEADER_SIZE + length) });
      this.buffered = this.buffered.subarray(HEADER_SIZE + length);
    }
    return packets;
  }
}
