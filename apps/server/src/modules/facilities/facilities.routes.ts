import { facilitySchema, listOf } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
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
        querystring: z.object({
          provinceCode: z
            .string()
            .regex(/^\d{2}$/)
            .optional(),
          districtCode: z
            .string()
            .regex(/^\d{3}$/)
            .optional(),
        }),
        response: { 200: listOf(facilitySchema) },
      },
    },
    async (request) => {
      const rows = await listFacilities(app.db, request.query);
      return { items: rows.map(presentFacility) };
    },
  );
};
