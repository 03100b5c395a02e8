import { personSchema, REPORT_ROLES } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { presentPerson } from '../people/people.service.js';
import { mergeForReport, mergePerson } from './merge.service.js';

const idParams = z.object({ id: z.string().min(1).max(64) });

/**
 * Merging duplicate records of a person (api-contract.md: People, Reports): from the person's page
 * or from a report about the person. Above people, doses and reports.
 */
export const mergeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/people/:id/merge',
    {
      config: staffAccess(REPORT_ROLES, 'person-pair'),
      schema: {
        tags: ['people'],
        summary: 'Merge a duplicate record into this one (all doses and reports kept)',
        params: idParams,
        body: z.object({ duplicateId: z.string().min(1).max(64), reason: z.string().trim().min(3).max(500) }),
        response: { 200: z.object({ person: personSchema, moved: z.record(z.string(), z.number()) }) },
      },
    },
    async (request) => {
      const { survivor, moved } = await mergePerson(app.db, actorOf(request), auditContextOf(request), {
        survivorId: request.params.id,
        otherId: request.body.duplicateId,
        reason: request.body.reason,
        now: app.deps.clock(),
      });
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
        params: idParams,
        body: z.object({ duplicateId: z.string().min(1).max(64) }),
      },
    },
    async (request) => {
      const { survivor, moved } = await mergeForReport(app.db, actorOf(request), auditContextOf(request), {
        reportId: request.params.id,
        duplicateId: request.body.duplicateId,
        now: app.deps.clock(),
      });
      return { person: presentPerson(survivor), moved };
    },
  );
};
