import { listOf, vaccineSchema } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { publicAccess } from '../../lib/access.js';
import { listVaccines, presentVaccine } from './vaccines.service.js';

/** The COVID-19 vaccines used in Vietnam (public reference data). */
export const vaccinesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/vaccines',
    {
      config: publicAccess(),
      schema: { tags: ['reference'], summary: 'Vaccine catalogue', response: { 200: listOf(vaccineSchema) } },
    },
    async () => ({ items: (await listVaccines(app.db)).map(presentVaccine) }),
  );
};
