import type { UserListFilter } from '@tiemchung/core';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, NewUser, UserRow, UserUpdate } from '../../db/schema.js';
import { type Scope, whereInScope } from '../../lib/authz.js';

type Executor = Kysely<DB> | Transaction<DB>;

export function findUserById(db: Executor, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByUsername(db: Executor, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

/** The account with this id, its row locked until the transaction ends (two administrators acting at once). */
export function lockUserById(trx: Transaction<DB>, id: string) {
  return trx.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updatePasswordHash(db: Executor, id: string, passwordHash: string) {
  return db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export function insertUser(db: Executor, user: NewUser) {
  return db
    .insertInto('users')
    .values(user)
    .onConflict((oc) => oc.column('username').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Changes an account's columns; the row as it now is. */
export function updateUser(db: Executor, id: string, set: UserUpdate) {
  return db
    .updateTable('users')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Sets a user's own new password, only if the password hash is still the one checked (an
 * administrator's reset in between wins). The row, or undefined when it had changed.
 */
export function replaceOwnPassword(db: Executor, id: string, checkedHash: string, passwordHash: string, now: Date) {
  return db
    .updateTable('users')
    .set({ password_hash: passwordHash, must_change_password: false, password_changed_at: now, updated_at: now })
    .where('id', '=', id)
    .where('password_hash', '=', checkedHash)
    .where('active', '=', true)
    .returningAll()
    .executeTakeFirst();
}

export function countUsers(db: Executor) {
  return db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
}

/** An account with the username of whoever disabled it. */
export type UserView = UserRow & { disabled_by_username: string | null };

/** `%` and `_` and the escape character taken literally in a LIKE pattern. */
function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Accounts inside a scope (a province administrator sees the accounts of the province), narrowed
 * by the list's filters, in username order.
 */
export function listUsersInScope(
  db: Executor,
  scope: Scope,
  filter: Partial<UserListFilter> & { nameKey?: string } = {},
): Promise<UserView[]> {
  let query = whereInScope(
    db
      .selectFrom('users')
      .leftJoin('users as disabler', 'disabler.id', 'users.disabled_by')
      .selectAll('users')
      .select('disabler.username as disabled_by_username'),
    scope,
    {
      columns: {
        province: 'users.province_code',
        district: 'users.district_code',
        commune: 'users.commune_code',
        facility: 'users.facility_id',
      },
    },
  );
  if (filter.unitCode) {
    const code = filter.unitCode;
    query = query.where((eb) =>
      eb.or([
        eb('users.province_code', '=', code),
        eb('users.district_code', '=', code),
        eb('users.commune_code', '=', code),
      ]),
    );
  }
  if (filter.facilityId) query = query.where('users.facility_id', '=', filter.facilityId);
  if (filter.role) query = query.where('users.role', '=', filter.role);
  if (filter.active !== undefined) query = query.where('users.active', '=', filter.active);
  const q = filter.q?.trim().toLowerCase();
  if (q) {
    const byUsername = sql<boolean>`users.username like ${likeContains(q)} escape '\\'`;
    const byName = filter.nameKey
      ? sql<boolean>`users.display_name_key like ${likeContains(filter.nameKey)} escape '\\'`
      : null;
    query = query.where((eb) => eb.or(byName ? [byUsername, byName] : [byUsername]));
  }
  return query
    .orderBy('users.username')
    .limit(filter.limit ?? 1000)
    .execute();
}

/** One account with the username of whoever disabled it. */
export function findUserView(db: Executor, id: string): Promise<UserView | undefined> {
  return db
    .selectFrom('users')
    .leftJoin('users as disabler', 'disabler.id', 'users.disabled_by')
    .selectAll('users')
    .select('disabler.username as disabled_by_username')
    .where('users.id', '=', id)
    .executeTakeFirst();
}
