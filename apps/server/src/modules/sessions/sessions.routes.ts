import {
  boardSchema,
  checkInBodySchema,
  closeSessionBodySchema,
  closeSessionResultSchema,
  idempotencyHeaders,
  idParamsSchema,
  listOf,
  openSessionBodySchema,
  pdfLayoutQuerySchema,
  screeningBodySchema,
  screeningResultSchema,
  sessionSchema,
  sessionsQuerySchema,
  VACCINATION_ROLES,
  visitDoseBodySchema,
  visitDoseResultSchema,
  visitSchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { batchPdf } from '../certificates/certificates.pdf.js';
import { personOfCertificateQr, sessionCertificates } from '../certificates/certificates.service.js';
import { presentDose } from '../doses/doses.service.js';
import { personOfCheckInQr } from '../health-book/health-book.service.js';
import { personFromRegistrationQr, planRegistrationCheckIn } from '../portal/registrations.service.js';
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
        .send(
          presentSession(
            await unitOfWork(app.db, (trx) =>
              openSession(trx, actorOf(request), auditContextOf(request), request.body, now()),
            ),
          ),
        ),
  );

  app.get(
    '/api/sessions',
    {
      config: staffAccess(VACCINATION_ROLES, 'own-units'),
      schema: {
        tags: ['sessions'],
        summary: 'Sessions in the caller’s units',
        querystring: sessionsQuerySchema,
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
        params: idParamsSchema,
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
        params: idParamsSchema,
        body: checkInBodySchema,
        response: { 200: visitSchema, 201: visitSchema },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const audit = auditContextOf(request);
      // Before the unit of work opens: the registry is asked about a registrant not on record yet,
      // and a health-book QR's signature (its certificate's or its check-in token's) is checked.
      const registration = request.body.registrationQr
        ? await planRegistrationCheckIn(
            app.db,
            { registry: app.deps.registry, clock: app.deps.clock },
            actor,
            request.body.registrationQr,
          )
        : undefined;
      const healthBookPersonId = request.body.healthBookQr
        ? await personOfCertificateQr(app.db, request.body.healthBookQr, now())
        : request.body.checkInQr
          ? await personOfCheckInQr(app.db, app.deps.portalSecret, request.body.checkInQr, now())
          : undefined;
      // The registrant's record (made or found) and the visit commit together.
      const { visit, created } = await unitOfWork(app.db, async (trx) => {
        let personId = request.body.personId;
        let method = request.body.method;
        if (registration) {
          personId = (await personFromRegistrationQr(trx, audit, registration)).person.id;
          // Picked from the board's list of invited registrants, or scanned from their QR.
          method = method === 'list' ? 'list' : 'registration_qr';
        }
        if (healthBookPersonId) {
          personId = healthBookPersonId;
          method = 'health_book_qr';
        }
        return checkIn(
          trx,
          actor,
          audit,
          { sessionId: request.params.id, personId: personId!, method, visitId: request.body.id },
          now(),
        );
      });
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
        params: idParamsSchema,
        body: screeningBodySchema,
        response: { 200: screeningResultSchema },
      },
    },
    async (request) => {
      const { visit, suggestion } = await unitOfWork(app.db, (trx) =>
        recordScreening(trx, actorOf(request), auditContextOf(request), request.params.id, request.body, now()),
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
        params: idParamsSchema,
        headers: idempotencyHeaders,
        body: visitDoseBodySchema,
        response: { 200: visitDoseResultSchema, 201: visitDoseResultSchema },
      },
    },
    async (request, reply) => {
      const { visit, dose, created } = await unitOfWork(app.db, (trx) =>
        vaccinateVisit(
          trx,
          actorOf(request),
          auditContextOf(request),
          {
            ...request.body,
            givenAt: request.body.givenAt ? new Date(request.body.givenAt) : undefined,
            visitId: request.params.id,
            idempotencyKey: request.headers['idempotency-key'],
          },
          now(),
        ),
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
        params: idParamsSchema,
        response: { 200: visitSchema },
      },
    },
    async (request) =>
      presentVisit(
        await unitOfWork(app.db, (trx) =>
          completeVisit(trx, actorOf(request), auditContextOf(request), request.params.id, now()),
        ),
      ),
  );

  app.post(
    '/api/sessions/:id/close',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['sessions'],
        summary:
          'Close the session with vials opened per lot and an outcome for each visit not done; answers used vs recorded per lot',
        params: idParamsSchema,
        body: closeSessionBodySchema,
        response: { 200: closeSessionResultSchema },
      },
    },
    async (request) => {
      const { session, lots, visits } = await unitOfWork(app.db, (trx) =>
        closeSession(
          trx,
          actorOf(request),
          auditContextOf(request),
          { sessionId: request.params.id, lots: request.body.lots, visits: request.body.visits },
          now(),
        ),
      );
      return { session: presentSession(session), lots, visits };
    },
  );

  app.get(
    '/api/sessions/:id/certificates.pdf',
    {
      config: staffAccess(VACCINATION_ROLES, 'facility'),
      schema: {
        tags: ['certificates'],
        summary: 'Certificates of everyone vaccinated in a session, one PDF',
        params: idParamsSchema,
        querystring: pdfLayoutQuerySchema,
      },
    },
    async (request, reply) => {
      const session = await getSessionFor(app.db, actorOf(request), request.params.id);
      // A certificate whose data changed is reissued as it is read: one unit of work for the batch.
      const views = await unitOfWork(app.db, (trx) =>
        sessionCertificates(trx, certificateDeps(), auditContextOf(request), session.id),
      );
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="chung-nhan-buoi-tiem-${session.session_date}.pdf"`)
        .header('cache-control', 'no-store')
        .send(await batchPdf(views, request.query.layout));
    },
  );
};
