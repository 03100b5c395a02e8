import {
  assignRegistrationBodySchema,
  idParamsSchema,
  inviteRegistrationBodySchema,
  listOf,
  registrationSchema,
  registrationsQuerySchema,
  SUPERVISOR_ROLES,
  VACCINATION_ROLES,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RegistrationRow } from '../../db/schema.js';
import { unitOfWork } from '../../db/transaction.js';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { assignRegistration, inviteRegistration, listRegistrations } from './registrations.service.js';

function present(r: RegistrationRow) {
  return {
    id: r.id,
    code: r.code,
    fullName: r.full_name,
    dateOfBirth: r.date_of_birth,
    gender: r.gender,
    phone: r.phone,
    priorityGroup: r.priority_group,
    provinceCode: r.province_code,
    districtCode: r.district_code,
    preferredDate: r.preferred_date,
    status: r.status,
    assignedDistrictCode: r.assigned_district_code,
    assignedFacilityId: r.assigned_facility_id,
    invitedFor: r.invited_for,
    createdAt: r.created_at.toISOString(),
  };
}

/** Registrations for provinces (assign), districts and facilities (invite). */
export const registrationsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/registrations',
    {
      config: staffAccess(VACCINATION_ROLES, 'registration'),
      schema: {
        tags: ['registrations'],
        summary: 'Confirmed registrations in the caller’s units',
        querystring: registrationsQuerySchema,
        response: { 200: listOf(registrationSchema) },
      },
    },
    async (request) => ({ items: (await listRegistrations(app.db, actorOf(request), request.query)).map(present) }),
  );

  app.post(
    '/api/registrations/:id/assign',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'registration'),
      schema: {
        tags: ['registrations'],
        summary: 'Assign a registration to a district or a facility',
        params: idParamsSchema,
        body: assignRegistrationBodySchema,
        response: { 200: registrationSchema },
      },
    },
    async (request) =>
      present(
        await unitOfWork(app.db, (trx) =>
          assignRegistration(trx, actorOf(request), auditContextOf(request), request.params.id, request.body),
        ),
      ),
  );

  app.post(
    '/api/registrations/:id/invite',
    {
      config: staffAccess(VACCINATION_ROLES, 'registration'),
      schema: {
        tags: ['registrations'],
        summary: 'Invite the registrant by SMS for a date',
        params: idParamsSchema,
        body: inviteRegistrationBodySchema,
        response: { 200: registrationSchema },
      },
    },
    async (request) =>
      present(
        await unitOfWork(app.db, (trx) =>
          inviteRegistration(
            trx,
            { clock: app.deps.clock, sms: app.deps.sms, smsAscii: app.config.sms.ascii, secret: app.deps.portalSecret },
            actorOf(request),
            auditContextOf(request),
            request.params.id,
            request.body.date,
          ),
        ),
      ),
  );
};
