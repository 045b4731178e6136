// A list route read page by page: the first page of `path`, then more on demand through the API's
// `next` link. A new path starts over, so rows of an earlier filter never show under a new one.
import { useEffect, useState } from 'react';
import type { Page } from '@mace/protocol';
import { apiGet } from '../api/client';

export interface PagedList<T> {
  /** The rows read so far; null until the first page arrives. */
  items: T[] | null;
  error: Error | null;
  /** Reads the next page and appends it; null on the last page. */
  more: (() => Promise<void>) | null;
}

export function usePagedList<T>(path: string): PagedList<T> {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    let live = true;
    setItems(null);
    setNext(null);
    apiGet<Page<T>>(path).then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setNext(page.next);
        setError(null);
      },
      (err: Error) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [path]);

  const more =
    next === null
      ? null
      : async (): Promise<void> => {
          try {
            const page = await apiGet<Page<T>>(next);
            setItems((i) => [...(i ?? []), ...page.items]);
            setNext(page.next);
          } catch (err) {
            setError(err as Error);
          }
        };
  return { items, error, more };
}
