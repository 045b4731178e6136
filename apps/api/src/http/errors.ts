// The one error shape of the API, `{ error: { code, message, details? } }`, the ApiError that
// route handlers throw, and the fastify error / not-found handlers that produce that shape for
// every failure (validation, auth, body parsing, unexpected exceptions).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { describeAjvErrors, formatFieldProblems, type AjvErrorLike } from './validation-errors.js';

export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details?: unknown;
  readonly headers?: Record<string, string>;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    if (options.details !== undefined) this.details = options.details;
    if (options.headers) this.headers = options.headers;
  }
}

/** 404 for an id that names nothing: `run 0190… not found`. */
export function notFound(what: string, id: string): ApiError {
  return new ApiError(404, 'not_found', `${what} ${id} not found`);
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** fastify's own error codes → ours. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_body',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_FIELDS_LIMIT: 'payload_too_large',
};

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 422:
      return 'unprocessable';
    case 429:
      return 'too_many_requests';
    default:
      return status >= 500 ? 'internal' : 'error';
  }
}

type AnyError = FastifyError & { validation?: AjvErrorLike[]; validationContext?: string };

export function errorHandler(err: AnyError | ApiError, request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof ApiError) {
    if (err.headers) reply.headers(err.headers);
    if (err.statusCode >= 500) request.log.error({ err }, err.message);
    void reply.code(err.statusCode).send(errorBody(err.code, err.message, err.details));
    return;
  }
  if (err.validation) {
    const problems = describeAjvErrors(err.validation, err.validationContext ?? 'body');
    void reply.code(400).send(errorBody('invalid_request', formatFieldProblems(problems), { fields: problems }));
    return;
  }
  const status =
    typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err }, 'request failed');
    void reply.code(status).send(errorBody('internal', 'internal server error; the server log has the details'));
    return;
  }
  const code = (err.code && FASTIFY_CODES[err.code]) ?? codeForStatus(status);
  if (status === 413) reply.header('connection', 'close');
  void reply.code(status).send(errorBody(code, err.message));
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .code(404)
    .send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}; see /docs for the API`));
}
