import {
  idParamsSchema,
  mergeBodySchema,
  mergeResultSchema,
  REPORT_ROLES,
  reportMergeBodySchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { presentPerson } from '../people/people.service.js';
import { mergeForReport, mergePerson } from './merge.service.js';

/**
 * Merging duplicate records of a person (api-contract.md: People, Reports): from the person's page
 * or from a report about the person. Above people, doses, reports and certificates.
 */
export const mergeRoutes: FastifyPluginAsyncZod = async (app) => {
  const certificateDeps = () => ({ keys: app.deps.keys, clock: app.deps.clock });
  app.post(
    '/api/people/:id/merge',
    {
      config: staffAccess(REPORT_ROLES, 'person-pair'),
      schema: {
        tags: ['people'],
        summary: 'Merge a duplicate record into this one (all doses and reports kept)',
        params: idParamsSchema,
        body: mergeBodySchema,
        response: { 200: mergeResultSchema },
      },
    },
    async (request) => {
      const { survivor, moved } = await unitOfWork(app.db, (trx) =>
        mergePerson(trx, certificateDeps(), actorOf(request), auditContextOf(request), {
          survivorId: request.params.id,
          otherId: request.body.duplicateId,
          reason: request.body.reason,
          now: app.deps.clock(),
        }),
      );
      return { person: presentPerson(survivor), moved };
    },
  );

  app.post(
    '/api/reports/:id/actions/merge',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: {
        tags: ['reports'],
        summary: 'Merge a duplicate record into the report’s person',
        params: idParamsSchema,
        body: reportMergeBodySchema,
        response: { 200: mergeResultSchema },
      },
    },
    async (request) => {
      const { survivor, moved } = await unitOfWork(app.db, (trx) =>
        mergeForReport(trx, certificateDeps(), actorOf(request), auditContextOf(request), {
          reportId: request.params.id,
          duplicateId: request.body.duplicateId,
          now: app.deps.clock(),
        }),
      );
      return { person: presentPerson(survivor), moved };
    },
  );
};
