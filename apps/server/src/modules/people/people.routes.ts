import {
  candidateIdParamsSchema,
  createPersonBodySchema,
  duplicateCandidateSchema,
  duplicateCheckQuerySchema,
  idParamsSchema,
  listOf,
  peopleSearchQuerySchema,
  personAuditSchema,
  personSchema,
  REPORT_ROLES,
  SUPERVISOR_ROLES,
  updatePersonBodySchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { ALL_STAFF, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { auditContextOf, listAudit } from '../audit/audit.service.js';
import {
  applyPersonUpdate,
  createPerson,
  type DoseDatesOf,
  dismissCandidate,
  duplicateCheck,
  listDuplicateCandidates,
  planNewPerson,
  planPersonUpdate,
  planReverification,
  presentPerson,
  readPerson,
  reverifyPerson,
  searchPeople,
} from './people.service.js';

/**
 * The people registry (api-contract.md, People), scoped to the caller. `doseDatesOf` is the doses
 * module's (above people), given by app.ts: a correction of a date of birth is checked against it.
 */
export const peopleRoutes: FastifyPluginAsyncZod<{ doseDatesOf: DoseDatesOf }> = async (app, { doseDatesOf }) => {
  const deps = () => ({ registry: app.deps.registry, clock: app.deps.clock });

  app.post(
    '/api/people',
    {
      config: staffAccess(ALL_STAFF, 'person-create'),
      schema: {
        tags: ['people'],
        summary: 'Register a person (ID number required; identity verified against the population registry)',
        body: createPersonBodySchema,
        response: { 201: personSchema },
      },
    },
    async (request, reply) => {
      // The registry is asked before the transaction opens (a network call).
      const plan = await planNewPerson(app.db, deps(), actorOf(request), request.body);
      const person = await unitOfWork(app.db, (trx) => createPerson(trx, auditContextOf(request), plan));
      return reply.status(201).send(presentPerson(person));
    },
  );

  app.get(
    '/api/people',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: ['people'],
        summary: 'Find people by exact ID number, by phone, or by name without diacritics (prefix)',
        querystring: peopleSearchQuerySchema,
        response: { 200: listOf(personSchema) },
      },
    },
    async (request) => {
      const { idNumber, phone, q, limit } = request.query;
      const search = idNumber ? { idNumber } : phone ? { phone } : { q: q ?? '' };
      const { items, masked } = await searchPeople(app.db, actorOf(request), auditContextOf(request), search, limit);
      return { items: items.map((p) => presentPerson(p, { masked })) };
    },
  );

  app.get(
    '/api/people/duplicate-check',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: ['people'],
        summary: 'Likely existing records for details about to be registered',
        querystring: duplicateCheckQuerySchema,
        response: { 200: listOf(personSchema) },
      },
    },
    async (request) => {
      const rows = await duplicateCheck(app.db, actorOf(request), request.query);
      return { items: rows.map((p) => presentPerson(p, { masked: true })) };
    },
  );

  app.get(
    '/api/people/duplicates',
    {
      config: staffAccess(REPORT_ROLES, 'own-units'),
      schema: {
        tags: ['people'],
        summary: 'Open duplicate candidates for review',
        response: {
          200: listOf(duplicateCandidateSchema),
        },
      },
    },
    // One unit of work: the list and the audit entries of the people it shows.
    async (request) => {
      const rows = await unitOfWork(app.db, (trx) =>
        listDuplicateCandidates(trx, actorOf(request), auditContextOf(request)),
      );
      return {
        items: rows.map((r) => ({
          id: r.candidate.id,
          kind: r.candidate.kind,
          createdAt: r.candidate.created_at.toISOString(),
          a: presentPerson(r.a),
          b: presentPerson(r.b),
        })),
      };
    },
  );

  app.post(
    '/api/people/duplicates/:candidateId/dismiss',
    {
      config: staffAccess(REPORT_ROLES, 'person-pair'),
      schema: {
        tags: ['people'],
        summary: 'Two different people: close the candidate',
        params: candidateIdParamsSchema,
      },
    },
    async (request, reply) => {
      await unitOfWork(app.db, (trx) =>
        dismissCandidate(trx, actorOf(request), auditContextOf(request), request.params.candidateId, app.deps.clock()),
      );
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/people/:id',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: ['people'],
        summary: 'A person’s full record (the read is audited)',
        params: idParamsSchema,
        response: { 200: personSchema },
      },
    },
    async (request) =>
      presentPerson(await readPerson(app.db, actorOf(request), auditContextOf(request), request.params.id)),
  );

  app.patch(
    '/api/people/:id',
    {
      config: staffAccess(ALL_STAFF, 'person-change'),
      schema: {
        tags: ['people'],
        summary: 'Correct a person’s details (identity changes are re-verified; audited)',
        params: idParamsSchema,
        body: updatePersonBodySchema,
        response: { 200: personSchema },
      },
    },
    async (request) => {
      // Changed identity details are checked with the registry before the transaction opens.
      const plan = await planPersonUpdate(app.db, deps(), actorOf(request), request.params.id, request.body);
      return presentPerson(
        await unitOfWork(app.db, (trx) => applyPersonUpdate(trx, auditContextOf(request), plan, doseDatesOf)),
      );
    },
  );

  app.post(
    '/api/people/:id/verify',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: ['people'],
        summary: 'Check the identity against the population registry again',
        params: idParamsSchema,
        response: { 200: personSchema },
      },
    },
    async (request) => {
      await readPerson(app.db, actorOf(request), auditContextOf(request), request.params.id);
      const plan = await planReverification(app.db, deps(), request.params.id);
      return presentPerson(
        await unitOfWork(app.db, (trx) => reverifyPerson(trx, auditContextOf(request), plan, app.deps.clock())),
      );
    },
  );

  app.get(
    '/api/people/:id/audit',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'person-read'),
      schema: {
        tags: ['people'],
        summary: 'The audit trail of a person',
        params: idParamsSchema,
        response: {
          200: personAuditSchema,
        },
      },
    },
    async (request) => {
      const person = await readPerson(app.db, actorOf(request), auditContextOf(request), request.params.id);
      const rows = await listAudit(app.db, 'person', person.id);
      if (!rows.length) throw new AppError('not_found');
      return {
        items: rows.map((r) => ({
          at: r.at.toISOString(),
          action: r.action,
          actor: r.actor_username,
          reason: r.reason,
          before: r.before,
          after: r.after,
        })),
      };
    },
  );
};
