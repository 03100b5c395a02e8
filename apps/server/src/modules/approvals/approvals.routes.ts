import {
  identityApprovalDecisionBodySchema,
  identityApprovalRequestBodySchema,
  identityApprovalSchema,
  identityApprovalsQuerySchema,
  identityBlockedQuerySchema,
  identityBlockedSchema,
  identityOverrideBodySchema,
  idParamsSchema,
  listOf,
  personSchema,
  SUPERVISOR_ROLES,
  VACCINATION_ROLES,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { presentPerson } from '../people/people.service.js';
import {
  decideApproval,
  identityBlocked,
  listApprovals,
  overrideWithoutRequest,
  presentApprovals,
  requestApproval,
} from './approvals.service.js';

/**
 * Identity approvals (docs/api.md, Identity approvals): the desk sends a person the population
 * database does not confirm to a supervisor, who approves (the dose can then be recorded) or
 * refuses, with a reason; a supervisor's own override, which may not go around a request; and the
 * records whose identity still blocks a vaccine passport.
 */
export const approvalsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/people/:id/identity-override',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'person-change'),
      schema: {
        tags: ['people'],
        summary:
          'Supervisor: allow vaccination although the identity does not match (reason recorded); not while a request waits or after one was refused',
        params: idParamsSchema,
        body: identityOverrideBodySchema,
        response: { 200: personSchema },
      },
    },
    async (request) =>
      presentPerson(
        await unitOfWork(app.db, (trx) =>
          overrideWithoutRequest(
            trx,
            actorOf(request),
            auditContextOf(request),
            request.params.id,
            request.body.reason,
            app.deps.clock(),
          ),
        ),
      ),
  );

  app.post(
    '/api/identity-approvals',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['identity approvals'],
        summary: 'Ask a supervisor to approve a person whose identity the population database does not confirm',
        body: identityApprovalRequestBodySchema,
        response: { 201: identityApprovalSchema },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const [answer] = await unitOfWork(app.db, async (trx) =>
        presentApprovals(trx, actor, [
          await requestApproval(trx, actor, auditContextOf(request), request.body, app.deps.clock()),
        ]),
      );
      return reply.status(201).send(answer!);
    },
  );

  app.get(
    '/api/identity-approvals',
    {
      config: staffAccess(VACCINATION_ROLES, 'own-units'),
      schema: {
        tags: ['identity approvals'],
        summary:
          'Requests for approval: a site’s own; a supervisor’s units’ (pending first, the longest waiting first)',
        querystring: identityApprovalsQuerySchema,
        response: { 200: listOf(identityApprovalSchema) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return { items: await presentApprovals(app.db, actor, await listApprovals(app.db, actor, request.query)) };
    },
  );

  app.get(
    '/api/identity-approvals/blocked',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'own-units'),
      schema: {
        tags: ['identity approvals'],
        summary:
          'Per unit, the records whose identity is neither verified nor approved (they block a vaccine passport)',
        querystring: identityBlockedQuerySchema,
        response: { 200: identityBlockedSchema },
      },
    },
    async (request) => identityBlocked(app.db, actorOf(request), request.query),
  );

  app.post(
    '/api/identity-approvals/:id/decision',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'person-change'),
      schema: {
        tags: ['identity approvals'],
        summary: 'Approve (sets the person’s identity override) or refuse a pending request, with a reason',
        params: idParamsSchema,
        body: identityApprovalDecisionBodySchema,
        response: { 200: identityApprovalSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const [answer] = await unitOfWork(app.db, async (trx) =>
        presentApprovals(trx, actor, [
          await decideApproval(trx, actor, auditContextOf(request), request.params.id, request.body, app.deps.clock()),
        ]),
      );
      return answer!;
    },
  );
};
