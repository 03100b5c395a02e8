import fastifyMultipart from '@fastify/multipart';
import {
  certificateLookupBodySchema,
  idParamsSchema,
  lookupIdParamsSchema,
  lookupStartedSchema,
  otpBodySchema,
  portalCertificateSchema,
  portalPdfQuerySchema,
  portalRegistrationBodySchema,
  portalReportBodySchema,
  portalReportStatusSchema,
  REGISTRATION_QR_PREFIX,
  registrationConfirmationSchema,
  registrationStartedSchema,
  reportReceiptSchema,
  reportStatusQuerySchema,
  trackingCodeParamsSchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unitOfWork } from '../../db/transaction.js';
import { publicAccess } from '../../lib/access.js';
import { AppError } from '../../lib/errors.js';
import type { AuditContext } from '../audit/audit.service.js';
import { certificatePdf } from '../certificates/certificates.pdf.js';
import { getCertificate } from '../certificates/certificates.service.js';
import { enforce } from '../ratelimit/rate-limit.service.js';
import {
  createReport,
  EVIDENCE_MAX_BYTES,
  recordEvidence,
  reportForCitizen,
  reportReceipt,
  reportStatusForCitizen,
  storeEvidence,
} from '../reports/reports.service.js';
import {
  invalidOtp,
  lookupLimits,
  otpGuessLimits,
  padAnswerTime,
  phoneLimitKey,
  readDownload,
  signDownload,
  startLookup,
  verifyLookup,
} from './portal.service.js';
import {
  checkRegistration,
  confirmRegistration,
  registrationLimits,
  startRegistration,
} from './registrations.service.js';

const publicAudit = (request: { id: string; ip: string }): AuditContext => ({
  actorId: null,
  actorUsername: 'public',
  actorRole: null,
  requestId: request.id,
  ip: request.ip,
});

/**
 * What reading a multipart body threw, as a client error: the plugin's own errors carry a 4xx
 * status (too large, too many parts…) and go on as they are; the parser's plain errors (no
 * boundary, a body cut short, a malformed part header) are the sender's fault, answered 400.
 */
function malformedMultipart(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return err;
  return new AppError('malformed_multipart');
}

/**
 * The public portal: certificate look-up with OTP, reports, registration (no auth; see
 * api-contract.md). Rate limits are counted with `enforce` on the database itself, before the
 * request's transaction: a request refused or failing later still counts.
 */
export const portalRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(fastifyMultipart, {
    limits: { fileSize: EVIDENCE_MAX_BYTES, files: 1, fields: 4, fieldSize: 200 },
  });
  const deps = () => ({
    clock: app.deps.clock,
    sms: app.deps.sms,
    smsAscii: app.config.sms.ascii,
    secret: app.deps.portalSecret,
    evidenceDir: app.config.evidenceDir,
  });

  app.post(
    '/api/portal/certificate-lookups',
    {
      config: publicAccess(),
      schema: {
        tags: ['portal'],
        summary:
          'Tra cứu chứng nhận: an OTP goes to the phone on record only when every field matches; the answer is the same either way',
        body: certificateLookupBodySchema,
        response: { 202: lookupStartedSchema },
      },
    },
    async (request, reply) => {
      const started = Date.now();
      await enforce(app.db, lookupLimits(request.body, request.ip), app.deps.clock());
      const lookupId = await unitOfWork(app.db, (trx) =>
        startLookup(trx, deps(), publicAudit(request), request.body, request.ip),
      );
      // Matched or not, answer after the same minimum time (plus a little jitter).
      await padAnswerTime(started);
      return reply.status(202).send({ lookupId });
    },
  );

  app.post(
    '/api/portal/certificate-lookups/:lookupId/verify',
    {
      config: publicAccess(),
      schema: {
        tags: ['portal'],
        summary: 'Check the OTP; answers the certificate and a short-lived PDF link',
        params: lookupIdParamsSchema,
        body: otpBodySchema,
        response: { 200: portalCertificateSchema },
      },
    },
    async (request) => {
      await enforce(app.db, otpGuessLimits(request.ip), app.deps.clock());
      const verified = await unitOfWork(app.db, async (trx) => {
        const personId = await verifyLookup(
          trx,
          deps(),
          publicAudit(request),
          request.params.lookupId,
          request.body.otp,
        );
        if (!personId) return null;
        const certificateDeps = { keys: app.deps.keys, clock: app.deps.clock };
        return { personId, view: await getCertificate(trx, certificateDeps, publicAudit(request), personId) };
      });
      // A wrong code: its counted attempt has committed with the unit of work; now the refusal.
      if (!verified) throw invalidOtp();
      const token = signDownload(app.deps.portalSecret, verified.personId, app.deps.clock());
      return { ...verified.view, pdfUrl: `/api/portal/certificates/pdf?token=${encodeURIComponent(token)}` };
    },
  );

  app.get(
    '/api/portal/certificates/pdf',
    {
      config: publicAccess(),
      schema: {
        tags: ['portal'],
        summary: 'The certificate PDF behind a link from a verified look-up (valid 10 minutes)',
        querystring: portalPdfQuerySchema,
      },
    },
    async (request, reply) => {
      const personId = readDownload(app.deps.portalSecret, request.query.token, app.deps.clock());
      if (!personId) throw new AppError('download_link_expired');
      const view = await unitOfWork(app.db, (trx) =>
        getCertificate(trx, { keys: app.deps.keys, clock: app.deps.clock }, publicAudit(request), personId),
      );
      return reply
        .type('application/pdf')
        .header('content-disposition', 'attachment; filename="chung-nhan-tiem-chung-covid-19.pdf"')
        .header('cache-control', 'no-store')
        .send(await certificatePdf(view, request.query.layout));
    },
  );

  app.post(
    '/api/portal/reports',
    {
      config: publicAccess(),
      schema: {
        tags: ['portal'],
        summary: 'Phản ánh thông tin: report a missing or wrong dose or wrong personal details',
        body: portalReportBodySchema,
        response: { 201: reportReceiptSchema },
      },
    },
    async (request, reply) => {
      // The receipt goes by SMS to the phone given: limited per phone too, not only per address.
      await enforce(
        app.db,
        [
          { key: `report:ip:${request.ip}`, max: 20, windowMs: 60 * 60_000 },
          { key: phoneLimitKey('report:phone', request.body.phone), max: 5, windowMs: 60 * 60_000 },
        ],
        app.deps.clock(),
      );
      const r = await unitOfWork(app.db, (trx) => createReport(trx, deps(), publicAudit(request), request.body));
      return reply.status(201).send(reportReceipt(r));
    },
  );

  app.get(
    '/api/portal/reports/:trackingCode',
    {
      config: publicAccess(),
      schema: {
        tags: ['portal'],
        summary: 'The status of a report, by tracking code and the phone given',
        params: trackingCodeParamsSchema,
        querystring: reportStatusQuerySchema,
        response: { 200: portalReportStatusSchema },
      },
    },
    async (request) => {
      await enforce(
        app.db,
        [
          { key: `report-status:ip:${request.ip}`, max: 60, windowMs: 15 * 60_000 },
          // Phone numbers tried against one tracking code, from any number of addresses.
          {
            key: `report-status:code:${request.params.trackingCode.trim().toUpperCase()}`,
            max: 20,
            windowMs: 15 * 60_000,
          },
        ],
        app.deps.clock(),
      );
      const r = await reportForCitizen(app.db, request.params.trackingCode, request.query.phone);
      if (!r) throw new AppError('report_not_found');
      return reportStatusForCitizen(r);
    },
  );

  app.post(
    '/api/portal/reports/:trackingCode/evidence',
    {
      config: publicAccess(),
      bodyLimit: EVIDENCE_MAX_BYTES + 64 * 1024,
      schema: {
        tags: ['portal'],
        summary: 'Attach a photo of the paper confirmation (multipart: phone, photo; JPEG/PNG ≤ 5 MB)',
        params: trackingCodeParamsSchema,
        consumes: ['multipart/form-data'],
        multipartBody: z.object({
          phone: z.string().describe('The phone number the report was made with'),
          photo: z.file().mime(['image/jpeg', 'image/png']).describe('The photo, JPEG or PNG, 5 MB at most'),
        }),
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('unsupported_media_type');
      await enforce(
        app.db,
        [
          { key: `evidence:ip:${request.ip}`, max: 10, windowMs: 60 * 60_000 },
          { key: `evidence:code:${request.params.trackingCode.trim().toUpperCase()}`, max: 10, windowMs: 60 * 60_000 },
        ],
        app.deps.clock(),
      );
      let phone: string | undefined;
      let bytes: Buffer | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field' && part.fieldname === 'phone') phone = String(part.value);
          else if (part.type === 'file' && part.fieldname === 'photo') bytes = await part.toBuffer();
          else if (part.type === 'file') await part.toBuffer();
        }
      } catch (err) {
        throw malformedMultipart(err);
      }
      if (!phone) throw new AppError('validation_failed', { field: 'phone' });
      if (!bytes?.length) throw new AppError('photo_required', { field: 'photo' });
      // The photo is decoded, re-encoded and written before the transaction opens: none waits on it.
      const stored = await storeEvidence(app.db, deps(), { trackingCode: request.params.trackingCode, phone, bytes });
      await unitOfWork(app.db, (trx) => recordEvidence(trx, publicAudit(request), stored));
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/portal/registrations',
    {
      config: publicAccess(),
      schema: {
        tags: ['portal'],
        summary: 'Đăng ký tiêm: register for a dose; an OTP confirms the phone',
        body: portalRegistrationBodySchema,
        response: { 202: registrationStartedSchema },
      },
    },
    async (request, reply) => {
      const checked = await checkRegistration(app.db, deps(), request.body);
      await enforce(app.db, registrationLimits(checked, request.ip), app.deps.clock());
      const id = await unitOfWork(app.db, (trx) => startRegistration(trx, deps(), publicAudit(request), checked));
      return reply.status(202).send({ registrationId: id });
    },
  );

  app.post(
    '/api/portal/registrations/:id/verify',
    {
      config: publicAccess(),
      schema: {
        tags: ['portal'],
        summary: 'Confirm a registration with its OTP; answers the code and the check-in QR text',
        params: idParamsSchema,
        body: otpBodySchema,
        response: { 200: registrationConfirmationSchema },
      },
    },
    async (request) => {
      await enforce(app.db, otpGuessLimits(request.ip), app.deps.clock());
      const r = await unitOfWork(app.db, (trx) =>
        confirmRegistration(trx, deps(), publicAudit(request), request.params.id, request.body.otp),
      );
      // A wrong code: its counted attempt has committed with the unit of work; now the refusal.
      if (!r) throw invalidOtp();
      return {
        code: r.code,
        qr: `${REGISTRATION_QR_PREFIX}${r.code}`,
        status: r.status,
        fullName: r.full_name,
        provinceCode: r.province_code,
      };
    },
  );
};
