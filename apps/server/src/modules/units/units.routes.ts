import { listOf, unitCodeParamsSchema, unitSchema, unitSchemeQuerySchema, unitsQuerySchema } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { publicAccess } from '../../lib/access.js';
import { AppError } from '../../lib/errors.js';
import { findUnit } from './units.queries.js';
import { listUnits, presentUnit } from './units.service.js';

/** Administrative units (public reference data). */
export const unitsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/units',
    {
      config: publicAccess(),
      schema: {
        tags: ['reference'],
        summary: 'Administrative units, by level or parent',
        querystring: unitsQuerySchema,
        response: { 200: listOf(unitSchema) },
      },
    },
    async (request) => {
      const { scheme, level, parentCode } = request.query;
      const rows = await listUnits(app.db, { scheme, level: parentCode || level ? level : 'province', parentCode });
      return { items: rows.map(presentUnit) };
    },
  );

  app.get(
    '/api/units/:code',
    {
      config: publicAccess(),
      schema: {
        tags: ['reference'],
        summary: 'One administrative unit',
        params: unitCodeParamsSchema,
        querystring: unitSchemeQuerySchema,
        response: { 200: unitSchema },
      },
    },
    async (request) => {
      const unit = await findUnit(app.db, request.query.scheme, request.params.code);
      if (!unit) throw new AppError('not_found');
      return presentUnit(unit);
    },
  );
};
