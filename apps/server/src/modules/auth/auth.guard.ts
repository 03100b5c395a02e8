import type { Role } from '@tiemchung/core';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { ScopeRule } from '../../lib/access.js';
import type { Actor } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { authenticateToken } from './auth.service.js';

export const SESSION_COOKIE = 'tc_session';

/** How a request carries its session: the bearer header (programs) or the cookie (the web app). */
export type TokenSource = 'bearer' | 'cookie';

/** The session token of a request and where it came from: `Authorization: Bearer …` first, else the cookie. */
export function sessionTokenOf(request: FastifyRequest): { token: string; source: TokenSource } | null {
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    return m?.[1] ? { token: m[1], source: 'bearer' } : null;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? { token: cookie, source: 'cookie' } : null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request that a browser may have sent on its own (it carries the session cookie) came
 * from a page of this origin. Browsers send `Sec-Fetch-Site` and, on every cross-origin POST,
 * `Origin`; a request with neither is not a browser's cross-site request (curl, a program), which
 * cannot ride on a victim's cookie. Bearer tokens are never sent by a browser on its own.
 */
export function isSameOriginRequest(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    const from = new URL(origin);
    // The Host header may carry the scheme's default port, which an origin never shows.
    return from.host === new URL(`${from.protocol}//${request.host}`).host;
  } catch {
    return false;
  }
}

/**
 * Refuses a state-changing request authenticated by the session cookie that comes from another
 * origin (cross-site request forgery): 403 `cross_site_request`, before anything runs.
 */
export function requireSameOriginForCookie(request: FastifyRequest, source: TokenSource | null): void {
  if (source !== 'cookie' || SAFE_METHODS.has(request.method)) return;
  if (!isSameOriginRequest(request)) throw new AppError('cross_site_request');
}

/**
 * Resolves the session into `request.actor`, or answers 401. Runs at `onRequest`, before the
 * body is parsed or validated: an anonymous request learns nothing about the input it sent.
 */
export async function authenticate(request: FastifyRequest): Promise<void> {
  const session = sessionTokenOf(request);
  const actor = session ? await authenticateToken(request.server.db, session.token, request.server.deps.clock()) : null;
  if (!actor) throw new AppError('unauthenticated');
  requireSameOriginForCookie(request, session?.source ?? null);
  request.actor = actor;
}

/**
 * The `onRequest` guard of a staff route: a session (401); then, for an account whose password was
 * made or reset by an administrator, 403 `password_change_required` on every route but the
 * account's own (scope rule `self`: who am I, change my password); then one of `roles` (403).
 */
export function staffGuard(roles: readonly Role[], scope?: ScopeRule): onRequestAsyncHookHandler {
  const allowed = new Set<Role>(roles);
  const ownAccount = scope === 'self';
  return async (request) => {
    await authenticate(request);
    const actor = request.actor as Actor;
    if (actor.mustChangePassword && !ownAccount) throw new AppError('password_change_required');
    if (!allowed.has(actor.role)) throw new AppError('forbidden');
  };
}
