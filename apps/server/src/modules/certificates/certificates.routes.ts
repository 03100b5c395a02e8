import { X509Certificate } from 'node:crypto';
import {
  certificateSchema,
  certificateStateSchema,
  certificateStatusQuerySchema,
  cscaRotatedSchema,
  euTrustListSchema,
  idParamsSchema,
  issuedCertificateSchema,
  keyRotatedSchema,
  listOf,
  pdfLayoutQuerySchema,
  signingKeysResponseSchema,
  trustListResponseSchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { ALL_STAFF, publicAccess, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { readPerson } from '../people/people.service.js';
import { certificatePdf } from './certificates.pdf.js';
import { certificateState, getCertificate } from './certificates.service.js';
import { cscaCertificates, listSigningKeys, trustList } from './keys.service.js';
import { certificatesOfPerson } from './person-certificates.js';

/** Certificates: staff views and PDFs, the public trust list and status look-up (api-contract.md). */
export const certificatesRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = () => ({ keys: app.deps.keys, clock: app.deps.clock });

  app.get(
    '/api/people/:id/certificate',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: ['certificates'],
        summary: 'A person’s certificate (status, doses, signed QR, passport blockers)',
        params: idParamsSchema,
        response: { 200: certificateSchema },
      },
    },
    // One unit of work: the read's audit entry and a certificate (re)issued as it is read.
    async (request) =>
      unitOfWork(app.db, async (trx) => {
        const person = await readPerson(trx, actorOf(request), auditContextOf(request), request.params.id);
        return getCertificate(trx, deps(), auditContextOf(request), person.id);
      }),
  );

  app.get(
    '/api/people/:id/certificates',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: ['certificates'],
        summary: 'The certificates issued to a person, the current one first: valid, superseded (when, why) or expired',
        params: idParamsSchema,
        response: { 200: listOf(issuedCertificateSchema) },
      },
    },
    // One unit of work: the record's read and this list are audited together.
    async (request) => ({
      items: await unitOfWork(app.db, (trx) =>
        certificatesOfPerson(trx, actorOf(request), auditContextOf(request), request.params.id, app.deps.clock()),
      ),
    }),
  );

  app.get(
    '/api/people/:id/certificate.pdf',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: ['certificates'],
        summary: 'The certificate as PDF (A4 or card)',
        params: idParamsSchema,
        querystring: pdfLayoutQuerySchema,
      },
    },
    async (request, reply) => {
      const { person, view } = await unitOfWork(app.db, async (trx) => {
        const person = await readPerson(trx, actorOf(request), auditContextOf(request), request.params.id);
        return { person, view: await getCertificate(trx, deps(), auditContextOf(request), person.id) };
      });
      const pdf = await certificatePdf(view, request.query.layout);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="chung-nhan-tiem-chung-${person.id}.pdf"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );

  app.get(
    '/api/certificates/trust-list',
    {
      config: publicAccess(),
      schema: {
        tags: ['certificates'],
        summary: 'Public keys that verify the platform’s certificate QR codes (no auth)',
        response: { 200: trustListResponseSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return {
        keys: (await trustList(app.db, app.deps.clock())).map((k) => ({
          ...k,
          alg: 'ES256' as const,
          keyUsage: [...(k.keyUsage ?? [])],
        })),
      };
    },
  );

  app.get(
    '/api/certificates/status',
    {
      config: { ...publicAccess(), rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['certificates'],
        summary:
          'Online check of a certificate identifier: current, superseded (reissued after a correction), expired or unknown',
        querystring: certificateStatusQuerySchema,
        response: { 200: certificateStateSchema },
      },
    },
    async (request) =>
      unitOfWork(app.db, (trx) =>
        certificateState(
          trx,
          deps(),
          { actorId: null, actorUsername: 'public:verifier', actorRole: null, requestId: request.id, ip: request.ip },
          request.query.ci,
        ),
      ),
  );

  app.get(
    '/api/certificates/trust-list/eu',
    {
      config: publicAccess(),
      schema: {
        tags: ['certificates'],
        summary:
          "The national CSCAs and the DSCs they signed, in the EU gateway's trust-list form (certificateType, rawData, thumbprint)",
        response: { 200: euTrustListSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      const now = app.deps.clock();
      const item = (pem: string, certificateType: 'CSCA' | 'DSC', timestamp: Date, kid?: string) => {
        const cert = new X509Certificate(pem);
        return {
          ...(kid ? { kid } : {}),
          timestamp: timestamp.toISOString(),
          country: 'VN',
          certificateType,
          thumbprint: cert.fingerprint256.replaceAll(':', '').toLowerCase(),
          rawData: cert.raw.toString('base64'),
        };
      };
      const cscas = await cscaCertificates(app.db, now);
      const keys = await trustList(app.db, now);
      return [
        ...cscas.map((c) => item(c.certificatePem, 'CSCA', new X509Certificate(c.certificatePem).validFromDate)),
        ...keys.map((k) => item(k.certificatePem, 'DSC', new X509Certificate(k.certificatePem).validFromDate, k.kid)),
      ];
    },
  );

  app.post(
    '/api/certificates/csca/rotate',
    {
      config: staffAccess(['national_admin'], 'national'),
      schema: {
        tags: ['certificates'],
        summary:
          'Make a new national CSCA and a new signing key under it (earlier ones stay published while their certificates are valid)',
        response: { 200: cscaRotatedSchema },
      },
    },
    async (request) =>
      unitOfWork(app.db, async (trx) => {
        const audit = auditContextOf(request);
        const cscaId = await app.deps.keys.rotateCsca(trx, audit, app.deps.clock());
        const kid = await app.deps.keys.rotate(trx, audit, app.deps.clock());
        return { cscaId, kid };
      }),
  );

  app.post(
    '/api/certificates/keys/rotate',
    {
      config: staffAccess(['national_admin'], 'national'),
      schema: {
        tags: ['certificates'],
        summary: 'Rotate the signing key (old keys stay trusted until their certificates expire)',
        response: { 200: keyRotatedSchema },
      },
    },
    async (request) => ({
      kid: await unitOfWork(app.db, (trx) => app.deps.keys.rotate(trx, auditContextOf(request), app.deps.clock())),
    }),
  );

  app.get(
    '/api/certificates/keys',
    {
      config: staffAccess(['national_admin'], 'national'),
      schema: {
        tags: ['certificates'],
        summary:
          'Every signing key, newest first: dates, trust-list status and its X.509 certificate (no private part)',
        response: { 200: signingKeysResponseSchema },
      },
    },
    async () => ({ items: await listSigningKeys(app.db, app.deps.clock()) }),
  );
};
