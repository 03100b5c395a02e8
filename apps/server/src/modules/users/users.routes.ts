import {
  createdUserSchema,
  createUserBodySchema,
  disableUserBodySchema,
  idParamsSchema,
  listOf,
  passwordResetResultSchema,
  SUPERVISOR_ROLES,
  updateUserBodySchema,
  userListQuerySchema,
  userSchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Trx, unitOfWork } from '../../db/transaction.js';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { hashPassword } from '../../lib/passwords.js';
import { auditContextOf } from '../audit/audit.service.js';
import {
  createUser,
  disableAccount,
  enableAccount,
  getUserInScope,
  listUsers,
  makeTemporaryPassword,
  planAccount,
  type presentUser,
  presentUsers,
  resetAccountPassword,
  updateAccount,
} from './users.service.js';

/**
 * What this module needs of staff sessions, which the auth module owns (and which itself reads
 * accounts through this module): given by the server level when it registers these routes.
 */
export interface AccountSessions {
  /** Ends every session of an account in the request's transaction; the token hashes ended. */
  end(trx: Trx, userId: string): Promise<string[]>;
  /** Drops ended sessions from the server's session cache, once the transaction has committed. */
  forget(tokenHashes: readonly string[]): void;
}

/** A temporary password is in the answer: no cache may keep it. */
const NO_STORE = 'no-store';

/** Staff accounts, managed by administrators within their units (docs/api.md, Staff accounts). */
export const usersRoutes: FastifyPluginAsyncZod<{ sessions: AccountSessions }> = async (app, { sessions }) => {
  /** An account as answered, its place named (read after the transaction that changed it). */
  const presentOne = async (user: Parameters<typeof presentUser>[0]) => (await presentUsers(app.db, [user]))[0]!;

  app.post(
    '/api/users',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'body-units'),
      schema: {
        tags: ['users'],
        summary: 'Create a staff account (without a password, the server makes a temporary one, answered once)',
        body: createUserBodySchema,
        response: { 201: createdUserSchema },
      },
    },
    async (request, reply) => {
      // The password is made and hashed before the transaction opens.
      const planned = await planAccount(app.db, actorOf(request), request.body);
      const user = await unitOfWork(app.db, (trx) => createUser(trx, auditContextOf(request), planned.row));
      return reply
        .status(201)
        .header('cache-control', NO_STORE)
        .send({
          ...(await presentOne(user)),
          ...(planned.temporaryPassword ? { temporaryPassword: planned.temporaryPassword } : {}),
        });
    },
  );

  app.get(
    '/api/users',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'own-units'),
      schema: {
        tags: ['users'],
        summary: 'Staff accounts in the caller’s units, by unit, facility, role, state or name',
        querystring: userListQuerySchema,
        response: { 200: listOf(userSchema) },
      },
    },
    async (request) => ({
      items: await presentUsers(app.db, await listUsers(app.db, actorOf(request), request.query)),
    }),
  );

  app.get(
    '/api/users/:id',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'staff-account'),
      schema: {
        tags: ['users'],
        summary: 'One staff account in the caller’s units',
        params: idParamsSchema,
        response: { 200: userSchema },
      },
    },
    async (request) => presentOne(await getUserInScope(app.db, actorOf(request), request.params.id)),
  );

  app.patch(
    '/api/users/:id',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'staff-account'),
      schema: {
        tags: ['users'],
        summary:
          'Change a staff account’s role, display name, unit or facility (its sessions end if its access changes)',
        params: idParamsSchema,
        body: updateUserBodySchema,
        response: { 200: userSchema },
      },
    },
    async (request) => {
      const { user, ended } = await unitOfWork(app.db, async (trx) => {
        const change = await updateAccount(
          trx,
          auditContextOf(request),
          actorOf(request),
          request.params.id,
          request.body,
        );
        return { user: change.user, ended: change.accessChanged ? await sessions.end(trx, change.user.id) : [] };
      });
      sessions.forget(ended);
      return presentOne(user);
    },
  );

  app.post(
    '/api/users/:id/disable',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'staff-account'),
      schema: {
        tags: ['users'],
        summary: 'Disable a staff account: it can no longer sign in and its sessions end',
        params: idParamsSchema,
        // Optional: a program may disable without saying why.
        body: disableUserBodySchema.nullish(),
        response: { 200: userSchema },
      },
    },
    async (request) => {
      const { user, ended } = await unitOfWork(app.db, async (trx) => {
        const change = await disableAccount(
          trx,
          auditContextOf(request),
          actorOf(request),
          request.params.id,
          request.body?.reason ?? null,
        );
        return { user: change.user, ended: change.changed ? await sessions.end(trx, change.user.id) : [] };
      });
      sessions.forget(ended);
      return presentOne(user);
    },
  );

  app.post(
    '/api/users/:id/enable',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'staff-account'),
      schema: {
        tags: ['users'],
        summary: 'Enable a disabled staff account again',
        params: idParamsSchema,
        response: { 200: userSchema },
      },
    },
    async (request) => {
      const change = await unitOfWork(app.db, (trx) =>
        enableAccount(trx, auditContextOf(request), actorOf(request), request.params.id),
      );
      return presentOne(change.user);
    },
  );

  app.post(
    '/api/users/:id/password-reset',
    {
      config: staffAccess(SUPERVISOR_ROLES, 'staff-account'),
      schema: {
        tags: ['users'],
        summary: 'Give a staff account a temporary password (answered once), to change at its next sign-in',
        params: idParamsSchema,
        response: { 200: passwordResetResultSchema },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      // The temporary password is made and hashed before the transaction (which checks the account again).
      const target = await getUserInScope(app.db, actor, request.params.id);
      const temporaryPassword = makeTemporaryPassword(target.username);
      const passwordHash = await hashPassword(temporaryPassword);
      const { user, ended } = await unitOfWork(app.db, async (trx) => {
        const user = await resetAccountPassword(trx, auditContextOf(request), actor, target.id, passwordHash);
        return { user, ended: await sessions.end(trx, user.id) };
      });
      sessions.forget(ended);
      reply.header('cache-control', NO_STORE);
      return { user: await presentOne(user), temporaryPassword };
    },
  );
};
