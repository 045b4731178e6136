// The table of every route the server answers, gathered as routes are added. It enforces the
// project's rules at start-up — each route says who may call it (config.access) and declares a
// response schema — and lets tests iterate all routes, so a new route cannot be forgotten.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { PUBLIC, type Access } from './auth.js';

export interface RouteEntry {
  method: string;
  /** fastify's URL pattern, e.g. /v1/runs/:id */
  url: string;
  access: Access;
  /** Part of the API document (everything except the documentation UI and the dashboard's files). */
  documented: boolean;
  schema: RouteOptions['schema'];
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

/** Routes of the documentation UI (served by @fastify/swagger-ui). */
export const DOCS_PREFIX = '/docs';

export function registerRouteTable(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const isDocs = route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`);
    // Routes that hide themselves from the document (the dashboard's static files) answer files,
    // not JSON: they still declare who may call them, but no response schema.
    const hidden = route.schema?.hide === true;
    if (isDocs) {
      route.config = { ...(route.config ?? {}), access: PUBLIC };
    } else {
      if (!route.config?.access) {
        throw new Error(
          `route ${methods.join(',')} ${route.url} declares no config.access (PUBLIC, USER, AGENT, ADMIN...)`,
        );
      }
      if (!hidden && !route.schema?.response) {
        throw new Error(`route ${methods.join(',')} ${route.url} declares no response schema`);
      }
    }
    for (const method of methods) {
      if (method === 'HEAD' && methods.length === 1 && table.some((r) => r.method === 'GET' && r.url === route.url))
        continue;
      table.push({
        method,
        url: route.url,
        access: route.config!.access!,
        documented: !isDocs && !hidden,
        schema: route.schema,
      });
    }
  });
}
