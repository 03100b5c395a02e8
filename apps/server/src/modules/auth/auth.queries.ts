import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

export function insertSession(
  db: Executor,
  s: { tokenHash: string; userId: string; expiresAt: Date; ip: string | null; userAgent: string | null },
) {
  return db
    .insertInto('sessions')
    .values({ token_hash: s.tokenHash, user_id: s.userId, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent })
    .execute();
}

/** The live session with this token hash (its user is the users module's), or undefined. */
export function findLiveSession(db: Executor, tokenHash: string, now: Date) {
  return db
    .selectFrom('sessions')
    .select(['user_id', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export function deleteSession(db: Executor, tokenHash: string) {
  return db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export function deleteSessionsOfUser(db: Executor, userId: string) {
  return db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Ends every session of a user but `keep` (a token hash, or null for none); the token hashes ended. */
export async function endSessionsOfUser(db: Executor, userId: string, keep: string | null): Promise<string[]> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keep) query = query.where('token_hash', '<>', keep);
  const rows = await query.returning('token_hash').execute();
  return rows.map((r) => r.token_hash);
}

export function deleteExpiredSessions(db: Executor, now: Date) {
  return db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
}

export function getLoginFailures(db: Executor, usernameKey: string) {
  return db.selectFrom('login_failures').selectAll().where('username_key', '=', usernameKey).executeTakeFirst();
}

/**
 * Counts one failed login in the current window (atomically, so parallel guesses all count) and
 * locks the name when the count reaches `max`. Returns the new count.
 */
export async function recordLoginFailure(
  db: Executor,
  usernameKey: string,
  now: Date,
  windowStart: Date,
  max: number,
  lockUntil: Date,
): Promise<number> {
  const row = await db
    .insertInto('login_failures')
    .values({ username_key: usernameKey, failures: 1, first_failed_at: now, locked_until: max <= 1 ? lockUntil : null })
    .onConflict((oc) =>
      oc.column('username_key').doUpdateSet((eb) => ({
        failures: eb
          .case()
          .when('login_failures.first_failed_at', '<', windowStart)
          .then(1)
          .else(eb('login_failures.failures', '+', 1))
          .end(),
        first_failed_at: eb
          .case()
          .when('login_failures.first_failed_at', '<', windowStart)
          .then(now)
          .else(eb.ref('login_failures.first_failed_at'))
          .end(),
      })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  if (row.failures >= max) {
    await db
      .updateTable('login_failures')
      .set({ locked_until: lockUntil })
      .where('username_key', '=', usernameKey)
      .execute();
  }
  return row.failures;
}

export function clearLoginFailures(db: Executor, usernameKey: string) {
  return db.deleteFrom('login_failures').where('username_key', '=', usernameKey).execute();
}
