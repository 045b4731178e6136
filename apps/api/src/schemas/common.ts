// JSON schemas shared by the routes: the error shape, id parameters, pagination, and helpers to
// build response maps. fastify validates requests and shapes responses with them; @fastify/swagger
// turns them into the OpenAPI document.

export type JsonSchema = Record<string, unknown>;

export const errorSchema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', description: 'machine-readable: invalid_request, unauthorized, not_found, ...' },
        message: { type: 'string', description: 'what failed and what to do' },
        details: { description: 'structured detail: failing fields, config issues, ...' },
      },
    },
  },
} as const;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request; the message names the field',
  401: 'Missing, unknown or revoked bearer token',
  403: 'The token lacks the scope this route needs',
  404: 'No such resource',
  409: 'Conflicts with the current state',
  413: 'Upload over the size limit; nothing stored',
  415: 'Unsupported Content-Type',
  416: 'Range not satisfiable',
  422: 'Well-formed but cannot be processed (checksum mismatch, unknown model, ...)',
};

/** `{ 400: errorSchema, 404: errorSchema, ... }` with descriptions for the document. */
export function errors(...statuses: number[]): Record<number, JsonSchema> {
  const out: Record<number, JsonSchema> = {};
  for (const s of statuses) out[s] = { ...errorSchema, description: ERROR_DESCRIPTIONS[s] ?? 'Error' };
  return out;
}

/** Errors every authenticated route can answer with. */
export const AUTH_ERRORS = [401, 403] as const;

export const uuid = { type: 'string', format: 'uuid' } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;
export const nullable = (schema: JsonSchema): JsonSchema => {
  const type = schema.type;
  if (typeof type === 'string') return { ...schema, type: [type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
};
export const sha256Hex = { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'lower-case hex SHA-256' } as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: uuid },
} as const;

/** The body of an action that takes an optional reason (cancel, quarantine). */
export const optionalReasonBody = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 } },
} as const;

/** preValidation for actions whose body may be absent (usually is): validate it as {}. */
export async function absentBodyIsEmpty(request: { body: unknown }): Promise<void> {
  request.body ??= {};
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Query fields of every list route. */
export const pageQueryProperties = {
  limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
  cursor: {
    type: 'string',
    minLength: 1,
    maxLength: 200,
    description: 'nextCursor of the previous page (wins over offset)',
  },
  offset: { type: 'integer', minimum: 0, maximum: 1_000_000, description: 'rows to skip (when no cursor is given)' },
} as const;

/** `{ items, nextCursor, next }`: newest first; `next` is the URL of the following page, or null. */
export function pageOf(item: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['items', 'nextCursor', 'next'],
    additionalProperties: false,
    properties: {
      items: { type: 'array', items: item },
      nextCursor: { type: ['string', 'null'] },
      next: { type: ['string', 'null'], description: 'path and query of the next page' },
    },
  };
}

/** A query-string schema: the given fields plus pagination. */
export function listQuery(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', additionalProperties: false, properties: { ...properties, ...pageQueryProperties } };
}

export const BEARER_SECURITY = [{ bearerAuth: [] }];
