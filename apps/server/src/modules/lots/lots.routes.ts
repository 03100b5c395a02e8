import {
  allocationBodySchema,
  idParamsSchema,
  lotReceivedSchema,
  receiveLotBodySchema,
  vietnamDay,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { allocateLot, receiveLot } from './lots.service.js';

/** Vaccine lots: receipts and allocations (SPEC: Vaccine stock). The stock itself is read by modules/stock. */
export const lotsRoutes: FastifyPluginAsyncZod = async (app) => {
  const today = () => vietnamDay(app.deps.clock());

  app.post(
    '/api/lots',
    {
      config: staffAccess(['national_admin', 'province_admin'], 'body-units'),
      schema: {
        tags: ['lots'],
        summary: 'A province receives doses of a lot',
        body: receiveLotBodySchema,
        response: { 201: lotReceivedSchema },
      },
    },
    async (request, reply) => {
      const lot = await unitOfWork(app.db, (trx) =>
        receiveLot(trx, actorOf(request), auditContextOf(request), request.body, today()),
      );
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
        params: idParamsSchema,
        body: allocationBodySchema,
      },
    },
    async (request, reply) => {
      const day = today();
      await unitOfWork(app.db, (trx) =>
        allocateLot(
          trx,
          actorOf(request),
          auditContextOf(request),
          { ...request.body, lotId: request.params.id, movedOn: request.body.movedOn ?? day },
          day,
        ),
      );
      return reply.status(204).send();
    },
  );
};
