// Requests to the API with the session's bearer token. A 401 signs the user out with the API's
// message (the login page shows it); other errors become ApiError with the API's message.
import { readSseEvents, type SseEvent } from '@mace/protocol';
import { currentSession, signOut } from './session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    return new ApiError(res.status, body.error?.code ?? 'error', body.error?.message ?? `HTTP ${res.status}`);
  } catch {
    return new ApiError(res.status, 'error', text || `HTTP ${res.status}`);
  }
}

/** fetch with `Authorization: Bearer <token>`; 401 signs out; non-2xx throws ApiError. */
export async function apiFetch(path: string, init: RequestInit = {}, token?: string): Promise<Response> {
  const bearer = token ?? currentSession()?.token;
  if (!bearer) {
    signOut('Sign in with a token to continue.');
    throw new ApiError(401, 'unauthorized', 'not signed in');
  }
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${bearer}`);
  const res = await fetch(path, { ...init, headers });
  if (res.ok) return res;
  const err = await errorOf(res);
  if (res.status === 401 && token === undefined) signOut(`The API refused the token: ${err.message}`);
  throw err;
}

export async function apiGet<T>(path: string): Promise<T> {
  return (await (await apiFetch(path, { headers: { accept: 'application/json' } })).json()) as T;
}

export async function apiPost<T>(path: string, body: unknown = {}): Promise<T> {
  const res = await apiFetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as T;
}

/** A ReadableStream's chunks as an async iterable (the browser's stream may not be iterable). */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

export interface StreamOptions {
  signal: AbortSignal;
  /** Sent as Last-Event-ID: the stream resumes after this event. */
  lastEventId?: string;
}

/**
 * Server-Sent Events of an API route read with fetch (EventSource cannot send the Authorization
 * header). Ends when the server closes the stream; aborting `signal` stops it.
 */
export async function* apiEvents(path: string, options: StreamOptions): AsyncGenerator<SseEvent> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
  const res = await apiFetch(path, { headers, signal: options.signal });
  if (!res.body) return;
  yield* readSseEvents(chunksOf(res.body));
}

/** Downloads an artifact with the token (a plain link could not send it) and saves it as `name`. */
export async function downloadWithToken(path: string, name: string): Promise<void> {
  const blob = await (await apiFetch(path)).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
