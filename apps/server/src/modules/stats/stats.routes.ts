import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../lib/authz.js';
import { authenticate } from '../auth/auth.guard.js';
import { summary } from './stats.service.js';

/** Statistics from platform data (api-contract.md, Statistics). */
export const statsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/stats/summary',
    {
      preHandler: authenticate,
      schema: {
        tags: ['stats'],
        summary: 'People and doses in the caller’s units, by dose number and vaccine',
        response: {
          200: z.object({
            people: z.number(),
            doses: z.number(),
            byDoseNumber: z.record(z.string(), z.number()),
            byVaccine: z.record(z.string(), z.number()),
          }),
        },
      },
    },
    async (request) => summary(app.db, actorOf(request)),
  );
};
