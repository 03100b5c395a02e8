import {
  type AuditFilter,
  auditFilterSchema,
  auditPageSchema,
  auditQuerySchema,
  SUPERVISOR_ROLES,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditCsvStream, auditXlsxStream } from './audit.export.js';
import { auditEntries, auditPage, auditTop, checkFilter, filterRecord, presentAuditEntry } from './audit.read.js';
import { type AuditEntry, auditContextOf, recordAudit } from './audit.service.js';

/**
 * The audit log read by administrators (api.md: Audit log): a page at a time, or exported whole as
 * CSV or XLSX, filtered by person, staff member, unit, action and time, within the caller's units
 * (audit.read.ts says how an entry is tied to a unit). Every read and every export is itself an
 * entry: about the person when the log is read for a person, else about the log.
 */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  /** The entry of a read of the log. */
  const readEntry = (action: 'audit.read' | 'audit.export', filter: AuditFilter, extra: object): AuditEntry => ({
    action,
    entityType: filter.personId ? 'person' : 'audit_log',
    entityId: filter.personId ?? 'log',
    after: { filters: filterRecord(filter), ...extra },
  });

  app.get(
    '/api/audit',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'own-units'),
      schema: {
        tags: ['audit'],
        summary: 'The audit log of the caller’s units, newest first, a page at a time (the read is audited)',
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const checked = checkFilter(actorOf(request), filter);
      return unitOfWork(app.db, async (trx) => {
        const page = await auditPage(trx, checked, { cursor, limit });
        await recordAudit(
          trx,
          auditContextOf(request),
          readEntry('audit.read', filter, { ...(cursor ? { cursor } : {}), entries: page.rows.length }),
        );
        return { items: page.rows.map(presentAuditEntry), nextCursor: page.nextCursor };
      });
    },
  );

  const exportRoute = (format: 'csv' | 'xlsx') =>
    app.get(
      `/api/audit/export.${format}`,
      {
        config: staffAccess(SUPERVISOR_ROLES, 'own-units'),
        schema: {
          tags: ['audit'],
          summary:
            format === 'csv'
              ? 'The filtered audit log as CSV (UTF-8 with BOM), streamed (the export is audited)'
              : 'The filtered audit log as XLSX, streamed (the export is audited)',
          querystring: auditFilterSchema,
        },
      },
      async (request, reply) => {
        const filter = request.query;
        const checked = checkFilter(actorOf(request), filter);
        // The export holds the log as it was when asked (not its own entry), and is recorded
        // before its first row leaves.
        const top = await auditTop(app.db);
        await unitOfWork(app.db, (trx) =>
          recordAudit(trx, auditContextOf(request), readEntry('audit.export', filter, { format, upTo: top })),
        );
        const rows = auditEntries(app.db, checked, top);
        return format === 'csv'
          ? reply
              .type('text/csv; charset=utf-8')
              .header('content-disposition', 'attachment; filename="nhat-ky-truy-cap.csv"')
              .send(auditCsvStream(rows))
          : reply
              .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
              .header('content-disposition', 'attachment; filename="nhat-ky-truy-cap.xlsx"')
              .send(auditXlsxStream(rows));
      },
    );
  exportRoute('csv');
  exportRoute('xlsx');
};
