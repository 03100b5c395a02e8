import { createHash, randomBytes } from 'node:crypto';
import type { AuthUser, Role } from '@tiemchung/core';
import type { Kysely } from 'kysely';
import type { DB, UserRow } from '../../db/schema.js';
import type { Actor } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { hashPassword, verifyPassword } from '../../lib/passwords.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { findUserById, findUserByUsername, updatePasswordHash } from '../users/users.service.js';
import * as q from './auth.queries.js';

export interface AuthSettings {
  readonly sessionTtlHours: number;
  readonly loginMaxFailures: number;
  readonly loginLockMinutes: number;
}

/** Session tokens are random; only their SHA-256 is stored, so a database leak yields no session. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function usernameKey(username: string): string {
  return username.trim().toLowerCase();
}

/** The user as the web app sees it. */
export function presentAuthUser(u: {
  username: string;
  role: string;
  display_name: string;
  unit_code: string | null;
  facility_id: string | null;
}): AuthUser {
  return {
    username: u.username,
    role: u.role as Role,
    displayName: u.display_name,
    unitCode: u.unit_code,
    facilityId: u.facility_id,
  };
}

/**
 * Checks a username and password. After `loginMaxFailures` wrong attempts for one name within the
 * lock window, every attempt (right or wrong) answers 429 until the window ends; unknown names are
 * counted the same way, so the answer never tells whether a user exists.
 */
export async function login(
  db: Kysely<DB>,
  settings: AuthSettings,
  input: { username: string; password: string; ip: string | null; userAgent: string | null; now: Date },
): Promise<{ token: string; expiresAt: Date; user: UserRow }> {
  const key = usernameKey(input.username);
  const lockMs = settings.loginLockMinutes * 60_000;
  const failures = await q.getLoginFailures(db, key);
  if (failures?.locked_until && failures.locked_until > input.now) {
    const retryAfter = Math.ceil((failures.locked_until.getTime() - input.now.getTime()) / 1000);
    throw new AppError('too_many_attempts', { headers: { 'retry-after': String(retryAfter) } });
  }
  const user = await findUserByUsername(db, key);
  const ok = await verifyPassword(user?.active ? user.password_hash : null, input.password);
  if (!ok || !user) {
    await q.recordLoginFailure(
      db,
      key,
      input.now,
      new Date(input.now.getTime() - lockMs),
      settings.loginMaxFailures,
      new Date(input.now.getTime() + lockMs),
    );
    throw new AppError('invalid_credentials');
  }
  if (failures) await q.clearLoginFailures(db, key);
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(input.now.getTime() + settings.sessionTtlHours * 3_600_000);
  await q.insertSession(db, {
    tokenHash: hashToken(token),
    userId: user.id,
    expiresAt,
    ip: input.ip,
    userAgent: input.userAgent,
  });
  return { token, expiresAt, user };
}

/**
 * Sessions seen in the last few seconds, per database: every staff request checks its session, and
 * at a desk recording doses that is a query per request. A session ended on this node is dropped
 * at once; one ended on another node (or a disabled user) stops working here within the TTL.
 */
const SESSION_CACHE_TTL_MS = 10_000;
const sessionCache = new TtlCache<string, { actor: Actor; expiresAt: Date }>(SESSION_CACHE_TTL_MS);

/** The actor behind a session token, or null when the token is unknown, expired or its user disabled. */
export async function authenticateToken(db: Kysely<DB>, token: string, now: Date): Promise<Actor | null> {
  if (token.length < 20 || token.length > 200) return null;
  const hashed = hashToken(token);
  const cached = await sessionCache.get(db, hashed, () => loadSession(db, hashed, now), now.getTime());
  if (!cached || cached.expiresAt <= now) return null;
  return cached.actor;
}

async function loadSession(
  db: Kysely<DB>,
  tokenHash: string,
  now: Date,
): Promise<{ actor: Actor; expiresAt: Date } | undefined> {
  const session = await q.findLiveSession(db, tokenHash, now);
  if (!session) return undefined;
  const user = await findUserById(db, session.user_id);
  if (!user?.active) return undefined;
  return { actor: actorOfUser(user), expiresAt: session.expires_at };
}

function actorOfUser(s: UserRow): Actor {
  return {
    id: s.id,
    username: s.username,
    role: s.role as Role,
    displayName: s.display_name,
    scope: {
      level: s.scope_level,
      unitCode: s.unit_code,
      provinceCode: s.province_code,
      districtCode: s.district_code,
      communeCode: s.commune_code,
      facilityId: s.facility_id,
    },
  };
}

/** Ends the session of this token (idempotent). */
export async function logout(db: Kysely<DB>, token: string): Promise<void> {
  const hashed = hashToken(token);
  sessionCache.delete(db, hashed);
  await q.deleteSession(db, hashed);
}

/**
 * Sets the password of a user named by an operator (not through the API: TIEMCHUNG_ADMIN_PASSWORD
 * at start-up), ends every session of that user, and audits it. Nothing happens when the password
 * is already the one given. Returns whether it changed.
 */
export async function resetPasswordByOperator(
  db: Kysely<DB>,
  audit: AuditContext,
  input: { username: string; password: string; reason: string },
): Promise<boolean> {
  const user = await findUserByUsername(db, input.username);
  if (!user || (await verifyPassword(user.password_hash, input.password))) return false;
  const hash = await hashPassword(input.password);
  await db.transaction().execute(async (trx) => {
    await updatePasswordHash(trx, user.id, hash);
    await q.deleteSessionsOfUser(trx, user.id);
    await recordAudit(trx, audit, {
      action: 'user.password_reset',
      entityType: 'user',
      entityId: user.id,
      reason: input.reason,
    });
  });
  return true;
}
