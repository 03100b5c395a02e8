import {
  createPersonBodySchema,
  genderSchema,
  isoDateSchema,
  listOf,
  personSchema,
  REPORT_ROLES,
  SUPERVISOR_ROLES,
  updatePersonBodySchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ALL_STAFF, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { auditContextOf, listAudit } from '../audit/audit.service.js';
import {
  createPerson,
  dismissCandidate,
  duplicateCheck,
  listDuplicateCandidates,
  overrideIdentity,
  presentPerson,
  readPerson,
  reverifyPerson,
  searchPeople,
  updatePerson,
} from './people.service.js';

const idParams = z.object({ id: z.string().min(1).max(64) });

/** The people registry (api-contract.md, People), scoped to the caller. */
export const peopleRoutes: FastifyPluginAsyncZod = async (app) => {
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
      const person = await createPerson(app.db, deps(), actorOf(request), auditContextOf(request), request.body);
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
        querystring: z
          .object({
            idNumber: z.string().min(1).max(30).optional(),
            phone: z.string().min(1).max(30).optional(),
            q: z.string().min(1).max(100).optional(),
            limit: z.coerce.number().int().min(1).max(100).default(20),
          })
          .refine((v) => [v.idNumber, v.phone, v.q].filter(Boolean).length === 1, {
            message: 'give exactly one of idNumber, phone, q',
            path: ['q'],
          }),
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
        querystring: z.object({
          fullName: z.string().min(1).max(200),
          dateOfBirth: isoDateSchema,
          phone: z.string().max(30).optional(),
          idNumber: z.string().max(30).optional(),
          gender: genderSchema.optional(),
        }),
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
          200: listOf(
            z.object({ id: z.number(), kind: z.string(), createdAt: z.string(), a: personSchema, b: personSchema }),
          ),
        },
      },
    },
    async (request) => {
      const rows = await listDuplicateCandidates(app.db, actorOf(request));
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
        params: z.object({ candidateId: z.coerce.number().int().positive() }),
      },
    },
    async (request, reply) => {
      await dismissCandidate(
        app.db,
        actorOf(request),
        auditContextOf(request),
        request.params.candidateId,
        app.deps.clock(),
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
        params: idParams,
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
        params: idParams,
        body: updatePersonBodySchema,
        response: { 200: personSchema },
      },
    },
    async (request) =>
      presentPerson(
        await updatePerson(app.db, deps(), actorOf(request), auditContextOf(request), request.params.id, request.body),
      ),
  );

  app.post(
    '/api/people/:id/verify',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: ['people'],
        summary: 'Check the identity against the population registry again',
        params: idParams,
        response: { 200: personSchema },
      },
    },
    async (request) => {
      await readPerson(app.db, actorOf(request), auditContextOf(request), request.params.id);
      return presentPerson(await reverifyPerson(app.db, deps(), auditContextOf(request), request.params.id));
    },
  );

  app.post(
    '/api/people/:id/identity-override',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'person-change'),
      schema: {
        tags: ['people'],
        summary: 'Supervisor: allow vaccination although the identity does not match (reason recorded)',
        params: idParams,
        body: z.object({ reason: z.string().trim().min(5).max(500) }),
        response: { 200: personSchema },
      },
    },
    async (request) =>
      presentPerson(
        await overrideIdentity(
          app.db,
          actorOf(request),
          auditContextOf(request),
          request.params.id,
          request.body.reason,
          app.deps.clock(),
        ),
      ),
  );

  app.get(
    '/api/people/:id/audit',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'person-read'),
      schema: {
        tags: ['people'],
        summary: 'The audit trail of a person',
        params: idParams,
        response: {
          200: listOf(
            z.object({
              at: z.string(),
              action: z.string(),
              actor: z.string().nullable(),
              reason: z.string().nullable(),
              before: z.unknown(),
              after: z.unknown(),
            }),
          ),
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
