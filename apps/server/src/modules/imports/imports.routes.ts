import fastifyMultipart from '@fastify/multipart';
import {
  createImportFieldsSchema,
  idParamsSchema,
  importCreatedSchema,
  importJobSchema,
  importListSchema,
  listImportsQuerySchema,
  pickLang,
  templateCsv,
  VACCINATION_ROLES,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unitOfWork } from '../../db/transaction.js';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { CSV_TYPE, XLSX_TYPE } from '../../lib/table-export.js';
import { validationError } from '../../lib/validation-message.js';
import { auditContextOf } from '../audit/audit.service.js';
import {
  cancelImport,
  createImport,
  fileTooLarge,
  IMPORT_FILE_MAX_BYTES,
  importFor,
  listImports,
  presentImport,
  rejectedXlsx,
  type UploadedFile,
} from './imports.service.js';
import { templateXlsx } from './imports.template.js';

/**
 * What reading a multipart body threw, as a client error: a second file part is
 * `import_file_multiple` and a part past the fields' limit `import_fields_too_many` (the plugin
 * raises both as 413, but nothing is too large); a file over the limit is `import_file_too_large`;
 * the plugin's other 4xx and the catalogue's errors go on as they are; the parser's plain errors
 * (no boundary, a body cut short) are the sender's fault, answered 400.
 */
function multipartError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const e = err as { statusCode?: unknown; code?: unknown };
  if (e.code === 'FST_FILES_LIMIT') return new AppError('import_file_multiple', { field: 'file' });
  if (e.code === 'FST_FIELDS_LIMIT' || e.code === 'FST_PARTS_LIMIT') return new AppError('import_fields_too_many');
  if (e.code === 'FST_REQ_FILE_TOO_LARGE' || e.statusCode === 413) return fileTooLarge();
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return err;
  return new AppError('malformed_multipart');
}

/**
 * The bulk import of historical doses (issue 16; api-contract.md: Bulk import): the templates a
 * clerk fills, the upload (a job run in the background, imports.job.ts), its progress and summary,
 * its cancellation and the rejected rows' file.
 */
export const importsRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(fastifyMultipart, {
    limits: { fileSize: IMPORT_FILE_MAX_BYTES, files: 1, fields: 4, fieldSize: 1000 },
  });

  app.get(
    '/api/imports/template.csv',
    {
      config: staffAccess(VACCINATION_ROLES, 'reference'),
      schema: {
        tags: ['imports'],
        summary: 'The CSV template of the bulk import (UTF-8 with BOM): the header row of the contract',
      },
    },
    async (_request, reply) =>
      reply
        .type(CSV_TYPE)
        .header('content-disposition', 'attachment; filename="mau-nhap-mui-tiem.csv"')
        .send(Buffer.from(templateCsv(), 'utf8')),
  );

  app.get(
    '/api/imports/template.xlsx',
    {
      config: staffAccess(VACCINATION_ROLES, 'own-units'),
      schema: {
        tags: ['imports'],
        summary:
          'The XLSX template of the bulk import: the same columns, and a sheet "Hướng dẫn" explaining each column with the vaccine codes and the facilities of the caller’s units',
      },
    },
    async (request, reply) =>
      reply
        .type(XLSX_TYPE)
        .header('content-disposition', 'attachment; filename="mau-nhap-mui-tiem.xlsx"')
        .send(await templateXlsx(app.db, actorOf(request))),
  );

  app.post(
    '/api/imports',
    {
      config: staffAccess(VACCINATION_ROLES, 'body-units'),
      bodyLimit: IMPORT_FILE_MAX_BYTES + 64 * 1024,
      schema: {
        tags: ['imports'],
        summary:
          'Upload a file of historical doses (multipart: file CSV/XLSX, facilityId, dryRun): 202 with the job’s id; the job runs in the background',
        consumes: ['multipart/form-data'],
        multipartBody: createImportFieldsSchema.extend({
          file: z.file().describe('The CSV (UTF-8) or XLSX file, with the template’s columns'),
        }),
        response: { 202: importCreatedSchema },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('unsupported_media_type');
      const fields: Record<string, string> = {};
      let file: UploadedFile | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field') fields[part.fieldname] = String(part.value);
          else if (part.fieldname === 'file') file = { name: part.filename ?? '', bytes: await part.toBuffer() };
          else await part.toBuffer();
        }
      } catch (err) {
        throw multipartError(err);
      }
      const parsed = createImportFieldsSchema.safeParse(fields);
      if (!parsed.success) throw validationError(parsed.error.issues);
      if (!file) throw new AppError('import_file_required', { field: 'file' });
      const uploaded = file;
      const created = await unitOfWork(app.db, (trx) =>
        createImport(
          trx,
          actorOf(request),
          auditContextOf(request),
          { ...parsed.data, file: uploaded },
          app.deps.clock(),
        ),
      );
      return reply.status(202).send(created);
    },
  );

  app.get(
    '/api/imports',
    {
      config: staffAccess(VACCINATION_ROLES, 'own-units'),
      schema: {
        tags: ['imports'],
        summary:
          'The imports of the caller’s units, newest first (a page at a time: `before` the last one listed), each with its state and summary',
        querystring: listImportsQuerySchema,
        response: { 200: importListSchema },
      },
    },
    async (request) =>
      listImports(
        app.db,
        actorOf(request),
        request.query,
        app.deps.clock(),
        pickLang(request.headers['accept-language']),
      ),
  );

  app.get(
    '/api/imports/:id',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['imports'],
        summary: 'An import: its state, progress (rows/s, time left) and summary',
        params: idParamsSchema,
        response: { 200: importJobSchema },
      },
    },
    async (request) =>
      presentImport(
        await importFor(app.db, actorOf(request), request.params.id),
        app.deps.clock(),
        pickLang(request.headers['accept-language']),
      ),
  );

  app.post(
    '/api/imports/:id/cancel',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['imports'],
        summary: 'Cancel an import waiting or running: it stops between two batches (the rows committed stay)',
        params: idParamsSchema,
        response: { 200: importJobSchema },
      },
    },
    async (request) => {
      const now = app.deps.clock();
      const job = await unitOfWork(app.db, (trx) =>
        cancelImport(trx, actorOf(request), auditContextOf(request), request.params.id, now),
      );
      return presentImport(job, now, pickLang(request.headers['accept-language']));
    },
  );

  app.get(
    '/api/imports/:id/rejected.xlsx',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['imports'],
        summary: 'The rejected rows of an import: the original columns, the row number and the reasons in Vietnamese',
        params: idParamsSchema,
      },
    },
    async (request, reply) => {
      const job = await importFor(app.db, actorOf(request), request.params.id);
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', `attachment; filename="dong-bi-tu-choi-${job.id}.xlsx"`)
        .send(await rejectedXlsx(app.db, job));
    },
  );
};
