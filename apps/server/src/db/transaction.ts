import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';

/** What reads and single statements take: the database, or the transaction a route (or job) opened. */
export type Executor = Kysely<DB> | Transaction<DB>;

/** What a service that writes more than once takes: the transaction its route (or job) opened. */
export type Trx = Transaction<DB>;

/**
 * The unit of work: one transaction for one request (or one job run), opened at the edge — the
 * route handler or the job — and passed to every service the request calls, so a workflow that
 * spans modules commits or rolls back as one. Services never open their own (the exceptions are
 * listed, with their reasons, in `unit-of-work.test.ts`). Side effects that must not run inside
 * it (SMS, certificate reissue) are written to an outbox in the same transaction.
 */
export function unitOfWork<T>(db: Kysely<DB>, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}

/**
 * Runs `work` in the caller's transaction when `db` already is one, else in a new one. For code
 * that is both a step of a request's unit of work and a job of its own (e.g. a reissue run by the
 * outbox); a service called only from routes takes a `Trx` instead.
 */
export function inTransaction<T>(db: Executor, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Trx) : db.transaction().execute(work);
}
