import { createUserBodySchema, listOf, SUPERVISOR_ROLES, userSchema } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { createUser, listUsers, planNewUser, presentUser } from './users.service.js';

/** Staff users, managed by administrators (api-contract.md, Users). */
export const usersRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/users',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'body-units'),
      schema: {
        tags: ['users'],
        summary: 'Create a staff user',
        body: createUserBodySchema,
        response: { 201: userSchema },
      },
    },
    async (request, reply) => {
      // The password is hashed before the transaction opens.
      const planned = await planNewUser(app.db, actorOf(request), request.body);
      const user = await unitOfWork(app.db, (trx) => createUser(trx, auditContextOf(request), planned));
      return reply.status(201).send(presentUser(user));
    },
  );

  app.get(
    '/api/users',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'own-units'),
      schema: { tags: ['users'], summary: 'Staff users in the caller’s scope', response: { 200: listOf(userSchema) } },
    },
    async (request) => ({ items: (await listUsers(app.db, actorOf(request))).map(presentUser) }),
  );
};
