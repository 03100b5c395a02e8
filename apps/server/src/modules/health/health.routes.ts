import { healthResponseSchema } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { publicAccess } from '../../lib/access.js';
import { AppError } from '../../lib/errors.js';

/** Liveness and readiness in one: answers ok only when the database answers. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/health',
    {
      config: publicAccess(),
      schema: { tags: ['health'], summary: 'Service health', response: { 200: healthResponseSchema } },
    },
    async (request) => {
      try {
        await sql`select 1`.execute(app.db);
      } catch (err) {
        request.log.error({ err }, 'health check: database does not answer');
        throw new AppError('service_unavailable', { headers: { 'retry-after': '5' } });
      }
      return { status: 'ok' as const, database: app.dbKind };
    },
  );
};
