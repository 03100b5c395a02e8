import { createHash, randomBytes } from 'node:crypto';
import type { AuthUser, ChangePasswordBody, Role } from '@tiemchung/core';
import type { Kysely } from 'kysely';
import type { DB, UserRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import type { Actor } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { hashPassword, verifyPassword } from '../../lib/passwords.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import {
  findUserById,
  findUserByUsername,
  requirePasswordRule,
  setOwnPassword,
  updatePasswordHash,
} from '../users/users.service.js';
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
  must_change_password?: boolean;
}): AuthUser {
  return {
    username: u.username,
    role: u.role as Role,
    displayName: u.display_name,
    unitCode: u.unit_code,
    facilityId: u.facility_id,
    mustChangePassword: u.must_change_password ?? false,
  };
}

/** A sign-in's name and password, checked: the user when the password is right, else null. */
export interface CheckedLogin {
  /** The name as counted (trimmed, lower case). */
  readonly key: string;
  readonly user: UserRow | null;
  /** Earlier failures of this name are on record (cleared when the sign-in succeeds). */
  readonly hadFailures: boolean;
}

/**
 * Checks a username and password, writing nothing (the password hash is checked outside any
 * transaction). After `loginMaxFailures` wrong attempts for one name within the lock window, every
 * attempt (right or wrong) answers 429 until the window ends. A wrong password or an unknown name
 * gives `user: null`: the route then counts the failure (`countLoginFailure`, committed on its own)
 * and answers 401 — unknown names are counted the same way, so the answer never tells whether a
 * user exists. A right one opens a session (`startSession`).
 */
export async function checkLogin(
  db: Executor,
  input: { username: string; password: string; now: Date },
): Promise<CheckedLogin> {
  const key = usernameKey(input.username);
  const failures = await q.getLoginFailures(db, key);
  if (failures?.locked_until && failures.locked_until > input.now) {
    const retryAfter = Math.ceil((failures.locked_until.getTime() - input.now.getTime()) / 1000);
    throw new AppError('too_many_attempts', { headers: { 'retry-after': String(retryAfter) } });
  }
  const user = await findUserByUsername(db, key);
  const ok = await verifyPassword(user?.active ? user.password_hash : null, input.password);
  return { key, user: ok && user ? user : null, hadFailures: !!failures };
}

/** Counts one failed sign-in of a name, locking it once the count reaches the limit within the window. */
export async function countLoginFailure(
  trx: Trx,
  settings: AuthSettings,
  login: CheckedLogin,
  now: Date,
): Promise<void> {
  const lockMs = settings.loginLockMinutes * 60_000;
  await q.recordLoginFailure(
    trx,
    login.key,
    now,
    new Date(now.getTime() - lockMs),
    settings.loginMaxFailures,
    new Date(now.getTime() + lockMs),
  );
}

/** Opens a session for a user whose password was right (`checkLogin`), clearing the name's failures. */
export async function startSession(
  trx: Trx,
  settings: AuthSettings,
  user: UserRow,
  login: CheckedLogin,
  input: { ip: string | null; userAgent: string | null; now: Date },
): Promise<{ token: string; expiresAt: Date; user: UserRow }> {
  if (login.hadFailures) await q.clearLoginFailures(trx, login.key);
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(input.now.getTime() + settings.sessionTtlHours * 3_600_000);
  await q.insertSession(trx, {
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

/**
 * The actor an operator's terminal command acts as (`npm run import -- doses … --as USERNAME`):
 * the active account's role and units, as if it had signed in. Undefined for an unknown or
 * disabled account.
 */
export async function actorForUsername(db: Executor, username: string): Promise<Actor | undefined> {
  const user = await findUserByUsername(db, username);
  return user?.active ? actorOfUser(user) : undefined;
}

function actorOfUser(s: UserRow): Actor {
  return {
    id: s.id,
    username: s.username,
    role: s.role as Role,
    displayName: s.display_name,
    mustChangePassword: s.must_change_password,
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

/**
 * Ends every session of a user (but `keep`, a token hash), in the caller's transaction: an account
 * disabled, its password reset, or its role or place changed. Returns the token hashes ended: the
 * caller passes them to {@link forgetSessions} once the transaction has committed.
 */
export function endSessionsOfUser(trx: Trx, userId: string, keep: string | null = null): Promise<string[]> {
  return q.endSessionsOfUser(trx, userId, keep);
}

/**
 * Drops sessions from this node's cache, after the transaction that ended or changed them has
 * committed (dropped before, a request in between could cache them again). Other nodes notice
 * within the cache's ten seconds.
 */
export function forgetSessions(db: Kysely<DB>, tokenHashes: readonly string[]): void {
  for (const hashed of tokenHashes) sessionCache.delete(db, hashed);
}

/** A password change checked outside any transaction: the new password's hash and the hash it replaces. */
export interface PlannedPasswordChange {
  readonly userId: string;
  readonly checkedHash: string;
  readonly passwordHash: string;
}

/**
 * Checks a signed-in user's password change before any transaction opens (argon2 takes tens of
 * milliseconds): the current password (400 `current_password_wrong`), the new one against core's
 * password rule (`weak_password`, `password_contains_username`) and against the current one
 * (`password_unchanged`); hashes the new one.
 */
export async function planPasswordChange(
  db: Executor,
  actor: Actor,
  body: ChangePasswordBody,
): Promise<PlannedPasswordChange> {
  const user = await findUserById(db, actor.id);
  if (!user?.active) throw new AppError('unauthenticated');
  if (!(await verifyPassword(user.password_hash, body.currentPassword))) {
    throw new AppError('current_password_wrong', { field: 'currentPassword' });
  }
  requirePasswordRule(body.newPassword, user.username, 'newPassword');
  if (body.newPassword === body.currentPassword) throw new AppError('password_unchanged', { field: 'newPassword' });
  return { userId: user.id, checkedHash: user.password_hash, passwordHash: await hashPassword(body.newPassword) };
}

/**
 * Sets the planned new password in the caller's transaction, clears "must change password", ends
 * the user's other sessions (this one, `keep`, goes on) and audits it. 400 `current_password_wrong`
 * when the password was reset in between. Returns the user and the token hashes to forget.
 */
export async function changeOwnPassword(
  trx: Trx,
  audit: AuditContext,
  planned: PlannedPasswordChange,
  keep: string,
  now: Date,
): Promise<{ user: UserRow; ended: string[] }> {
  const user = await setOwnPassword(trx, audit, { ...planned, now });
  if (!user) throw new AppError('current_password_wrong', { field: 'currentPassword' });
  const ended = await q.endSessionsOfUser(trx, user.id, keep);
  return { user, ended };
}

/** Ends the session of this token (idempotent; one statement). */
export async function logout(db: Executor, token: string): Promise<void> {
  const hashed = hashToken(token);
  sessionCache.delete(db, hashed);
  await q.deleteSession(db, hashed);
}

/**
 * Sets the password of a user named by an operator (not through the API: TIEMCHUNG_ADMIN_PASSWORD
 * at start-up), ends every session of that user, and audits it, in the caller's transaction.
 * Nothing happens when the password is already the one given. Returns whether it changed.
 */
export async function resetPasswordByOperator(
  trx: Trx,
  audit: AuditContext,
  input: { username: string; password: string; reason: string },
): Promise<boolean> {
  const user = await findUserByUsername(trx, input.username);
  if (!user || (await verifyPassword(user.password_hash, input.password))) return false;
  await updatePasswordHash(trx, user.id, await hashPassword(input.password));
  await q.deleteSessionsOfUser(trx, user.id);
  await recordAudit(trx, audit, {
    action: 'user.password_reset',
    entityType: 'user',
    entityId: user.id,
    reason: input.reason,
  });
  return true;
}
