import {
  idParamsSchema,
  passportConfirmBodySchema,
  passportConfirmResultSchema,
  passportListQuerySchema,
  passportListSchema,
  passportSignBodySchema,
  passportSignResultSchema,
  personPassportSchema,
  VACCINATION_ROLES,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { ALL_STAFF, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { readPerson } from '../people/people.service.js';
import { confirmPassports, listPassports, personPassport, signPassports } from './passports.service.js';

/**
 * The vaccine passport (SPEC: Vaccine passport): where a record stands, a site's confirmation, the
 * ministry's batch signature and a unit's list of records with what blocks each. The refresh job
 * (remade before expiry and after a correction) runs in app.ts.
 */
export const passportsRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = () => ({ keys: app.deps.keys, clock: app.deps.clock });

  app.get(
    '/api/people/:id/passport',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: ['passports'],
        summary: 'Where a person’s record stands on its way to a vaccine passport, what blocks it, the passport',
        params: idParamsSchema,
        response: { 200: personPassportSchema },
      },
    },
    async (request) =>
      unitOfWork(app.db, async (trx) => {
        const person = await readPerson(trx, actorOf(request), auditContextOf(request), request.params.id);
        return personPassport(trx, deps(), auditContextOf(request), person.id);
      }),
  );

  app.get(
    '/api/passports',
    {
      config: staffAccess(VACCINATION_ROLES, 'own-units'),
      schema: {
        tags: ['passports'],
        summary: 'A unit’s records on their way to a vaccine passport, by state, with what blocks each',
        querystring: passportListQuerySchema,
        response: { 200: passportListSchema },
      },
    },
    async (request) => unitOfWork(app.db, (trx) => listPassports(trx, actorOf(request), request.query)),
  );

  app.post(
    '/api/passports/confirmations',
    {
      config: staffAccess(VACCINATION_ROLES, 'person-change'),
      schema: {
        tags: ['passports'],
        summary: 'A site confirms records for a vaccine passport (each checked: blocked ones are listed with why)',
        body: passportConfirmBodySchema,
        response: { 200: passportConfirmResultSchema },
      },
    },
    async (request) => ({
      items: await unitOfWork(app.db, (trx) =>
        confirmPassports(trx, actorOf(request), auditContextOf(request), request.body.personIds, app.deps.clock()),
      ),
    }),
  );

  app.post(
    '/api/passports/signatures',
    {
      config: staffAccess(['national_admin'], 'national'),
      schema: {
        tags: ['passports'],
        summary: 'The ministry signs confirmed records in a batch: a passport valid 12 months each',
        body: passportSignBodySchema,
        response: { 200: passportSignResultSchema },
      },
    },
    async (request) =>
      unitOfWork(app.db, (trx) => signPassports(trx, deps(), actorOf(request), auditContextOf(request), request.body)),
  );
};
