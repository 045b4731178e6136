// Stream flow control: one WRTE in flight until the host's OKAY, payloads within maxdata.
import { describe, expect, test } from 'vitest';
import { commandName } from '../src/adb/packet.js';
import { AdbStream } from '../src/adb/stream.js';

function recordingStream(maxPayload: number) {
  const sent: { command: string; payload: string }[] = [];
  const released: number[] = [];
  const stream = new AdbStream(
    5,
    9,
    {
      send: (command, arg0, arg1, payload) =>
        sent.push({ command: `${commandName(command)}(${arg0},${arg1})`, payload: payload?.toString() ?? '' }),
    },
    maxPayload,
    (done) => released.push(done.localId),
  );
  return { stream, sent, released };
}

describe('ADB stream', () => {
  test('sends one WRTE at a time, each within maxdata, and coalesces small writes', async () => {
    const { stream, sent } = recordingStream(4);
    void stream.write(Buffer.from('abcdef'));
    void stream.write(Buffer.from('gh'));
    expect(sent).toEqual([{ command: 'WRTE(5,9)', payload: 'abcd' }]);
    stream.receiveOkay();
    expect(sent.at(-1)).toEqual({ command: 'WRTE(5,9)', payload: 'efgh' });
    expect(sent).toHaveLength(2);
  });

  test('write() holds the producer back while more than maxdata waits', async () => {
    const { stream } = recordingStream(4);
    let released = false;
    void stream.write(Buffer.from('abcd'));
    void stream.write(Buffer.from('efghijkl')).then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    stream.receiveOkay(); // 'efgh' goes out, 4 bytes wait: small enough
    await Promise.resolve();
    expect(released).toBe(true);
  });

  test('end() sends CLSE only after the last WRTE was acknowledged', () => {
    const { stream, sent, released } = recordingStream(16);
    void stream.write(Buffer.from('bye'));
    stream.end();
    expect(sent.map((packet) => packet.command)).toEqual(['WRTE(5,9)']);
    stream.receiveOkay();
    expect(sent.map((packet) => packet.command)).toEqual(['WRTE(5,9)', 'CLSE(5,9)']);
    expect(released).toEqual([5]);
    expect(stream.closed).toBe(true);
  });

  test('the host gets its OKAY only once the data handler is done', async () => {
    const { stream, sent } = recordingStream(16);
    let finishHandler: () => void = () => undefined;
    stream.onData(() => new Promise<void>((resolve) => (finishHandler = resolve)));
    const received = stream.receiveWrite(Buffer.from('input'));
    expect(sent).toEqual([]);
    finishHandler();
    await received;
    expect(sent).toEqual([{ command: 'OKAY(5,9)', payload: '' }]);
  });

  test('a CLSE from the host closes the stream without a CLSE back, and later writes are dropped', async () => {
    const { stream, sent } = recordingStream(16);
    let closed = 0;
    stream.onClose(() => closed++);
    stream.receiveClose();
    await stream.write(Buffer.from('late'));
    stream.end();
    expect({ closed, sent }).toEqual({ closed: 1, sent: [] });
  });
});
