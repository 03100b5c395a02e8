import { loginBodySchema, loginResponseSchema, meResponseSchema } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { findUserById } from '../users/users.service.js';
import { authenticate, SESSION_COOKIE, tokenOf } from './auth.guard.js';
import { login, logout, presentAuthUser } from './auth.service.js';

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
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { token, expiresAt, user } = await login(app.db, config, {
        username: request.body.username,
        password: request.body.password,
        ip: request.ip,
        userAgent: request.headers['user-agent']?.slice(0, 300) ?? null,
        now: app.deps.clock(),
      });
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
    { schema: { tags: ['auth'], summary: 'End the current session' } },
    async (request, reply) => {
      const token = tokenOf(request);
      if (token) await logout(app.db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      preHandler: authenticate,
      schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: meResponseSchema } },
    },
    async (request) => {
      const user = await findUserById(app.db, actorOf(request).id);
      if (!user) throw new AppError('unauthenticated');
      return { user: presentAuthUser(user) };
    },
  );
};
