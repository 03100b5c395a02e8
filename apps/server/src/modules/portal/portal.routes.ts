import fastifyMultipart from '@fastify/multipart';
import { genderSchema, isoDateSchema, portalCertificateSchema, SCREENING_ANSWERS } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicAccess } from '../../lib/access.js';
import { AppError } from '../../lib/errors.js';
import type { AuditContext } from '../audit/audit.service.js';
import { certificatePdf } from '../certificates/certificates.pdf.js';
import { getCertificate } from '../certificates/certificates.service.js';
import { enforce } from '../ratelimit/rate-limit.service.js';
import { attachEvidence, createReport, EVIDENCE_MAX_BYTES, reportForCitizen } from '../reports/reports.service.js';
import {
  LOOKUP_MIN_RESPONSE_MS,
  phoneLimitKey,
  readDownload,
  signDownload,
  startLookup,
  verifyLookup,
} from './portal.service.js';
import {
  confirmRegistration,
  PRIORITY_GROUPS,
  REGISTRATION_QR_PREFIX,
  startRegistration,
} from './registrations.service.js';

const publicAudit = (request: { id: string; ip: string }): AuditContext => ({
  actorId: null,
  actorUsername: 'public',
  actorRole: null,
  requestId: request.id,
  ip: request.ip,
});

const personFields = {
  fullName: z.string().trim().min(1).max(100),
  dateOfBirth: isoDateSchema,
  gender: genderSchema,
  phone: z.string().trim().min(1).max(30),
};

/**
 * What reading a multipart body threw, as a client error: the plugin's own errors carry a 4xx
 * status (too large, too many parts…) and go on as they are; the parser's plain errors (no
 * boundary, a body cut short, a malformed part header) are the sender's fault, answered 400.
 */
function malformedMultipart(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return err;
  return new AppError('validation_failed', {
    publicCode: 'malformed_multipart',
    message: {
      vi: 'Dữ liệu tải lên không đúng định dạng multipart/form-data.',
      en: 'The upload is not a well-formed multipart/form-data body.',
    },
  });
}

/** The public portal: certificate look-up with OTP, reports, registration (no auth; see api-contract.md). */
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
        body: z.object({ ...personFields, idNumber: z.string().trim().max(30).optional() }),
        response: { 202: z.object({ lookupId: z.string() }) },
      },
    },
    async (request, reply) => {
      const started = Date.now();
      const lookupId = await startLookup(app.db, deps(), publicAudit(request), request.body, request.ip);
      // Matched or not, answer after the same minimum time (plus a little jitter).
      const wait = LOOKUP_MIN_RESPONSE_MS + Math.random() * 50 - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
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
        params: z.object({ lookupId: z.string().min(1).max(64) }),
        body: z.object({ otp: z.string().trim().max(12) }),
        response: { 200: portalCertificateSchema },
      },
    },
    async (request) => {
      const personId = await verifyLookup(
        app.db,
        deps(),
        publicAudit(request),
        request.params.lookupId,
        request.body.otp,
        request.ip,
      );
      const view = await getCertificate(
        app.db,
        { keys: app.deps.keys, clock: app.deps.clock },
        publicAudit(request),
        personId,
      );
      const token = signDownload(app.deps.portalSecret, personId, app.deps.clock());
      return { ...view, pdfUrl: `/api/portal/certificates/pdf?token=${encodeURIComponent(token)}` };
    },
  );

  app.get(
    '/api/portal/certificates/pdf',
    {
      config: publicAccess(),
      schema: {
        tags: ['portal'],
        summary: 'The certificate PDF behind a link from a verified look-up (valid 10 minutes)',
        querystring: z.object({ token: z.string().min(10).max(400), layout: z.enum(['a4', 'card']).default('a4') }),
      },
    },
    async (request, reply) => {
      const personId = readDownload(app.deps.portalSecret, request.query.token, app.deps.clock());
      if (!personId)
        throw new AppError('not_found', {
          message: {
            vi: 'Liên kết tải đã hết hạn, vui lòng tra cứu lại.',
            en: 'The download link has expired; please look up again.',
          },
        });
      const view = await getCertificate(
        app.db,
        { keys: app.deps.keys, clock: app.deps.clock },
        publicAudit(request),
        personId,
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
        body: z.object({
          category: z.enum(['missing_dose', 'wrong_dose', 'wrong_personal_info', 'other']),
          ...personFields,
          idNumber: z.string().trim().max(30).optional(),
          description: z.string().trim().min(1).max(2000),
          provinceCode: z
            .string()
            .regex(/^\d{2}$/)
            .optional(),
          dose: z
            .object({
              administeredOn: isoDateSchema.optional(),
              vaccineCode: z.string().max(40).optional(),
              facilityId: z.string().max(40).optional(),
            })
            .optional(),
        }),
        response: {
          201: z.object({ trackingCode: z.string(), receivedAt: z.string(), dueAt: z.string(), status: z.string() }),
        },
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
      const r = await createReport(app.db, deps(), publicAudit(request), request.body);
      return reply.status(201).send({
        trackingCode: r.tracking_code,
        receivedAt: r.received_at.toISOString(),
        dueAt: r.due_at.toISOString(),
        status: r.status,
      });
    },
  );

  app.get(
    '/api/portal/reports/:trackingCode',
    {
      config: publicAccess(),
      schema: {
        tags: ['portal'],
        summary: 'The status of a report, by tracking code and the phone given',
        params: z.object({ trackingCode: z.string().min(4).max(20) }),
        querystring: z.object({ phone: z.string().min(1).max(30) }),
        response: {
          200: z.object({
            trackingCode: z.string(),
            status: z.string(),
            category: z.string(),
            receivedAt: z.string(),
            dueAt: z.string(),
            resolvedAt: z.string().nullable(),
            outcome: z.string().nullable(),
            outcomeReason: z.string().nullable(),
            outcomeNote: z.string().nullable(),
            hasEvidence: z.boolean(),
          }),
        },
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
      if (!r)
        throw new AppError('not_found', {
          message: {
            vi: 'Không tìm thấy phản ánh với mã và số điện thoại này.',
            en: 'No report has this code and phone number.',
          },
        });
      return {
        trackingCode: r.tracking_code,
        status: r.status,
        category: r.category,
        receivedAt: r.received_at.toISOString(),
        dueAt: r.due_at.toISOString(),
        resolvedAt: r.resolved_at?.toISOString() ?? null,
        outcome: r.outcome,
        outcomeReason: r.outcome_reason,
        outcomeNote: r.outcome_note,
        hasEvidence: r.evidence_path !== null,
      };
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
        params: z.object({ trackingCode: z.string().min(4).max(20) }),
        consumes: ['multipart/form-data'],
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
      if (!bytes?.length)
        throw new AppError('validation_failed', {
          field: 'photo',
          message: { vi: 'Chưa chọn ảnh.', en: 'No photo was sent.' },
        });
      await attachEvidence(app.db, deps(), publicAudit(request), {
        trackingCode: request.params.trackingCode,
        phone,
        bytes,
      });
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
        body: z.object({
          ...personFields,
          idNumber: z.string().trim().min(1).max(30),
          healthInsuranceNumber: z.string().trim().max(20).optional(),
          occupation: z.string().trim().max(120).optional(),
          priorityGroup: z.enum(PRIORITY_GROUPS),
          provinceCode: z.string().regex(/^\d{2}$/),
          districtCode: z
            .string()
            .regex(/^\d{3}$/)
            .optional(),
          communeCode: z
            .string()
            .regex(/^\d{5}$/)
            .optional(),
          ethnicity: z.string().trim().max(60).optional(),
          nationality: z
            .string()
            .regex(/^[A-Z]{2}$/)
            .default('VN'),
          preferredDate: isoDateSchema.optional(),
          checklist: z.record(z.string().max(60), z.enum(SCREENING_ANSWERS)),
          consent: z.boolean(),
        }),
        response: { 202: z.object({ registrationId: z.string() }) },
      },
    },
    async (request, reply) => {
      const id = await startRegistration(app.db, deps(), publicAudit(request), request.body, request.ip);
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
        params: z.object({ id: z.string().min(1).max(64) }),
        body: z.object({ otp: z.string().trim().max(12) }),
        response: {
          200: z.object({
            code: z.string(),
            qr: z.string(),
            status: z.string(),
            fullName: z.string(),
            provinceCode: z.string(),
          }),
        },
      },
    },
    async (request) => {
      const r = await confirmRegistration(
        app.db,
        deps(),
        publicAudit(request),
        request.params.id,
        request.body.otp,
        request.ip,
      );
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
