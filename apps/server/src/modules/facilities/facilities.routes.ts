import {
  createFacilityBodySchema,
  facilitiesQuerySchema,
  facilitySchema,
  facilityStatusBodySchema,
  idParamsSchema,
  listOf,
  managedFacilitiesQuerySchema,
  managedFacilitySchema,
  SUPERVISOR_ROLES,
  updateFacilityBodySchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { publicAccess, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import {
  createFacility,
  listFacilities,
  listFacilitiesFor,
  presentFacility,
  setFacilityActive,
  updateFacility,
} from './facilities.service.js';

/** Vaccination facilities: the public list, and their administration within the caller's units. */
export const facilitiesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/facilities',
    {
      config: publicAccess(),
      schema: {
        tags: ['reference'],
        summary: 'Vaccination facilities (active ones)',
        querystring: facilitiesQuerySchema,
        response: { 200: listOf(facilitySchema) },
      },
    },
    async (request) => {
      const rows = await listFacilities(app.db, request.query);
      return { items: rows.map(presentFacility) };
    },
  );

  app.get(
    '/api/facilities/managed',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'own-units'),
      schema: {
        tags: ['facilities'],
        summary: 'The facilities of the caller’s units, active and deactivated, by unit, status and name',
        querystring: managedFacilitiesQuerySchema,
        response: { 200: listOf(managedFacilitySchema) },
      },
    },
    async (request) => ({ items: await listFacilitiesFor(app.db, actorOf(request), request.query) }),
  );

  app.post(
    '/api/facilities',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'body-units'),
      schema: {
        tags: ['facilities'],
        summary: 'Create a vaccination facility under a district or commune of the caller’s units (audited)',
        body: createFacilityBodySchema,
        response: { 201: managedFacilitySchema },
      },
    },
    async (request, reply) => {
      const facility = await unitOfWork(app.db, (trx) =>
        createFacility(trx, actorOf(request), auditContextOf(request), request.body),
      );
      return reply.status(201).send(facility);
    },
  );

  app.patch(
    '/api/facilities/:id',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'facility'),
      schema: {
        tags: ['facilities'],
        summary: 'Change a facility’s name, kind, address or unit (within the caller’s units; audited)',
        params: idParamsSchema,
        body: updateFacilityBodySchema,
        response: { 200: managedFacilitySchema },
      },
    },
    async (request) =>
      unitOfWork(app.db, (trx) =>
        updateFacility(trx, actorOf(request), auditContextOf(request), request.params.id, request.body),
      ),
  );

  for (const [action, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    app.post(
      `/api/facilities/:id/${action}`,
      {
        config: staffAccess(SUPERVISOR_ROLES, 'facility'),
        schema: {
          tags: ['facilities'],
          summary: active
            ? 'Reactivate a facility (audited, with the reason)'
            : 'Deactivate a facility: no new session opens there; its records stay (audited, with the reason)',
          params: idParamsSchema,
          body: facilityStatusBodySchema,
          response: { 200: managedFacilitySchema },
        },
      },
      async (request) =>
        unitOfWork(app.db, (trx) =>
          setFacilityActive(
            trx,
            actorOf(request),
            auditContextOf(request),
            request.params.id,
            active,
            request.body.reason,
          ),
        ),
    );
  }
};
