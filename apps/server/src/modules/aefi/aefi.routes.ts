import { adverseEventBodySchema, adverseEventRecordedSchema, VACCINATION_ROLES } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { recordAdverseEvent } from './aefi.service.js';

/** Adverse events after immunisation, recorded at the desk (api-contract.md, Sessions). */
export const aefiRoutes: FastifyPluginAsyncZod = async (app) => {
  const now = () => app.deps.clock();

  app.post(
    '/api/adverse-events',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['sessions'],
        summary: 'Record an adverse event after immunisation; a serious one notifies the district at once',
        body: adverseEventBodySchema,
        response: { 201: adverseEventRecordedSchema },
      },
    },
    async (request, reply) => {
      const at = now();
      const row = await unitOfWork(app.db, (trx) =>
        recordAdverseEvent(
          trx,
          actorOf(request),
          auditContextOf(request),
          { ...request.body, occurredAt: request.body.occurredAt ? new Date(request.body.occurredAt) : at },
          request.log,
          at,
        ),
      );
      return reply.status(201).send({ id: row.id, severity: row.severity });
    },
  );
};
