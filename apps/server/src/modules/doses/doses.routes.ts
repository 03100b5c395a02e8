import {
  doseSchema,
  idempotencyHeaders,
  idParamsSchema,
  listOf,
  recordDoseBodySchema,
  VACCINATION_ROLES,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { ALL_STAFF, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { listDoses, presentDose, recordDose, recordDoseBatched } from './doses.service.js';

/** Doses of a person (api-contract.md, Doses). */
export const dosesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/people/:id/doses',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['doses'],
        summary: 'Record a dose that was given (idempotent with the Idempotency-Key header)',
        params: idParamsSchema,
        headers: idempotencyHeaders,
        body: recordDoseBodySchema,
        response: { 200: doseSchema, 201: doseSchema },
      },
    },
    async (request, reply) => {
      const args = [
        actorOf(request),
        auditContextOf(request),
        {
          ...request.body,
          personId: request.params.id,
          idempotencyKey: request.headers['idempotency-key'],
          source: 'api' as const,
        },
        app.deps.clock(),
      ] as const;
      // The dose is all this request writes: the batched fast path (its statement commits the
      // doses of the requests in flight together), else the locked path in this request's unit of work.
      const { dose, created } =
        (await recordDoseBatched(app.db, ...args)) ?? (await unitOfWork(app.db, (trx) => recordDose(trx, ...args)));
      return reply.status(created ? 201 : 200).send(presentDose(dose));
    },
  );

  app.get(
    '/api/people/:id/doses',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: ['doses'],
        summary: 'A person’s doses in date order',
        params: idParamsSchema,
        response: { 200: listOf(doseSchema) },
      },
    },
    // One unit of work: the doses read and its audit entry.
    async (request) => ({
      items: (
        await unitOfWork(app.db, (trx) => listDoses(trx, actorOf(request), auditContextOf(request), request.params.id))
      ).map(presentDose),
    }),
  );
};
