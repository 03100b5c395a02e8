import { listOf } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
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
        querystring: z.object({
          to: z
            .string()
            .regex(/^0\d{9}$/)
            .optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: listOf(
            z.object({ to: z.string(), text: z.string(), createdAt: z.string(), kind: z.string(), status: z.string() }),
          ),
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
