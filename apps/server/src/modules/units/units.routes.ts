import {
  idParamsSchema,
  listOf,
  pickLang,
  UNIT_IMPORT_MAX_CHARS,
  UNIT_IMPORT_MAX_FILES,
  unitCodeParamsSchema,
  unitImportBodySchema,
  unitImportJobSchema,
  unitMappingSchema,
  unitSchema,
  unitSchemeQuerySchema,
  unitSearchHitSchema,
  unitSearchQuerySchema,
  unitsQuerySchema,
  unitsSummarySchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { publicAccess, staffAccess } from '../../lib/access.js';
import { AppError } from '../../lib/errors.js';
import { auditContextOf } from '../audit/audit.service.js';
import { detectUnitListKind } from './units.import.js';
import { type AfterListWritten, type ImportDocument, UnitImportJobs } from './units.job.js';
import { findUnit } from './units.queries.js';
import { findUnits, listUnits, presentUnit, unitMapping, unitsSummary } from './units.service.js';

/**
 * The largest import body: the files' text as JSON strings (quotes and line ends escaped, Vietnamese
 * letters up to 3 bytes each in UTF-8).
 */
const IMPORT_BODY_LIMIT = UNIT_IMPORT_MAX_FILES * UNIT_IMPORT_MAX_CHARS * 2;

/** Administrative units (public reference data), and imports of the official lists (national administrators). */
export const unitsRoutes: FastifyPluginAsyncZod<{ afterListWritten?: AfterListWritten }> = async (app, options) => {
  const imports = new UnitImportJobs(app.db, app.log, options.afterListWritten);
  app.addHook('onClose', () => imports.close());

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
    '/api/units/summary',
    {
      config: publicAccess(),
      schema: {
        tags: ['reference'],
        summary: 'How many units of each list and level, and old → new mapping pairs, are loaded',
        response: { 200: unitsSummarySchema },
      },
    },
    async () => unitsSummary(app.db),
  );

  app.get(
    '/api/units/search',
    {
      config: publicAccess(),
      schema: {
        tags: ['reference'],
        summary: 'Units by name (diacritics optional) or by the digits their code begins with',
        querystring: unitSearchQuerySchema,
        response: { 200: listOf(unitSearchHitSchema) },
      },
    },
    async (request) => ({ items: await findUnits(app.db, request.query) }),
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

  app.get(
    '/api/units/:code/mapping',
    {
      config: publicAccess(),
      schema: {
        tags: ['reference'],
        summary: 'The official old (2021) → new (2025) mapping around a unit of either list',
        params: unitCodeParamsSchema,
        querystring: unitSchemeQuerySchema,
        response: { 200: unitMappingSchema },
      },
    },
    async (request) => unitMapping(app.db, request.query.scheme, request.params.code),
  );

  app.post(
    '/api/units/imports',
    {
      config: staffAccess(['national_admin'], 'national'),
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['reference'],
        summary:
          'Import official unit lists (the files `import units` takes) as a background job: 202 with the job to follow',
        body: unitImportBodySchema,
        response: { 202: unitImportJobSchema },
      },
    },
    async (request, reply) => {
      const documents: ImportDocument[] = request.body.files.map((f, i) => {
        let doc: unknown;
        try {
          doc = JSON.parse(f.content);
        } catch (err) {
          const reason = `not JSON (${err instanceof Error ? err.message : String(err)})`;
          throw new AppError('unit_import_invalid', { field: `files.${i}.content`, params: { file: f.name, reason } });
        }
        const kind = detectUnitListKind(doc);
        if (!kind)
          throw new AppError('unit_import_invalid', {
            field: `files.${i}.content`,
            params: { file: f.name, reason: 'not one of the official formats (2021 list, 2025 list, 2025 mapping)' },
          });
        return { name: f.name, kind, doc };
      });
      const job = await imports.start(documents, auditContextOf(request), app.deps.clock());
      return reply.status(202).send(job);
    },
  );

  app.get(
    '/api/units/imports/:id',
    {
      config: staffAccess(['national_admin'], 'national'),
      schema: {
        tags: ['reference'],
        summary: 'An import job: its progress while it runs, its result when it ends',
        params: idParamsSchema,
        response: { 200: unitImportJobSchema },
      },
    },
    async (request) => {
      const job = await imports.get(request.params.id, pickLang(request.headers['accept-language']), app.deps.clock());
      if (!job) throw new AppError('not_found');
      return job;
    },
  );
};
