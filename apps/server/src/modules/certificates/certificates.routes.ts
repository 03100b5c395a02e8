import { certificateSchema } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ALL_STAFF, publicAccess, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { readPerson } from '../people/people.service.js';
import { certificatePdf } from './certificates.pdf.js';
import { certificateState, getCertificate } from './certificates.service.js';
import { trustList } from './keys.service.js';

const idParam = z.object({ id: z.string().min(1).max(64) });

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
        params: idParam,
        response: { 200: certificateSchema },
      },
    },
    async (request) => {
      const person = await readPerson(app.db, actorOf(request), auditContextOf(request), request.params.id);
      return getCertificate(app.db, deps(), auditContextOf(request), person.id);
    },
  );

  app.get(
    '/api/people/:id/certificate.pdf',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: ['certificates'],
        summary: 'The certificate as PDF (A4 or card)',
        params: idParam,
        querystring: z.object({ layout: z.enum(['a4', 'card']).default('a4') }),
      },
    },
    async (request, reply) => {
      const person = await readPerson(app.db, actorOf(request), auditContextOf(request), request.params.id);
      const view = await getCertificate(app.db, deps(), auditContextOf(request), person.id);
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
        response: {
          200: z.object({
            keys: z.array(
              z.object({
                kid: z.string(),
                alg: z.literal('ES256'),
                publicKeyPem: z.string(),
                certificatePem: z.string(),
                keyUsage: z.array(z.string()),
                active: z.boolean(),
              }),
            ),
          }),
        },
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
        querystring: z.object({ ci: z.string().min(10).max(100) }),
      },
    },
    async (request) =>
      certificateState(
        app.db,
        deps(),
        { actorId: null, actorUsername: 'public:verifier', actorRole: null, requestId: request.id, ip: request.ip },
        request.query.ci,
      ),
  );

  app.post(
    '/api/certificates/keys/rotate',
    {
      config: staffAccess(['national_admin'], 'national'),
      schema: {
        tags: ['certificates'],
        summary: 'Rotate the signing key (old keys stay trusted until their certificates expire)',
        response: { 200: z.object({ kid: z.string() }) },
      },
    },
    async (request) => ({ kid: await app.deps.keys.rotate(app.db, auditContextOf(request), app.deps.clock()) }),
  );
};
