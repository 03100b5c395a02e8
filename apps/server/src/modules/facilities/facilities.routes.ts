import { facilitiesQuerySchema, facilitySchema, listOf } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { publicAccess } from '../../lib/access.js';
import { listFacilities, presentFacility } from './facilities.service.js';

/** Vaccination facilities (public reference data: citizens name them in reports). */
export const facilitiesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/facilities',
    {
      config: publicAccess(),
      schema: {
        tags: ['reference'],
        summary: 'Vaccination facilities',
        querystring: facilitiesQuerySchema,
        response: { 200: listOf(facilitySchema) },
      },
    },
    async (request) => {
      const rows = await listFacilities(app.db, request.query);
      return { items: rows.map(presentFacility) };
    },
  );
};
