// The dashboard's shell: the login page until a token is signed in, then the navigation and the
// page for the current path.
import { useEffect, useState, type ReactNode } from 'react';
import { currentSession, onSessionChange, signOut, type Session } from './api/session';
import { ArtifactsPage } from './pages/ArtifactsPage';
import { BenchmarkPage } from './pages/BenchmarkPage';
import { ComparePage } from './pages/ComparePage';
import { DevicesPage } from './pages/DevicesPage';
import { LoginPage } from './pages/LoginPage';
import { RunPage } from './pages/RunPage';
import { RunsPage } from './pages/RunsPage';
import { Link, matchPath, navigate, useLocation } from './router';

const NAV = [
  { href: '/devices', label: 'Device lab' },
  { href: '/runs', label: 'Queue and runs' },
  { href: '/compare', label: 'Compare' },
  { href: '/artifacts', label: 'Artifacts' },
];

function Page({ pathname, session }: { pathname: string; session: Session }): ReactNode {
  let m: Record<string, string> | null;
  if ((m = matchPath('/runs/:id/benchmark', pathname))) return <BenchmarkPage runId={m.id} />;
  if ((m = matchPath('/runs/:id', pathname))) return <RunPage runId={m.id} />;
  if (matchPath('/runs', pathname)) return <RunsPage />;
  if (matchPath('/compare', pathname)) return <ComparePage />;
  if (matchPath('/artifacts', pathname)) return <ArtifactsPage />;
  if (matchPath('/devices', pathname)) return <DevicesPage admin={session.info.scope === 'admin'} />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page at <code>{pathname}</code>. <Link href="/devices">Go to the device lab</Link>.
      </p>
    </section>
  );
}

export function App() {
  const [session, setSession] = useState(currentSession);
  const [message, setMessage] = useState<string | null>(null);
  const { pathname } = useLocation();

  useEffect(
    () =>
      onSessionChange((next, why) => {
        setSession(next);
        setMessage(why);
        if (!next) navigate('/login', { replace: true });
      }),
    [],
  );
  useEffect(() => {
    if (!session && pathname !== '/login') navigate('/login', { replace: true });
    if (session && (pathname === '/login' || pathname === '/')) navigate('/devices', { replace: true });
  }, [session, pathname]);
  useEffect(() => {
    const title = NAV.find((n) => pathname.startsWith(n.href))?.label;
    document.title = title ? `${title} · MACE Farm` : 'MACE Farm';
  }, [pathname]);

  if (!session) return <LoginPage message={message} />;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">MACE Farm</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={pathname.startsWith(n.href) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          {session.info.name} ({session.info.scope})
          <button type="button" className="link" onClick={() => signOut('Signed out.')}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <Page pathname={pathname} session={session} />
      </main>
    </>
  );
}
