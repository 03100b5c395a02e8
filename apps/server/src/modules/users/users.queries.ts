import type { Kysely, Transaction } from 'kysely';
import type { DB, NewUser } from '../../db/schema.js';
import { type Scope, whereInScope } from '../../lib/authz.js';

type Executor = Kysely<DB> | Transaction<DB>;

export function findUserById(db: Executor, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByUsername(db: Executor, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
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

export function countUsers(db: Executor) {
  return db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
}

/** Users inside a scope (a province administrator sees the users of the province). */
export function listUsersInScope(db: Executor, scope: Scope) {
  return whereInScope(db.selectFrom('users').selectAll(), scope).orderBy('username').limit(1000).execute();
}
