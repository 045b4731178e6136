// Cursor and offset pagination for the list routes: newest first (ids are UUIDv7, so id order is
// creation order), at most 100 rows a page, and a `next` link built from the request's own URL.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import { DEFAULT_PAGE_SIZE } from '../schemas/common.js';

export interface PageQuery {
  limit?: number;
  cursor?: string;
  offset?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  next: string | null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(id: string): string {
  return Buffer.from(`id:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith('id:') ? text.slice(3) : '';
  if (!UUID_RE.test(id)) {
    throw new ApiError(
      400,
      'invalid_request',
      'query.cursor: is not a cursor returned by this API; start again without it',
      {
        details: { fields: [{ field: 'query.cursor', message: 'is not a cursor returned by this API' }] },
      },
    );
  }
  return id;
}

/** What to pass to Prisma's findMany: id bound, order, one row more than the page (to see if more exist). */
export function pageArgs(query: PageQuery): { idBelow?: string; skip: number; take: number; limit: number } {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (query.cursor !== undefined) return { idBelow: decodeCursor(query.cursor), skip: 0, take: limit + 1, limit };
  return { skip: query.offset ?? 0, take: limit + 1, limit };
}

/**
 * Fetches one page: `fetch` receives the id bound (rows with smaller ids only), skip and take, and
 * must order by id descending (`newestFirst` turns them into findMany arguments). Sets a `Link: <…>; rel="next"` header when there is a next page.
 */
export async function paginate<Row extends { id: string }, Item>(
  request: FastifyRequest,
  reply: FastifyReply,
  query: PageQuery,
  fetch: (args: { idBelow?: string; skip: number; take: number }) => Promise<Row[]>,
  toItem: (row: Row) => Item,
): Promise<Page<Item>> {
  const args = pageArgs(query);
  const rows = await fetch({ idBelow: args.idBelow, skip: args.skip, take: args.take });
  const more = rows.length > args.limit;
  const pageRows = more ? rows.slice(0, args.limit) : rows;
  let nextCursor: string | null = null;
  let next: string | null = null;
  if (more) {
    nextCursor = encodeCursor(pageRows[pageRows.length - 1].id);
    const url = new URL(request.url, 'http://localhost');
    url.searchParams.set('limit', String(args.limit));
    if (query.cursor !== undefined || query.offset === undefined) {
      url.searchParams.delete('offset');
      url.searchParams.set('cursor', nextCursor);
    } else {
      url.searchParams.set('offset', String((query.offset ?? 0) + args.limit));
    }
    next = `${url.pathname}${url.search}`;
    reply.header('link', `<${next}>; rel="next"`);
  }
  return { items: pageRows.map(toItem), nextCursor, next };
}

/** Prisma `where.id` for the bound, or undefined. */
function idBelowFilter(idBelow: string | undefined): { lt: string } | undefined {
  return idBelow === undefined ? undefined : { lt: idBelow };
}

/** Prisma findMany arguments of the page `paginate` asks for: the rows matching `where`, newest first. */
export function newestFirst<Where extends object>(
  where: Where,
  { idBelow, skip, take }: { idBelow?: string; skip: number; take: number },
): { where: Where & { id: { lt: string } | undefined }; orderBy: { id: 'desc' }; skip: number; take: number } {
  return { where: { ...where, id: idBelowFilter(idBelow) }, orderBy: { id: 'desc' }, skip, take };
}
