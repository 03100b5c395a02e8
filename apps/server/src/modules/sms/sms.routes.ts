import { listOf, smsMessageSchema, smsOutboxQuerySchema } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { staffAccess } from '../../lib/access.js';
import { listOutbox } from './sms.service.js';

/** The SMS outbox (api-contract.md, SMS): national administrator only. */
export const smsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/admin/sms-outbox',
    {
      config: staffAccess(['national_admin'], 'national'),
      schema: {
        tags: ['sms'],
        summary: 'Messages sent through the SMS adapter, newest first',
        querystring: smsOutboxQuerySchema,
        response: {
          200: listOf(smsMessageSchema),
        },
      },
    },
    async (request) => ({
      items: (await listOutbox(app.db, request.query.limit, request.query.to)).map((m) => ({
        to: m.to_phone,
        text: m.text,
        createdAt: m.created_at.toISOString(),
        kind: m.kind,
        status: m.status,
      })),
    }),
  );
};
