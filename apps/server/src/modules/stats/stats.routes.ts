import { statsSummarySchema } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
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
        response: { 200: statsSummarySchema },
      },
    },
    async (request) => summary(app.db, actorOf(request), app.deps.clock()),
  );
};
