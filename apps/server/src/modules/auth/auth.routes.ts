import { changePasswordBodySchema, loginBodySchema, loginResponseSchema, meResponseSchema } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { ALL_STAFF, publicAccess, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { auditContextOf } from '../audit/audit.service.js';
import { findUserById } from '../users/users.service.js';
import { isSameOriginRequest, requireSameOriginForCookie, SESSION_COOKIE, sessionTokenOf } from './auth.guard.js';
import {
  changeOwnPassword,
  checkLogin,
  countLoginFailure,
  forgetSessions,
  hashToken,
  logout,
  planPasswordChange,
  presentAuthUser,
  startSession,
} from './auth.service.js';

/** Staff sign-in and sign-out (api-contract.md, Health and auth). */
export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const { config } = app;

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password',
        body: loginBodySchema,
        response: { 200: loginResponseSchema },
      },
      // Per client address, on top of the per-username lock in the service.
      config: { ...publicAccess('self'), rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      // A sign-in posted by another site's page would put the visitor in someone else's session.
      if (!isSameOriginRequest(request)) throw new AppError('cross_site_request');
      const now = app.deps.clock();
      // The password is checked before any transaction opens (argon2 takes tens of milliseconds).
      const checked = await checkLogin(app.db, { ...request.body, now });
      const known = checked.user;
      if (!known) {
        // The failure is counted in a unit of work of its own, committed before the 401 is answered.
        await unitOfWork(app.db, (trx) => countLoginFailure(trx, config, checked, now));
        throw new AppError('invalid_credentials');
      }
      const { token, expiresAt, user } = await unitOfWork(app.db, (trx) =>
        startSession(trx, config, known, checked, {
          ip: request.ip,
          userAgent: request.headers['user-agent']?.slice(0, 300) ?? null,
          now,
        }),
      );
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: config.env === 'production',
        path: '/',
        expires: expiresAt,
      });
      return { token, expiresAt: expiresAt.toISOString(), user: presentAuthUser(user) };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: publicAccess('self'), schema: { tags: ['auth'], summary: 'End the current session' } },
    async (request, reply) => {
      const session = sessionTokenOf(request);
      requireSameOriginForCookie(request, session?.source ?? null);
      if (session) await logout(app.db, session.token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: staffAccess(ALL_STAFF, 'self'),
      schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: meResponseSchema } },
    },
    async (request) => {
      const user = await findUserById(app.db, actorOf(request).id);
      if (!user) throw new AppError('unauthenticated');
      return { user: presentAuthUser(user) };
    },
  );

  app.post(
    '/api/auth/password',
    {
      // Per client address: the current password is checked with argon2 on every attempt.
      config: { ...staffAccess(ALL_STAFF, 'self'), rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Change the signed-in user’s password (required first when an administrator set it)',
        body: changePasswordBodySchema,
        response: { 200: meResponseSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const session = sessionTokenOf(request);
      if (!session) throw new AppError('unauthenticated');
      const current = hashToken(session.token);
      // The current password is checked and the new one hashed before the transaction opens.
      const planned = await planPasswordChange(app.db, actor, request.body);
      const { user, ended } = await unitOfWork(app.db, (trx) =>
        changeOwnPassword(trx, auditContextOf(request), planned, current, app.deps.clock()),
      );
      // This session goes on, now without the pending change; the user's other sessions ended.
      forgetSessions(app.db, [current, ...ended]);
      return { user: presentAuthUser(user) };
    },
  );
};
