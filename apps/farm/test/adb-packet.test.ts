// The ADB packet codec on its own.
import { describe, expect, test } from 'vitest';
import { AdbProtocolError, Command, encodePacket, PacketDecoder, payloadChecksum } from '../src/adb/packet.js';

describe('ADB packet codec', () => {
  test('a packet survives encoding and decoding, even when TCP splits it byte by byte', () => {
    const packet = { command: Command.WRTE, arg0: 7, arg1: 0xfffffffe, payload: Buffer.from('hello') };
    const bytes = Buffer.concat([encodePacket(packet), encodePacket({ ...packet, payload: Buffer.alloc(0) })]);
    const decoder = new PacketDecoder(4096);
    const decoded = [...bytes].flatMap((byte) => decoder.push(Buffer.from([byte])));
    expect(decoded).toEqual([packet, { ...packet, payload: Buffer.alloc(0) }]);
  });

  test('the header is little-endian with magic = command ^ 0xffffffff', () => {
    const bytes = encodePacket(
      { command: Command.CNXN, arg0: 0x01000001, arg1: 4096, payload: Buffer.from('ab') },
      true,
    );
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('CNXN');
    expect(bytes.readUInt32LE(12)).toBe(2);
    expect(bytes.readUInt32LE(16)).toBe(0x61 + 0x62);
    expect(bytes.readUInt32LE(20)).toBe((Command.CNXN ^ 0xffffffff) >>> 0);
    expect(encodePacket({ command: Command.OKAY, arg0: 1, arg1: 2, payload: Buffer.from('ab') }).readUInt32LE(16)).toBe(
      0,
    );
  });

  test('a corrupt magic, an oversized payload or a bad checksum is a protocol error', () => {
    const good = encodePacket({ command: Command.OPEN, arg0: 1, arg1: 0, payload: Buffer.from('shell:\0') }, true);
    const badMagic = Buffer.from(good);
    badMagic.writeUInt32LE(0, 20);
    expect(() => new PacketDecoder(4096).push(badMagic)).toThrow(AdbProtocolError);
    expect(() => new PacketDecoder(4).push(good)).toThrow(/exceeds 4/);
    const badSum = Buffer.from(good);
    badSum.writeUInt32LE(payloadChecksum(Buffer.from('shell:\0')) + 1, 16);
    const checking = new PacketDecoder(4096);
    checking.verifyChecksum = true;
    expect(() => checking.push(badSum)).toThrow(/checksum/);
    expect(new PacketDecoder(4096).push(badSum)).toHaveLength(1);
  });
});
