import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { ConnectionQueue, type QueueLimits } from './connection-queue.js';

/** Time the connection may be used in one turn of the event loop before other callers wait for the next. */
export const PGLITE_TURN_BUDGET_MS = 20;

/**
 * Lets Kysely's own PostgresDialect drive PGlite. PGlite is one connection; this "pool" lends it
 * to one client at a time, so a transaction (BEGIN … COMMIT on the lent client) never interleaves
 * with another caller's statements.
 *
 * The wait for it is bounded (`connection-queue.ts`): at most `maxWaiting` callers wait, each at
 * most `maxWaitMs`, the health check and staff before the public portal; a caller that cannot
 * have the connection in time gets 503 `service_unavailable` with `Retry-After`, never a hang.
 * PGlite runs on this thread, so the connection is lent for at most PGLITE_TURN_BUDGET_MS of
 * statements per turn of the event loop before the others wait for the next turn: requests
 * (the health check) keep being read while the database is busy.
 *
 * Consequence worth knowing: code that holds a transaction and then queries through the root
 * `db` instead of the transaction would wait for itself; after `maxWaitMs` that bug surfaces as a
 * 503 whose `cause` says so, instead of a hang.
 */
export class PGlitePool implements PostgresPool {
  readonly #pg: PGlite;
  readonly queue: ConnectionQueue;
  #ended = false;

  constructor(pg: PGlite, limits: Partial<QueueLimits> = {}) {
    this.#pg = pg;
    this.queue = new ConnectionQueue(1, limits, { turnBudgetMs: PGLITE_TURN_BUDGET_MS });
  }

  async connect(): Promise<PostgresPoolClient> {
    if (this.#ended) throw new Error('PGlite pool has ended');
    await this.queue.acquire();
    const queue = this.queue;
    const pg = this.#pg;
    let released = false;
    const client = {
      async query<R>(sqlText: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
        if (released) throw new Error('query on a released PGlite client');
        // Like node-postgres: without parameters use the simple protocol, which allows several
        // statements in one string (migrations); with parameters, the extended protocol.
        const result =
          parameters.length === 0
            ? (await pg.exec(sqlText)).at(-1)
            : await pg.query<R>(sqlText, parameters as unknown[]);
        const r = result ?? { rows: [], affectedRows: 0 };
        const withCount = r as { rowCount?: number; affectedRows?: number; command?: string };
        return {
          command: (withCount.command ?? 'SELECT') as PostgresQueryResult<R>['command'],
          rowCount: withCount.rowCount ?? withCount.affectedRows ?? 0,
          rows: r.rows as R[],
        };
      },
      release() {
        if (released) return;
        released = true;
        queue.release();
      },
    };
    return client as PostgresPoolClient;
  }

  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.queue.idle();
    await this.#pg.close();
  }
}
