import { type PostgresPool, type PostgresPoolClient, sql } from 'kysely';
import type pg from 'pg';

/**
 * Server-side prepared statements for the hottest statements (recording a dose), on PostgreSQL.
 *
 * Kysely sends every statement unnamed, so PostgreSQL parses, analyses and plans it on every
 * call; for the dose path's two CTE statements planning alone was ~0.5 ms of the server's ~1.5 ms
 * of CPU per dose (BENCHMARKS.md, dose recording). A statement that starts with {@link PREPARED}
 * is sent as a named statement instead: parsed once per connection, and planned once PostgreSQL
 * settles on a generic plan. Only marked statements are prepared — their text is fixed (values
 * are parameters), so each connection holds a handful of them; an unmarked statement (an `in`
 * list of any length, say) is never cached. PGlite is untouched (one in-process connection; the
 * marker is only a comment there).
 */
export const PREPARED = sql.raw('/* prepared */ ');

/** The marker at the start of a statement (after any indentation of the template). */
const MARKED = /^\s*\/\* prepared \*\/ /;

/** Statement names by text, shared by all connections (pg prepares a name once per connection). */
const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `tc_prepared_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/** Wraps a pg pool for Kysely's PostgresDialect so that marked statements are prepared. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      const query = ((textOrCursor: unknown, parameters?: readonly unknown[]) => {
        if (typeof textOrCursor === 'string' && MARKED.test(textOrCursor)) {
          return client.query({ name: nameOf(textOrCursor), text: textOrCursor, values: [...(parameters ?? [])] });
        }
        return client.query(textOrCursor as string, parameters as unknown[]);
      }) as unknown as PostgresPoolClient['query'];
      return { query, release: () => client.release() };
    },
    end: () => pool.end(),
  };
}
