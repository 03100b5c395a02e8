import {
  ACCEPTANCE_RULES,
  anchorKeysSchema,
  countryCodeSchema,
  idParamsSchema,
  trustAnchorSchema,
  trustAnchorsBodySchema,
  trustAnchorsImportedSchema,
  verifyBodySchema,
  verifyResultSchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unitOfWork } from '../../db/transaction.js';
import { publicAccess, staffAccess } from '../../lib/access.js';
import { auditContextOf } from '../audit/audit.service.js';
import { certificateState } from '../certificates/certificates.service.js';
import { enforce } from '../ratelimit/rate-limit.service.js';
import {
  anchorKeys,
  forgetVerificationKeys,
  importAnchors,
  listAnchors,
  removeAnchor,
  verifyQr,
} from './trust.service.js';

/** Verifications per client address per minute (a venue's gate scans a few a second at most). */
export const VERIFY_LIMIT = { max: 600, windowMs: 60_000 } as const;

/**
 * Verifying certificates of any country (`POST /api/verify`, public), the keys a verifier trusts
 * (`GET /api/verify/trust-list`, public), and the foreign trust anchors national administrators
 * keep (`/api/admin/trust-anchors`).
 */
export const trustRoutes: FastifyPluginAsyncZod = async (app) => {
  const now = () => app.deps.clock();

  app.post(
    '/api/verify',
    {
      config: publicAccess(),
      schema: {
        tags: ['verification'],
        summary:
          'Verify an EU DCC QR (HC1:) of any trusted country: signature, key, validity, and whether a correction replaced it',
        body: verifyBodySchema,
        response: { 200: verifyResultSchema },
      },
    },
    async (request) => {
      await enforce(app.db, [{ key: `verify:ip:${request.ip}`, ...VERIFY_LIMIT }], now());
      const audit = {
        actorId: null,
        actorUsername: 'public',
        actorRole: null,
        requestId: request.id,
        ip: request.ip,
      };
      const deps = { keys: app.deps.keys, clock: app.deps.clock };
      return verifyQr(app.db, request.body.qr, request.body.destination, now(), (ci) =>
        unitOfWork(app.db, (trx) => certificateState(trx, deps, audit, ci)),
      );
    },
  );

  app.get(
    '/api/verify/trust-list',
    {
      config: publicAccess(),
      schema: {
        tags: ['verification'],
        summary: "Every key a verifier trusts, with its country: the platform's and the imported foreign anchors",
        response: { 200: anchorKeysSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return anchorKeys(app.db, now());
    },
  );

  app.get(
    '/api/verify/rules/:country',
    {
      config: publicAccess(),
      schema: {
        tags: ['verification'],
        summary: "A destination's acceptance rules in the EU business-rule format (CertLogic), for offline verifiers",
        params: z.object({ country: countryCodeSchema }),
        response: { 200: z.object({ rules: z.array(z.record(z.string(), z.unknown())) }) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return { rules: (ACCEPTANCE_RULES[request.params.country] ?? []).map((r) => ({ ...r })) };
    },
  );

  app.get(
    '/api/admin/trust-anchors',
    {
      config: staffAccess(['national_admin'], 'national'),
      schema: {
        tags: ['verification'],
        summary: 'The foreign trust anchors (Document Signer Certificates of other states)',
        response: { 200: z.object({ items: z.array(trustAnchorSchema) }) },
      },
    },
    async () => ({ items: await listAnchors(app.db) }),
  );

  app.post(
    '/api/admin/trust-anchors',
    {
      config: staffAccess(['national_admin'], 'national'),
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['verification'],
        summary:
          'Import foreign trust anchors: {"country","certificatePem"}, or a list in the EU gateway’s JSON form ([{"country","rawData",…}])',
        body: trustAnchorsBodySchema,
        response: { 200: trustAnchorsImportedSchema },
      },
    },
    async (request) => {
      const imported = await unitOfWork(app.db, (trx) =>
        importAnchors(trx, auditContextOf(request), request.body, now()),
      );
      forgetVerificationKeys(app.db);
      return imported;
    },
  );

  app.delete(
    '/api/admin/trust-anchors/:id',
    {
      config: staffAccess(['national_admin'], 'national'),
      schema: { tags: ['verification'], summary: 'Remove a foreign trust anchor', params: idParamsSchema },
    },
    async (request, reply) => {
      await unitOfWork(app.db, (trx) => removeAnchor(trx, auditContextOf(request), request.params.id, now()));
      forgetVerificationKeys(app.db);
      return reply.status(204).send();
    },
  );
};
