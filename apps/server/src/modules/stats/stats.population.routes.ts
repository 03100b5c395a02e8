import fastifyMultipart from '@fastify/multipart';
import {
  populationImportFieldsSchema,
  populationImportResultSchema,
  populationSourcesSchema,
  statsDailyReportQuerySchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unitOfWork } from '../../db/transaction.js';
import { ALL_STAFF, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { validationError } from '../../lib/validation-message.js';
import { auditContextOf } from '../audit/audit.service.js';
import { dailyReport, dailyReportXlsx } from './stats.daily-report.js';
import {
  importPopulation,
  populationFileRecords,
  populationSources,
  type ReadPopulationFile,
  readPopulationRows,
} from './stats.population.js';

/** The largest population file taken (a commune-level file of the whole country is ~5 MB). */
export const POPULATION_FILE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * What reading a multipart body threw, as a client error: the plugin's own errors carry a 4xx
 * status (too large…) and go on as they are, the catalogue's too; the parser's plain errors (no
 * boundary, a body cut short) are the sender's fault, answered 400.
 */
function malformedMultipart(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return err;
  return new AppError('malformed_multipart');
}

/**
 * The denominators and the ministry's daily report (issue 15): `POST/GET /api/stats/population`
 * (docs/population-import.md) and `GET /api/stats/daily-report.xlsx`.
 */
export const statsPopulationRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(fastifyMultipart, {
    limits: { fileSize: POPULATION_FILE_MAX_BYTES, files: 1, fields: 4, fieldSize: 1000 },
  });

  app.post(
    '/api/stats/population',
    {
      config: staffAccess(['national_admin'], 'national'),
      bodyLimit: POPULATION_FILE_MAX_BYTES + 64 * 1024,
      schema: {
        tags: ['stats'],
        summary:
          'Import the population per unit, sex and age band (multipart: file CSV/XLSX, source, year); it becomes the one in use',
        consumes: ['multipart/form-data'],
        multipartBody: populationImportFieldsSchema.extend({
          file: z
            .file()
            .describe('The CSV or XLSX file: population per unit, sex and age band (docs/population-import.md)'),
        }),
        response: { 201: populationImportResultSchema },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('unsupported_media_type');
      const fields: Record<string, string> = {};
      let file: ReadPopulationFile | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field') fields[part.fieldname] = String(part.value);
          // Read as it arrives: the rows are checked for form while the upload streams in.
          else if (part.fieldname === 'file') file = await readPopulationRows(populationFileRecords(part.file));
          else await part.toBuffer();
        }
      } catch (err) {
        throw malformedMultipart(err);
      }
      const parsed = populationImportFieldsSchema.safeParse(fields);
      // The field and what the schema allows there (its own limits), in the caller's language.
      if (!parsed.success) throw validationError(parsed.error.issues);
      if (!file) throw new AppError('population_file_required', { field: 'file' });
      const read = file;
      const actor = actorOf(request);
      const imported = await unitOfWork(app.db, (trx) =>
        importPopulation(trx, auditContextOf(request), {
          source: parsed.data.source,
          year: parsed.data.year,
          file: read,
          importedBy: actor.username,
        }),
      );
      return reply.status(201).send(imported);
    },
  );

  app.get(
    '/api/stats/population',
    {
      config: staffAccess(ALL_STAFF, 'reference'),
      schema: {
        tags: ['stats'],
        summary: 'The population imports, newest first (the first is the one in use): source, year, rows',
        response: { 200: populationSourcesSchema },
      },
    },
    async () => ({ items: await populationSources(app.dbRead) }),
  );

  app.get(
    '/api/stats/daily-report.xlsx',
    {
      config: staffAccess(['national_admin', 'province_admin'], 'own-units'),
      schema: {
        tags: ['stats'],
        summary:
          'The ministry’s daily report as XLSX (Vietnamese): one row per province of the caller’s scope — doses that day and cumulative by dose number, people, population, coverage, reports overdue — and a total',
        querystring: statsDailyReportQuerySchema,
      },
    },
    async (request, reply) => {
      const report = await dailyReport(app.dbRead, actorOf(request), request.query, app.deps.clock());
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="bao-cao-tiem-chung-${report.date}-${report.scheme}.xlsx"`)
        .send(await dailyReportXlsx(report));
    },
  );
};
