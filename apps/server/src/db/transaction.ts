import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from './schema.js';

/** What reads and single statements take: the database, or the transaction a route (or job) opened. */
export type Executor = Kysely<DB> | Transaction<DB>;

/** What a service that writes more than once takes: the transaction its route (or job) opened. */
export type Trx = Transaction<DB>;

/**
 * The unit of work: one transaction for one request (or one job run), opened at the edge — the
 * route handler or the job — and passed to every service the request calls, so a workflow that
 * spans modules commits or rolls back as one. Services never open their own (`unit-of-work.test.ts`
 * fails on one). Side effects that must not run inside it (SMS) are written to an outbox in the
 * same transaction. The one documented exception is the batched dose fast path (`recordDoseBatched`):
 * a single statement that the group commit shares among the doses in flight.
 */
export function unitOfWork<T>(db: Kysely<DB>, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}

/**
 * Runs `work` under a savepoint of the caller's transaction. On PostgreSQL a failed statement
 * aborts the whole transaction; a service that catches a database error (a unique violation) and
 * carries on must undo only its own step: when `work` throws, the transaction is rolled back to
 * the savepoint — what `work` wrote is gone, what came before stays — and stays usable; the error
 * is rethrown for the caller to decide.
 */
export async function withSavepoint<T>(trx: Trx, work: () => Promise<T>): Promise<T> {
  // Kysely's savepoint API is on controlled transactions only; the statements are plain SQL.
  // Savepoints of one name nest: a rollback or release names the most recent one.
  await sql`savepoint tc_step`.execute(trx);
  let result: T;
  try {
    result = await work();
  } catch (err) {
    await sql`rollback to savepoint tc_step`.execute(trx);
    throw err;
  }
  await sql`release savepoint tc_step`.execute(trx);
  return result;
}
