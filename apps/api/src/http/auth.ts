// Bearer-token authentication and scope checks. Every route declares who may call it in
// `config.access` (see Access); an onRequest hook — before the body is read — verifies the token
// (@mace/db verifyToken: hashed at rest, revocation honoured) and the scope, and puts the caller
// on `request.principal`. Admin tokens pass every scope check.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifyToken, type Db, type TokenScope } from '@mace/db';
import { ApiError } from './errors.js';

/** Who may call a route: anyone, or tokens of these scopes (admin always may). */
export type Access = 'public' | { scopes: readonly TokenScope[] };

export const PUBLIC: Access = 'public';
export const ADMIN: Access = { scopes: ['admin'] };
export const USER: Access = { scopes: ['user'] };
export const AGENT: Access = { scopes: ['agent'] };
/** Read access that agents need too (jobs, artifacts). */
export const USER_OR_AGENT: Access = { scopes: ['user', 'agent'] };

export interface Principal {
  tokenId: string;
  scope: TokenScope;
  userId: string | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const REALM = 'mace';

/** The scopes that satisfy `access`, admin included, for messages and the OpenAPI document. */
export function allowedScopes(access: Access): TokenScope[] {
  if (access === 'public') return [];
  return [...new Set<TokenScope>([...access.scopes, 'admin'])];
}

function bearerOf(request: FastifyRequest): string | null | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

function unauthorized(message: string, invalid: boolean): ApiError {
  const challenge = invalid
    ? `Bearer realm="${REALM}", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`
    : `Bearer realm="${REALM}"`;
  return new ApiError(401, 'unauthorized', message, { headers: { 'www-authenticate': challenge } });
}

/** Registers the hook; `db` verifies tokens. Must be added before the routes. */
export function registerAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (access === undefined || access === 'public') return; // unknown routes (404) and public ones
    const token = bearerOf(request);
    if (token === undefined) {
      throw unauthorized(
        'this route needs a bearer token: send "Authorization: Bearer <token>" (an admin creates tokens with POST /v1/tokens)',
        false,
      );
    }
    if (token === null) throw unauthorized('the Authorization header must be "Bearer <token>"', true);
    const verified = await verifyToken(db, token);
    if (!verified) throw unauthorized('the bearer token is unknown or has been revoked', true);
    const scopes = allowedScopes(access);
    if (!scopes.includes(verified.scope)) {
      const needed = scopes.filter((s) => s !== 'admin');
      const need = needed.length > 0 ? `${needed.join(' or ')} (or admin)` : 'admin';
      throw new ApiError(
        403,
        'forbidden',
        `this route needs a token with scope ${need}; this token has scope ${verified.scope}`,
        {
          details: { requiredScopes: scopes, tokenScope: verified.scope },
          headers: {
            'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${scopes.join(' ')}"`,
          },
        },
      );
    }
    request.principal = { tokenId: verified.id, scope: verified.scope, userId: verified.userId };
  });
}

/** The authenticated caller (routes with a scope always have one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError(401, 'unauthorized', 'no authenticated caller');
  return request.principal;
}
