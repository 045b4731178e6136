// The dashboard (apps/dashboard, a Vite build) served at `/` without a token: its files are
// public, the data behind them is not (the browser sends the token to /v1/*). Built assets have
// content hashes in their names, so they are cached for a year; index.html is revalidated every
// time so a new build is picked up at once. Paths that are not files are client routes (the
// dashboard routes in the browser), answered with index.html; API paths and missing assets keep
// the API's 404. Registered as the lowest-priority route (`/*`): every API route wins.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC } from '../http/auth.js';
import { ApiError } from '../http/errors.js';

/** Path prefixes that belong to the API, never to the dashboard. */
const API_PREFIXES = ['/v1', '/docs', '/healthz', '/readyz', '/metrics'];
const ASSET_CACHE = 'public, max-age=31536000, immutable';
const OTHER_CACHE = 'public, max-age=3600';

export const DASHBOARD_NOT_BUILT =
  'the dashboard is not built: run `npm run build` (or `npm run build -w @mace/dashboard`) in the repository; ' +
  'the API serves apps/dashboard/dist (DASHBOARD_DIR) as soon as it exists';

const isApiPath = (p: string): boolean => API_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Registers `/*` serving the built dashboard in `dir`. */
export async function dashboardRoutes(app: FastifyInstance, dir: string): Promise<void> {
  const root = path.resolve(dir);
  await app.register(fastifyStatic, { root, serve: false });

  const send = (reply: FastifyReply, rel: string, cacheControl: string) =>
    reply.header('cache-control', cacheControl).sendFile(rel, root, { cacheControl: false });

  app.get(
    '/*',
    { config: { access: PUBLIC }, schema: { hide: true } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      let pathname: string;
      try {
        pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname);
      } catch {
        return reply.callNotFound(); // malformed percent-encoding
      }
      if (isApiPath(pathname)) return reply.callNotFound();
      const rel = path.posix.normalize(pathname).replace(/^\/+/, '');
      const file = path.join(root, rel);
      if (rel !== '' && !rel.startsWith('..') && file.startsWith(root + path.sep) && (await isFile(file))) {
        return send(reply, rel, rel.startsWith('assets/') ? ASSET_CACHE : OTHER_CACHE);
      }
      // A missing file (a name with an extension) is a 404, not the page: a stale asset URL must
      // not be answered with HTML.
      if (path.posix.extname(rel) !== '') return reply.callNotFound();
      if (!(await isFile(path.join(root, 'index.html'))))
        throw new ApiError(503, 'dashboard_not_built', DASHBOARD_NOT_BUILT);
      return send(reply, 'index.html', 'no-cache');
    },
  );
}
