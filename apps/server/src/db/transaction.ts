import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';

/** What services and queries take: the database, or the transaction a route (or job) opened. */
export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Runs `work` in a transaction: the caller's when `db` already is one — so a workflow that spans
 * modules commits or rolls back as one, opened where the request (or job) starts — else a new one.
 */
export function inTransaction<T>(db: Executor, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<DB>) : db.transaction().execute(work);
}
