import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_CATALOGUE, isRuleCode, type Lang, type PlainErrorCode, pickLang } from '@tiemchung/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from './errors.js';
import { validationMessage } from './validation-message.js';

const FASTIFY_CODES: Record<string, PlainErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_VALIDATION: 'validation_failed',
  // Router errors (through `frameworkErrors`): bad percent-encoding, an over-long path parameter.
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
  // @fastify/multipart
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_FIELDS_LIMIT: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
  FST_INVALID_JSON_FIELD_ERROR: 'invalid_json',
  FST_MP_PREMATURE_CLOSE: 'malformed_multipart',
};

/**
 * Any other client error (a plugin's, @fastify/static's `send`…) by its status: the catalogue's code
 * of that status. A status without one is answered 400 `bad_request`.
 */
const CLIENT_STATUS_CODES: Partial<Record<number, PlainErrorCode>> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  408: 'request_timeout',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  431: 'headers_too_large',
};

/**
 * The multipart parser's own failures (busboy throws plain errors without a code): no boundary in
 * the content type, data cut short, a part ended early. They are the client's malformed body.
 */
const MULTIPART_PARSE_ERROR =
  /^(Multipart: Boundary not found|Unexpected end of (multipart data|form)|\w+ terminated early due to unexpected end of multipart data|Unsupported Content-Type|Missing Content-Type|Boundary required|Malformed part header)/;

function isMultipartParseError(error: FastifyError | Error, request: FastifyRequest): boolean {
  if ((error as FastifyError).code || (error as FastifyError).statusCode) return false;
  const type = request.headers['content-type'];
  return typeof type === 'string' && /^\s*multipart\//i.test(type) && MULTIPART_PARSE_ERROR.test(error.message);
}

/**
 * PostgreSQL refusing a character of the input (a NUL, an invalid escape in jsonb): input that no
 * guard caught (the input guard refuses these in the path, query and JSON body; a multipart field
 * is read by its handler). 22021 character_not_in_repertoire, 22P05 untranslatable_character.
 */
const DB_CHARACTER_ERRORS = new Set(['22021', '22P05']);

function fieldOf(instancePath: string, context: string | undefined): string | undefined {
  const path = instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
  if (path) return path;
  return context && context !== 'body' ? context : undefined;
}

function send(reply: FastifyReply, request: FastifyRequest, err: AppError) {
  if (err.headers) reply.headers(err.headers);
  return reply
    .status(err.status)
    .type('application/json; charset=utf-8')
    .send(err.toBody(pickLang(request.headers['accept-language'])));
}

/**
 * One place maps every failure to the contract's error shape: validation issues with the field,
 * body parser errors, rate limits, unknown routes, and unexpected errors, which are logged with the
 * request id and answered as a generic 500 without stack or SQL.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(handleError);
}

/**
 * The error handler (also given to Fastify as `frameworkErrors`, for the router's own failures —
 * bad percent-encoding, an over-long path parameter — which never reach `setErrorHandler`).
 */
export function handleError(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) return send(reply, request, error);

  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const params = (first?.params ?? {}) as Record<string, unknown> & { code?: unknown; vi?: unknown; en?: unknown };
    const field = first ? fieldOf(first.instancePath, error.validationContext) : undefined;
    // A refinement's own bilingual message, else the (lib/validation-message.ts): both
    // languages made from its code and parameters, the caller's chosen when the body is sent.
    const message =
      typeof params.vi === 'string' && typeof params.en === 'string'
        ? { vi: params.vi, en: params.en }
        : validationMessage(first && { ...params, code: first.keyword, message: first.message }, field);
    // A schema's refinement may name a core rule's code (`params.code`); anything else is the schema's own finding.
    const code = isRuleCode(params.code) ? params.code : 'validation_failed';
    return send(reply, request, AppError.rule({ code, field, message }));
  }

  const fastifyError = error as FastifyError;
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return send(reply, request, new AppError(mapped));
  if (isMultipartParseError(error, request)) {
    request.log.info({ err: error }, 'malformed multipart body');
    return send(reply, request, new AppError('malformed_multipart'));
  }
  if (fastifyError.code && DB_CHARACTER_ERRORS.has(fastifyError.code)) {
    request.log.warn({ err: error }, 'input with a character the database refuses reached a query');
    return send(reply, request, new AppError('validation_failed'));
  }

  const status = fastifyError.statusCode ?? 500;
  if (status === 429) return send(reply, request, new AppError('too_many_requests'));
  if (status >= 400 && status < 500) {
    request.log.info({ err: error }, 'client error');
    return send(reply, request, new AppError(CLIENT_STATUS_CODES[status] ?? 'bad_request'));
  }

  request.log.error({ err: error }, 'unexpected error');
  return send(reply, request, new AppError('internal_error'));
}

/** The language asked for in the raw bytes of a request Node could not parse (best effort). */
function langOfRaw(raw: unknown): Lang {
  const m = Buffer.isBuffer(raw)
    ? /\r\naccept-language:[ \t]*([^\r\n]*)/i.exec(raw.toString('latin1', 0, 16_384))
    : null;
  return pickLang(m?.[1]);
}

/**
 * Node's HTTP parser refusing a request before Fastify sees it (Fastify's `clientErrorHandler`):
 * request line and headers over the size limit (431), a timeout (408), anything malformed (400).
 * Answered on the raw socket, in the contract's error shape, then the connection is closed.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  err: Error & { code?: string; rawPacket?: unknown },
  socket: Socket,
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: PlainErrorCode =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'headers_too_large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'request_timeout'
        : 'bad_request';
  const { status } = ERROR_CATALOGUE[code];
  this.log.debug({ err }, 'client error at the HTTP parser');
  // A response already under way on this connection cannot be followed by another one.
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !pending?.headersSent) {
    const body = JSON.stringify(new AppError(code).toBody(langOfRaw(err.rawPacket)));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
