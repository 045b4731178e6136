// Status badges, the page's loading / error lines and its button for the next page of a list.
import type { ReactNode } from 'react';

export function Badge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorLine({ error }: { error: Error | string | null | undefined }): ReactNode {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {typeof error === 'string' ? error : error.message}
    </p>
  );
}

/** The next page of a list (usePagedList's `more`); nothing on the last page. */
export function LoadMore({ more }: { more: (() => Promise<void>) | null }): ReactNode {
  if (!more) return null;
  return (
    <button type="button" onClick={() => void more()}>
      Load more
    </button>
  );
}
