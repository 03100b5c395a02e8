import { VACCINATION_ROLES } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
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
        body: z.object({
          personId: z.string().min(1).max(64),
          doseId: z.string().max(64).optional(),
          visitId: z.string().max(64).optional(),
          occurredAt: z.iso.datetime({ offset: true }).optional(),
          symptoms: z.array(z.string().trim().min(1).max(200)).min(1).max(20),
          severity: z.enum(['mild', 'serious']),
          actionTaken: z.string().trim().min(1).max(1000),
        }),
        response: { 201: z.object({ id: z.string(), severity: z.string() }) },
      },
    },
    async (request, reply) => {
      const row = await recordAdverseEvent(
        app.db,
        actorOf(request),
        auditContextOf(request),
        { ...request.body, occurredAt: request.body.occurredAt ? new Date(request.body.occurredAt) : now() },
        request.log,
      );
      return reply.status(201).send({ id: row.id, severity: row.severity });
    },
  );
};
