import {
  addMemberBodySchema,
  addMemberStartedSchema,
  checkInTokenSchema,
  healthBookDevicesSchema,
  healthBookRevocationBodySchema,
  healthBookRevocationSchema,
  healthBookSignedInSchema,
  healthBookSignInBodySchema,
  healthBookSignInStartedSchema,
  healthBookVerifyBodySchema,
  householdMemberSchema,
  householdReportBodySchema,
  householdReportReceiptSchema,
  householdSchema,
  idParamsSchema,
  maskPhone,
  memberParamsSchema,
  memberRequestParamsSchema,
  portalPdfQuerySchema,
  reminderBodySchema,
  reminderSchema,
  signInIdParamsSchema,
} from '@tiemchung/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { HealthBookDeviceRow } from '../../db/schema.js';
import { unitOfWork } from '../../db/transaction.js';
import { publicAccess, staffAccess } from '../../lib/access.js';
import { AppError } from '../../lib/errors.js';
import { type AuditContext, auditContextOf } from '../audit/audit.service.js';
import { requireSameOriginForCookie } from '../auth/auth.guard.js';
import { certificatePdf } from '../certificates/certificates.pdf.js';
import { getCertificate } from '../certificates/certificates.service.js';
import { invalidOtp, otpGuessLimits, padAnswerTime, phoneLimitKey } from '../portal/portal.service.js';
import { enforce } from '../ratelimit/rate-limit.service.js';
import { reportReceipt } from '../reports/reports.service.js';
import {
  authenticateDevice,
  BOOK_COOKIE,
  BOOK_COOKIE_PATH,
  BOOK_LIMITS,
  type BookDeps,
  fileHouseholdReport,
  issueCheckInToken,
  listDevices,
  memberId,
  presentDevice,
  readHousehold,
  removeMember,
  revokeDevice,
  revokePhone,
  setReminder,
  startAddMember,
  startSignIn,
  verifyAddMember,
  verifySignIn,
} from './health-book.service.js';

/** The book's collaborators, from the app (its routes and its reminder job). */
export function bookDeps(app: FastifyInstance): BookDeps {
  return {
    clock: app.deps.clock,
    sms: app.deps.sms,
    smsAscii: app.config.sms.ascii,
    secret: app.deps.portalSecret,
    certificates: { keys: app.deps.keys, clock: app.deps.clock },
    evidenceDir: app.config.evidenceDir,
    log: app.log,
  };
}

/** Who acts through the book: the device (no staff account), for the audit log. */
function deviceAudit(request: FastifyRequest, device: HealthBookDeviceRow | null): AuditContext {
  return {
    actorId: null,
    actorUsername: device ? `health-book:${device.id}` : 'health-book',
    actorRole: null,
    requestId: request.id,
    ip: request.ip,
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The e-health book device of the request's `tc_book` cookie (routes with the `household` rule). */
    bookDevice?: HealthBookDeviceRow;
  }
}

/**
 * The device of the request's book cookie, or 401 `health_book_signed_out`; a state-changing request
 * carrying it must come from a page of this origin (403 otherwise). An `onRequest` hook: before
 * the body is read.
 */
async function requireDevice(request: FastifyRequest): Promise<void> {
  const token = request.cookies[BOOK_COOKIE];
  const device = token ? await authenticateDevice(request.server.db, token, request.server.deps.clock()) : null;
  if (!device) throw new AppError('health_book_signed_out');
  requireSameOriginForCookie(request, 'cookie');
  request.bookDevice = device;
}

function deviceOf(request: FastifyRequest): HealthBookDeviceRow {
  if (!request.bookDevice) throw new AppError('health_book_signed_out');
  return request.bookDevice;
}

function setBookCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  reply.setCookie(BOOK_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: BOOK_COOKIE_PATH, expires });
}

/**
 * The e-health book's API (`/api/health-book/…`): signing a device in with a phone and an OTP, the
 * household's members, certificates, next doses, reminders, check-in QR tokens, reports and
 * devices. Every route but signing in needs the device's cookie and reaches only its household
 * (scope rule `household`); the national administrators' revocation is a staff route.
 */
export const healthBookRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = () => bookDeps(app);
  const secure = app.config.env === 'production';
  const household = publicAccess('household');

  app.post(
    '/api/health-book/sign-in',
    {
      config: publicAccess(),
      schema: {
        tags: ['health-book'],
        summary: 'Sign a device in to the e-health book: an OTP goes to the phone when a record carries it',
        body: healthBookSignInBodySchema,
        response: { 202: healthBookSignInStartedSchema },
      },
    },
    async (request, reply) => {
      const started = Date.now();
      await enforce(
        app.db,
        [
          { key: `book-sign-in:ip:${request.ip}`, ...BOOK_LIMITS.signInPerIp },
          { key: phoneLimitKey('book-sign-in:phone', request.body.phone), ...BOOK_LIMITS.signInPerPhone },
        ],
        app.deps.clock(),
      );
      const signInId = await unitOfWork(app.db, (trx) =>
        startSignIn(trx, deps(), deviceAudit(request, null), request.body.phone, request.ip),
      );
      // A phone with records or without, answer after the same minimum time (as the portal's look-up).
      await padAnswerTime(started);
      return reply.status(202).send({ signInId });
    },
  );

  app.post(
    '/api/health-book/sign-in/:signInId/verify',
    {
      config: publicAccess(),
      schema: {
        tags: ['health-book'],
        summary: 'Check the OTP: the device is signed in (the tc_book cookie, months long)',
        params: signInIdParamsSchema,
        body: healthBookVerifyBodySchema,
        response: { 200: healthBookSignedInSchema },
      },
    },
    async (request, reply) => {
      await enforce(app.db, otpGuessLimits(request.ip), app.deps.clock());
      const signedIn = await unitOfWork(app.db, (trx) =>
        verifySignIn(trx, deps(), deviceAudit(request, null), {
          signInId: request.params.signInId,
          otp: request.body.otp,
          deviceName: request.body.deviceName,
          userAgent: request.headers['user-agent'],
        }),
      );
      // A wrong code: its counted attempt has committed with the unit of work; now the refusal.
      if (!signedIn) throw invalidOtp();
      setBookCookie(reply, signedIn.token, signedIn.device.expires_at, secure);
      return {
        device: presentDevice(signedIn.device, signedIn.device.id),
        phoneMasked: maskPhone(signedIn.device.phone),
      };
    },
  );

  app.get(
    '/api/health-book/household',
    {
      config: household,
      onRequest: requireDevice,
      schema: {
        tags: ['health-book'],
        summary: "The household's members with their certificates, next doses and reports (the book's sync)",
        response: { 200: householdSchema },
      },
    },
    async (request, reply) => {
      const device = deviceOf(request);
      const answer = await unitOfWork(app.db, (trx) =>
        readHousehold(trx, deps(), deviceAudit(request, device), device),
      );
      return reply.header('cache-control', 'no-store').send(answer);
    },
  );

  app.post(
    '/api/health-book/members',
    {
      config: household,
      onRequest: requireDevice,
      schema: {
        tags: ['health-book'],
        summary: "Add a member by ID number and date of birth: an OTP goes to the phone on the member's record",
        body: addMemberBodySchema,
        response: { 202: addMemberStartedSchema },
      },
    },
    async (request, reply) => {
      const started = Date.now();
      const device = deviceOf(request);
      await enforce(app.db, [{ key: `book-add:device:${device.id}`, ...BOOK_LIMITS.addPerDevice }], app.deps.clock());
      const requestId = await unitOfWork(app.db, (trx) =>
        startAddMember(trx, deps(), deviceAudit(request, device), device, request.body, request.ip),
      );
      // On record or not, answer after the same minimum time (as sign-in and the certificate look-up).
      await padAnswerTime(started);
      return reply.status(202).send({ requestId });
    },
  );

  app.post(
    '/api/health-book/members/:requestId/verify',
    {
      config: household,
      onRequest: requireDevice,
      schema: {
        tags: ['health-book'],
        summary: 'Confirm adding a member with the OTP sent to their phone',
        params: memberRequestParamsSchema,
        body: healthBookVerifyBodySchema.pick({ otp: true }),
        response: { 200: householdMemberSchema },
      },
    },
    async (request) => {
      const device = deviceOf(request);
      await enforce(app.db, otpGuessLimits(request.ip), app.deps.clock());
      const member = await unitOfWork(app.db, (trx) =>
        verifyAddMember(trx, deps(), deviceAudit(request, device), device, request.params.requestId, request.body.otp),
      );
      if (!member) throw invalidOtp();
      return member;
    },
  );

  app.delete(
    '/api/health-book/members/:personId',
    {
      config: household,
      onRequest: requireDevice,
      schema: {
        tags: ['health-book'],
        summary: "Remove a member from the household's book (the record is untouched)",
        params: memberParamsSchema,
      },
    },
    async (request, reply) => {
      const device = deviceOf(request);
      await unitOfWork(app.db, (trx) =>
        removeMember(trx, deps(), deviceAudit(request, device), device, request.params.personId),
      );
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/health-book/members/:personId/certificate.pdf',
    {
      config: household,
      onRequest: requireDevice,
      schema: {
        tags: ['health-book'],
        summary: "A member's certificate as a PDF (A4 or card)",
        params: memberParamsSchema,
        querystring: portalPdfQuerySchema.pick({ layout: true }),
      },
    },
    async (request, reply) => {
      const device = deviceOf(request);
      const view = await unitOfWork(app.db, async (trx) => {
        const audit = deviceAudit(request, device);
        const personId = await memberId(trx, device, request.params.personId);
        return getCertificate(trx, deps().certificates, audit, personId);
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', 'attachment; filename="chung-nhan-tiem-chung-covid-19.pdf"')
        .header('cache-control', 'no-store')
        .send(await certificatePdf(view, request.query.layout));
    },
  );

  app.post(
    '/api/health-book/members/:personId/check-in-token',
    {
      config: household,
      onRequest: requireDevice,
      schema: {
        tags: ['health-book'],
        summary: 'A short-lived check-in QR for a member (TCSK:…, signed, no personal data; 15 minutes)',
        params: memberParamsSchema,
        response: { 200: checkInTokenSchema },
      },
    },
    async (request) => {
      const device = deviceOf(request);
      return unitOfWork(app.db, (trx) =>
        issueCheckInToken(trx, deps(), deviceAudit(request, device), device, request.params.personId),
      );
    },
  );

  app.put(
    '/api/health-book/members/:personId/reminder',
    {
      config: household,
      onRequest: requireDevice,
      schema: {
        tags: ['health-book'],
        summary: "Turn the SMS reminder of a member's next dose on or off",
        params: memberParamsSchema,
        body: reminderBodySchema,
        response: { 200: reminderSchema },
      },
    },
    async (request) => {
      const device = deviceOf(request);
      return unitOfWork(app.db, (trx) =>
        setReminder(trx, deps(), deviceAudit(request, device), device, request.params.personId, request.body.enabled),
      );
    },
  );

  app.post(
    '/api/health-book/members/:personId/reports',
    {
      config: household,
      onRequest: requireDevice,
      schema: {
        tags: ['health-book'],
        summary: 'Report an error in a member’s doses or details (the portal’s report flow, pre-filled)',
        params: memberParamsSchema,
        body: householdReportBodySchema,
        response: { 201: householdReportReceiptSchema },
      },
    },
    async (request, reply) => {
      const device = deviceOf(request);
      // Receipts go by SMS to the household's phone: limited like the portal's reports per phone.
      await enforce(
        app.db,
        [{ key: phoneLimitKey('report:phone', device.phone), max: 5, windowMs: 60 * 60_000 }],
        app.deps.clock(),
      );
      const r = await unitOfWork(app.db, (trx) =>
        fileHouseholdReport(trx, deps(), deviceAudit(request, device), device, request.params.personId, request.body),
      );
      return reply.status(201).send(reportReceipt(r));
    },
  );

  app.get(
    '/api/health-book/devices',
    {
      config: household,
      onRequest: requireDevice,
      schema: {
        tags: ['health-book'],
        summary: "The phone's signed-in devices",
        response: { 200: healthBookDevicesSchema },
      },
    },
    async (request) => ({ devices: await listDevices(app.db, deviceOf(request), app.deps.clock()) }),
  );

  app.delete(
    '/api/health-book/devices/:id',
    {
      config: household,
      onRequest: requireDevice,
      schema: { tags: ['health-book'], summary: "End one of the phone's device sessions", params: idParamsSchema },
    },
    async (request, reply) => {
      const device = deviceOf(request);
      await unitOfWork(app.db, (trx) =>
        revokeDevice(trx, deps(), deviceAudit(request, device), device, request.params.id),
      );
      if (request.params.id === device.id) reply.clearCookie(BOOK_COOKIE, { path: BOOK_COOKIE_PATH });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/health-book/sign-out',
    {
      config: household,
      onRequest: requireDevice,
      schema: { tags: ['health-book'], summary: 'Sign this device out (its session ends on the server)' },
    },
    async (request, reply) => {
      const device = deviceOf(request);
      await unitOfWork(app.db, (trx) => revokeDevice(trx, deps(), deviceAudit(request, device), device, device.id));
      reply.clearCookie(BOOK_COOKIE, { path: BOOK_COOKIE_PATH });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/admin/health-book/revocations',
    {
      config: staffAccess(['national_admin'], 'national'),
      schema: {
        tags: ['health-book'],
        summary: 'End every e-health book device session of a phone (a lost phone, a reassigned number)',
        body: healthBookRevocationBodySchema,
        response: { 200: healthBookRevocationSchema },
      },
    },
    async (request) => {
      const revoked = await unitOfWork(app.db, (trx) =>
        revokePhone(trx, deps(), auditContextOf(request), request.body.phone),
      );
      return { revoked };
    },
  );
};
