// The SSE parser shared by the CLI and the dashboard: events split across chunks at any byte,
// CRLF line ends, multi-line data, comments, ids, and events without an `event:` field.
import { describe, expect, it } from 'vitest';
import { readSseEvents, type SseEvent } from '../src/index.js';

async function parse(chunks: string[]): Promise<SseEvent[]> {
  const encoder = new TextEncoder();
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const c of chunks) yield encoder.encode(c);
  }
  const out: SseEvent[] = [];
  for await (const e of readSseEvents(body())) out.push(e);
  return out;
}

const STREAM =
  'retry: 2000\n\n' +
  ': keep-alive\n\n' +
  'id: 41\nevent: log\ndata: {"text":"héllo"}\n\n' +
  'event: snapshot\r\ndata: line one\r\ndata: line two\r\n\r\n' +
  'data: plain\n\n' +
  'event: end\ndata: {"status":"succeeded"}\n\n';

const EXPECTED: SseEvent[] = [
  { id: '41', event: 'log', data: '{"text":"héllo"}' },
  { id: undefined, event: 'snapshot', data: 'line one\nline two' },
  { id: undefined, event: 'message', data: 'plain' },
  { id: undefined, event: 'end', data: '{"status":"succeeded"}' },
];

describe('readSseEvents', () => {
  it('parses a whole stream', async () => {
    expect(await parse([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events whatever the chunk boundaries (one character at a time, or bytes split in a character)', async () => {
    expect(await parse([...STREAM])).toEqual(EXPECTED);
    // split inside the two-byte "é" too
    const bytes = new TextEncoder().encode(STREAM);
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.slice(i, i + 3);
    }
    const out: SseEvent[] = [];
    for await (const e of readSseEvents(body())) out.push(e);
    expect(out).toEqual(EXPECTED);
  });

  it('drops an event the stream cut off before its blank line', async () => {
    expect(await parse(['event: log\ndata: {"a":1}\n\nevent: log\ndata: {"b"'])).toEqual([
      { id: undefined, event: 'log', data: '{"a":1}' },
    ]);
  });
});
