import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Lets Kysely's own PostgresDialect drive PGlite. PGlite is one connection; this "pool" lends it
 * to one client at a time, in arrival order, so a transaction (BEGIN … COMMIT on the lent client)
 * never interleaves with another caller's statements.
 *
 * Consequence worth knowing: code that holds a transaction and then queries through the root
 * `db` instead of the transaction would wait for itself. `acquireTimeoutMs` turns that bug into a
 * clear error instead of a hang.
 */
export class PGlitePool implements PostgresPool {
  readonly #pg: PGlite;
  readonly #acquireTimeoutMs: number;
  #tail: Promise<void> = Promise.resolve();
  #ended = false;

  constructor(pg: PGlite, options: { acquireTimeoutMs?: number } = {}) {
    this.#pg = pg;
    this.#acquireTimeoutMs = options.acquireTimeoutMs ?? 60_000;
  }

  async connect(): Promise<PostgresPoolClient> {
    if (this.#ended) throw new Error('PGlite pool has ended');
    let release!: () => void;
    const previous = this.#tail;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      previous,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `PGlite connection not free after ${this.#acquireTimeoutMs} ms (a query outside its transaction?)`,
              ),
            ),
          this.#acquireTimeoutMs,
        );
        timer.unref();
      }),
    ]).finally(() => clearTimeout(timer));
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
        release();
      },
    };
    return client as PostgresPoolClient;
  }

  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.#tail;
    await this.#pg.close();
  }
}
