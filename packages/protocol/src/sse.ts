// Server-Sent Events as the API sends them (run logs, device events): a minimal parser over the
// bytes of a response body, shared by the CLI (Node's fetch) and the dashboard (the browser's
// fetch, which — unlike EventSource — can send the Authorization header).

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** Server-Sent Events from a response body (text/event-stream), as they arrive. */
export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: Partial<SseEvent> & { data?: string } = {};
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(buffer[newline] === '\r' ? newline + 2 : newline + 1);
      if (line === '') {
        if (event.data !== undefined) yield { id: event.id, event: event.event ?? 'message', data: event.data };
        event = {};
        continue;
      }
      if (line.startsWith(':')) continue; // a comment (keep-alive)
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`;
      else if (field === 'event') event.event = value;
      else if (field === 'id') event.id = value;
    }
  }
}
