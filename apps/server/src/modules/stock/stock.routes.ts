import {
  listOf,
  lotReconciliationSchema,
  lotsQuerySchema,
  SUPERVISOR_ROLES,
  statsUnrecordedQuerySchema,
  statsUnrecordedSchema,
  stockLotSchema,
  unitStockQuerySchema,
  unitStockSchema,
  vietnamDay,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { ALL_STAFF, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { fileNamePart, sendTable } from '../../lib/table-export.js';
import { auditContextOf, recordAudit } from '../audit/audit.service.js';
import { getFacility } from '../facilities/facilities.service.js';
import { type Holder, holderOf } from '../lots/lots.service.js';
import { lotReconciliation, stockOfHolder, unitStock } from './stock.service.js';
import { unrecordedDoses, unrecordedTable } from './stock.unrecorded.js';

/**
 * Stock of vaccine lots and its reconciliation (SPEC: Vaccine stock; api-contract.md: GET /api/lots),
 * read above lots, sessions and doses. Receipts and allocations are the lots module's.
 */
export const stockRoutes: FastifyPluginAsyncZod = async (app) => {
  const today = () => vietnamDay(app.deps.clock());

  app.get(
    '/api/lots',
    {
      // Lots at a facility are not secret within the platform: any staff member may list them.
      config: staffAccess(ALL_STAFF, 'reference'),
      schema: {
        tags: ['lots'],
        summary: 'Lots held by a facility (or by the caller’s unit), with stock and expiry warnings',
        querystring: lotsQuerySchema,
        response: { 200: listOf(stockLotSchema) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      let holder: Holder | null;
      if (request.query.facilityId) {
        const f = await getFacility(app.db, request.query.facilityId);
        if (!f) throw new AppError('facility_not_found', { field: 'facilityId' });
        // Lots at a facility are not secret within the platform: any staff member may see them.
        holder = `F:${f.id}`;
      } else {
        holder = holderOf(actor);
        if (!holder) throw new AppError('validation_failed', { field: 'facilityId' });
      }
      return { items: await stockOfHolder(app.db, holder, today(), request.query.vaccineCode) };
    },
  );

  app.get(
    '/api/lots/reconciliation',
    {
      config: staffAccess(ALL_STAFF, 'own-units'),
      schema: {
        tags: ['lots'],
        summary: 'Per lot: doses used vs doses recorded; the gap lists as possible unrecorded doses',
        response: {
          200: listOf(lotReconciliationSchema),
        },
      },
    },
    async (request) => ({ items: await lotReconciliation(app.db, actorOf(request)) }),
  );

  app.get(
    '/api/stock',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'own-units'),
      schema: {
        tags: ['lots'],
        summary: 'The stock of a unit and of each district and facility below it, with expiry warnings (audited)',
        querystring: unitStockQuerySchema,
        response: { 200: unitStockSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return unitOfWork(app.db, async (trx) => {
        const stock = await unitStock(trx, actor, request.query, today());
        const { unit } = stock;
        await recordAudit(trx, auditContextOf(request), {
          action: 'stock.read',
          entityType: 'stock',
          entityId: unit.code ?? 'nation',
          after: {
            ...(unit.level === 'province' ? { provinceCode: unit.code } : {}),
            ...(unit.level === 'district' ? { districtCode: unit.code } : {}),
            ...(request.query.vaccineCode ? { vaccineCode: request.query.vaccineCode } : {}),
            holders: stock.items.length,
          },
        });
        return stock;
      });
    },
  );

  app.get(
    '/api/stats/unrecorded',
    {
      config: staffAccess(ALL_STAFF, 'own-units'),
      schema: {
        tags: ['stats'],
        summary:
          'Possible unrecorded doses per facility of a unit: vials opened in closed sessions × doses per vial vs doses recorded (default the last 30 days, at most 366); CSV or XLSX with format',
        querystring: statsUnrecordedQuerySchema,
        response: { 200: statsUnrecordedSchema },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const body = await unrecordedDoses(app.db, actorOf(request), q, today());
      if (q.format === 'json') return body;
      const unit = body.unit.code ? fileNamePart(body.unit.code) : 'toan-quoc';
      return sendTable(reply, q.format, unrecordedTable(body), `thong-ke-lieu-chua-ghi-nhan-${unit}`);
    },
  );
};
