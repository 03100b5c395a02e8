import type { FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.js';
import { authenticateToken } from './auth.service.js';

export const SESSION_COOKIE = 'tc_session';

/** The session token of a request: `Authorization: Bearer …` first, else the session cookie. */
export function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    return m?.[1] ?? null;
  }
  return request.cookies[SESSION_COOKIE] ?? null;
}

/**
 * Route guard for staff endpoints: resolves the session into `request.actor`, or answers 401.
 * Role and scope checks (`requireRole`, `requireScope`) come after it.
 */
export async function authenticate(request: FastifyRequest): Promise<void> {
  const token = tokenOf(request);
  const actor = token ? await authenticateToken(request.server.db, token, request.server.deps.clock()) : null;
  if (!actor) throw new AppError('unauthenticated');
  request.actor = actor;
}
