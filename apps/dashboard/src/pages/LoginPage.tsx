// Sign in with an API token: checked against GET /v1/tokens/self (which also says the token's
// scope), then kept in sessionStorage for this tab.
import { useState, type FormEvent } from 'react';
import { apiFetch } from '../api/client';
import { signIn } from '../api/session';
import type { ApiToken } from '@mace/protocol';

export function LoginPage({ message }: { message: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('Enter a token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await apiFetch('/v1/tokens/self', { headers: { accept: 'application/json' } }, value);
      signIn({ token: value, info: (await res.json()) as ApiToken });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">MACE Farm</h1>
        <p className="muted">Sign in with an API token (an admin creates them with POST /v1/tokens).</p>
        {message && (
          <p className="notice" role="status">
            {message}
          </p>
        )}
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'login-error' : undefined}
          autoFocus
        />
        {error && (
          <p className="error" id="login-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
