import { type ErrorCode, pickLang } from '@tiemchung/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from './errors.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_VALIDATION: 'validation_failed',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
};

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
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) return send(reply, request, error);

    if (hasZodFastifySchemaValidationErrors(error)) {
      const first = error.validation[0];
      const params = (first?.params ?? {}) as { code?: unknown; vi?: unknown; en?: unknown };
      const field = first ? fieldOf(first.instancePath, error.validationContext) : undefined;
      const missing = first?.keyword === 'invalid_type' && /received undefined/.test(first.message ?? '');
      const message =
        typeof params.vi === 'string' && typeof params.en === 'string'
          ? { vi: params.vi, en: params.en }
          : missing
            ? {
                vi: `Thiếu trường bắt buộc: ${field ?? ''}`.trim(),
                en: `Missing required field: ${field ?? ''}`.trim(),
              }
            : {
                vi: `Giá trị không hợp lệ${field ? ` ở trường ${field}` : ''}: ${first?.message ?? ''}`,
                en: `Invalid value${field ? ` for ${field}` : ''}: ${first?.message ?? ''}`,
              };
      return send(
        reply,
        request,
        new AppError('validation_failed', {
          field,
          message,
          publicCode: typeof params.code === 'string' ? params.code : undefined,
        }),
      );
    }

    const fastifyError = error as FastifyError;
    const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
    if (mapped) return send(reply, request, new AppError(mapped));

    const status = fastifyError.statusCode ?? 500;
    if (status === 429) return send(reply, request, new AppError('too_many_requests'));
    if (status >= 400 && status < 500) {
      request.log.info({ err: error }, 'client error');
      const code: ErrorCode =
        status === 401
          ? 'unauthenticated'
          : status === 403
            ? 'forbidden'
            : status === 404
              ? 'not_found'
              : status === 413
                ? 'payload_too_large'
                : status === 415
                  ? 'unsupported_media_type'
                  : 'validation_failed';
      return send(reply, request, new AppError(code, { status }));
    }

    request.log.error({ err: error }, 'unexpected error');
    return send(reply, request, new AppError('internal_error'));
  });
}
