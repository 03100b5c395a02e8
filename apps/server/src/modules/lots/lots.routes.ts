import { isoDateSchema, listOf } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ALL_STAFF, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { auditContextOf } from '../audit/audit.service.js';
import { getFacility } from '../facilities/facilities.service.js';
import type { Holder } from './lots.queries.js';
import { allocateLot, holderOf, lotReconciliation, receiveLot, stockOfHolder } from './lots.service.js';

const lotSchema = z.object({
  id: z.string(),
  lotNumber: z.string(),
  vaccineCode: z.string(),
  expiresOn: z.string(),
  dosesPerVial: z.number(),
  dosesReceived: z.number(),
  dosesAllocated: z.number(),
  dosesUsed: z.number(),
  dosesRemaining: z.number(),
  expired: z.boolean(),
  expiresSoon: z.boolean(),
});

/** Vaccine lots and stock (SPEC: Vaccine stock; api-contract.md: GET /api/lots). */
export const lotsRoutes: FastifyPluginAsyncZod = async (app) => {
  const today = () => app.deps.clock().toISOString().slice(0, 10);

  app.get(
    '/api/lots',
    {
      // Lots at a facility are not secret within the platform: any staff member may list them.
      config: staffAccess(ALL_STAFF, 'reference'),
      schema: {
        tags: ['lots'],
        summary: 'Lots held by a facility (or by the caller’s unit), with stock and expiry warnings',
        querystring: z.object({
          facilityId: z.string().min(1).max(40).optional(),
          vaccineCode: z.string().max(40).optional(),
        }),
        response: { 200: listOf(lotSchema) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      let holder: Holder | null;
      if (request.query.facilityId) {
        const f = await getFacility(app.db, request.query.facilityId);
        if (!f) throw new AppError('unknown_facility', { field: 'facilityId', status: 404 });
        // Lots at a facility are not secret within the platform: any staff member may see them.
        holder = `F:${f.id}`;
      } else {
        holder = holderOf(actor);
        if (!holder) throw new AppError('validation_failed', { field: 'facilityId' });
      }
      return { items: await stockOfHolder(app.db, holder, today(), request.query.vaccineCode) };
    },
  );

  app.post(
    '/api/lots',
    {
      config: staffAccess(['national_admin', 'province_admin'], 'body-units'),
      schema: {
        tags: ['lots'],
        summary: 'A province receives doses of a lot',
        body: z.object({
          vaccineCode: z.string().min(1).max(40),
          lotNumber: z.string().trim().min(1).max(40),
          expiresOn: isoDateSchema,
          doses: z.number().int().positive().max(10_000_000),
          receivedOn: isoDateSchema,
          dosesPerVial: z.number().int().positive().max(50).optional(),
          provinceCode: z
            .string()
            .regex(/^\d{2}$/)
            .optional(),
        }),
        response: {
          201: z.object({ id: z.string(), lotNumber: z.string(), vaccineCode: z.string(), expiresOn: z.string() }),
        },
      },
    },
    async (request, reply) => {
      const lot = await receiveLot(app.db, actorOf(request), auditContextOf(request), request.body);
      return reply
        .status(201)
        .send({ id: lot.id, lotNumber: lot.lot_number, vaccineCode: lot.vaccine_code, expiresOn: lot.expires_on });
    },
  );

  app.post(
    '/api/lots/:id/allocations',
    {
      config: staffAccess(['province_admin', 'district_admin'], 'own-units'),
      schema: {
        tags: ['lots'],
        summary: 'Allocate doses of a lot to a district or a facility',
        params: z.object({ id: z.string().min(1).max(64) }),
        body: z.object({
          doses: z.number().int().positive().max(10_000_000),
          toDistrictCode: z
            .string()
            .regex(/^\d{3}$/)
            .optional(),
          toFacilityId: z.string().min(1).max(40).optional(),
          movedOn: isoDateSchema.optional(),
        }),
      },
    },
    async (request, reply) => {
      await allocateLot(app.db, actorOf(request), auditContextOf(request), {
        ...request.body,
        lotId: request.params.id,
        movedOn: request.body.movedOn ?? today(),
      });
      return reply.status(204).send();
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
          200: listOf(
            z.object({
              lotNumber: z.string(),
              vaccineCode: z.string(),
              dosesUsed: z.number(),
              dosesRecorded: z.number(),
              possibleUnrecorded: z.number(),
            }),
          ),
        },
      },
    },
    async (request) => ({ items: await lotReconciliation(app.db, actorOf(request)) }),
  );
};
