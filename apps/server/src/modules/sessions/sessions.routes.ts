import {
  boardSchema,
  checkInBodySchema,
  DOSE_KINDS,
  doseSchema,
  idempotencyHeaders,
  isoDateSchema,
  listOf,
  openSessionBodySchema,
  screeningBodySchema,
  sessionSchema,
  VACCINATION_ROLES,
  visitSchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { batchPdf } from '../certificates/certificates.pdf.js';
import { personOfCertificateQr, sessionCertificates } from '../certificates/certificates.service.js';
import { presentDose } from '../doses/doses.service.js';
import { personFromRegistrationQr } from '../portal/registrations.service.js';
import {
  checkIn,
  closeSession,
  completeVisit,
  getSessionFor,
  listSessions,
  openSession,
  presentSession,
  presentVisit,
  recordScreening,
  sessionBoard,
  vaccinateVisit,
} from './sessions.service.js';

const idParam = z.object({ id: z.string().min(1).max(64) });

/** The vaccination session at the site: check-in, screening, dose, observation, close. */
export const sessionsRoutes: FastifyPluginAsyncZod = async (app) => {
  const now = () => app.deps.clock();
  const certificateDeps = () => ({ keys: app.deps.keys, clock: app.deps.clock });

  app.post(
    '/api/sessions',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['sessions'],
        summary: 'Open a vaccination session at a facility',
        body: openSessionBodySchema,
        response: { 201: sessionSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(presentSession(await openSession(app.db, actorOf(request), auditContextOf(request), request.body))),
  );

  app.get(
    '/api/sessions',
    {
      config: staffAccess(VACCINATION_ROLES, 'own-units'),
      schema: {
        tags: ['sessions'],
        summary: 'Sessions in the caller’s units',
        querystring: z.object({
          facilityId: z.string().max(40).optional(),
          from: isoDateSchema.optional(),
          to: isoDateSchema.optional(),
        }),
        response: { 200: listOf(sessionSchema) },
      },
    },
    async (request) => ({ items: (await listSessions(app.db, actorOf(request), request.query)).map(presentSession) }),
  );

  app.get(
    '/api/sessions/:id',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['sessions'],
        summary: 'The session board: visits, tally, lots',
        params: idParam,
        response: { 200: boardSchema },
      },
    },
    async (request) => sessionBoard(app.db, actorOf(request), request.params.id),
  );

  app.post(
    '/api/sessions/:id/visits',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['sessions'],
        summary: 'Check a person in (idempotent: the client may send the visit id it made offline)',
        params: idParam,
        body: checkInBodySchema,
        response: { 200: visitSchema, 201: visitSchema },
      },
    },
    async (request, reply) => {
      let personId = request.body.personId;
      let method = request.body.method;
      if (request.body.registrationQr) {
        const { person } = await personFromRegistrationQr(
          app.db,
          { registry: app.deps.registry, clock: app.deps.clock },
          actorOf(request),
          auditContextOf(request),
          request.body.registrationQr,
        );
        personId = person.id;
        // Picked from the board's list of invited registrants, or scanned from their QR.
        method = method === 'list' ? 'list' : 'registration_qr';
      }
      if (request.body.healthBookQr) {
        personId = await personOfCertificateQr(app.db, request.body.healthBookQr, now());
        method = 'health_book_qr';
      }
      const { visit, created } = await checkIn(
        app.db,
        actorOf(request),
        auditContextOf(request),
        { sessionId: request.params.id, personId: personId!, method, visitId: request.body.id },
        now(),
      );
      return reply.status(created ? 201 : 200).send(presentVisit(visit));
    },
  );

  app.post(
    '/api/visits/:id/screening',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['sessions'],
        summary: 'Record the screening checklist, vital signs and outcome',
        params: idParam,
        body: screeningBodySchema,
        response: { 200: z.object({ visit: visitSchema, suggestion: z.string() }) },
      },
    },
    async (request) => {
      const { visit, suggestion } = await recordScreening(
        app.db,
        actorOf(request),
        auditContextOf(request),
        request.params.id,
        request.body,
        now(),
      );
      return { visit: presentVisit(visit), suggestion: suggestion.outcome };
    },
  );

  app.post(
    '/api/visits/:id/dose',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['sessions'],
        summary: 'Record the dose of a screened visit; starts the 30-minute observation',
        params: idParam,
        headers: idempotencyHeaders,
        body: z.object({
          vaccineCode: z.string().min(1).max(40),
          lotNumber: z.string().trim().min(1).max(40),
          doseKind: z.enum(DOSE_KINDS).optional(),
          override: z.object({ reason: z.string().trim().min(5).max(500) }).optional(),
          /** When the dose was given, if earlier than now (a dose recorded offline and synced later). */
          givenAt: z.iso.datetime({ offset: true }).optional(),
        }),
        response: {
          200: z.object({ visit: visitSchema, dose: doseSchema }),
          201: z.object({ visit: visitSchema, dose: doseSchema }),
        },
      },
    },
    async (request, reply) => {
      const { visit, dose, created } = await vaccinateVisit(
        app.db,
        actorOf(request),
        auditContextOf(request),
        {
          ...request.body,
          givenAt: request.body.givenAt ? new Date(request.body.givenAt) : undefined,
          visitId: request.params.id,
          idempotencyKey: request.headers['idempotency-key'],
        },
        now(),
      );
      return reply.status(created ? 201 : 200).send({ visit: presentVisit(visit), dose: presentDose(dose) });
    },
  );

  app.post(
    '/api/visits/:id/complete',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['sessions'],
        summary: 'End the visit after observation',
        params: idParam,
        response: { 200: visitSchema },
      },
    },
    async (request) =>
      presentVisit(await completeVisit(app.db, actorOf(request), auditContextOf(request), request.params.id, now())),
  );

  app.post(
    '/api/sessions/:id/close',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['sessions'],
        summary: 'Close the session with vials opened per lot; answers used vs recorded per lot',
        params: idParam,
        body: z.object({
          lots: z
            .array(
              z.object({
                lotNumber: z.string().trim().min(1).max(40),
                vialsOpened: z.number().int().min(0).max(10_000),
              }),
            )
            .max(20),
        }),
      },
    },
    async (request) => {
      const { session, lots } = await closeSession(
        app.db,
        actorOf(request),
        auditContextOf(request),
        { sessionId: request.params.id, lots: request.body.lots },
        now(),
      );
      return { session: presentSession(session), lots };
    },
  );

  app.get(
    '/api/sessions/:id/certificates.pdf',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['certificates'],
        summary: 'Certificates of everyone vaccinated in a session, one PDF',
        params: idParam,
        querystring: z.object({ layout: z.enum(['a4', 'card']).default('a4') }),
      },
    },
    async (request, reply) => {
      const session = await getSessionFor(app.db, actorOf(request), request.params.id);
      const views = await sessionCertificates(app.db, certificateDeps(), auditContextOf(request), session.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="chung-nhan-buoi-tiem-${session.session_date}.pdf"`)
        .header('cache-control', 'no-store')
        .send(await batchPdf(views, request.query.layout));
    },
  );
};
