import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ALL_STAFF, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { summary } from './stats.service.js';

/** Statistics from platform data (api-contract.md, Statistics). */
export const statsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/stats/summary',
    {
      config: staffAccess(ALL_STAFF, 'own-units'),
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
