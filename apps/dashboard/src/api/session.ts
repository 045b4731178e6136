// The signed-in token: kept in sessionStorage (gone when the tab closes, never in a URL), with
// listeners so the app returns to the login page when it is dropped (sign-out or a 401).
import type { ApiToken } from '@mace/protocol';

const KEY = 'mace.token';
const SCOPE_KEY = 'mace.tokenInfo';

export interface Session {
  token: string;
  info: ApiToken;
}

type Listener = (session: Session | null, message: string | null) => void;
const listeners = new Set<Listener>();

export function currentSession(): Session | null {
  const token = sessionStorage.getItem(KEY);
  const info = sessionStorage.getItem(SCOPE_KEY);
  if (!token || !info) return null;
  try {
    return { token, info: JSON.parse(info) as ApiToken };
  } catch {
    return null;
  }
}

export function signIn(session: Session): void {
  sessionStorage.setItem(KEY, session.token);
  sessionStorage.setItem(SCOPE_KEY, JSON.stringify(session.info));
  for (const l of listeners) l(session, null);
}

/** Drops the token; `message` is shown on the login page (why the user was signed out). */
export function signOut(message: string | null = null): void {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(SCOPE_KEY);
  for (const l of listeners) l(null, message);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
