/**
 * Query plans of the app's own queries: the SQL a query function sends is captured (Kysely's
 * query log), then explained with the same parameters, and the plan checked for the expected
 * index and for sequential scans.
 */
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from '../../apps/server/src/db/schema.js';

/** A captured statement: SQL text with `$n` placeholders, and its parameters. */
export interface CapturedQuery {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** An open capture: `db` is a real Kysely whose queries are recorded in `queries`. */
export interface QueryCapture {
  readonly db: Kysely<DB>;
  readonly queries: CapturedQuery[];
  close(): Promise<void>;
}

/** A Kysely on the database at `url` that records every statement it runs. */
export function openQueryCapture(url: string): QueryCapture {
  const queries: CapturedQuery[] = [];
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    log: (event) => {
      const q: CompiledQuery = event.query;
      queries.push({ sql: q.sql, parameters: [...q.parameters] });
    },
  });
  return { db, queries, close: () => db.destroy() };
}

/**
 * Runs `fn` on the capture's Kysely and returns the single statement it sent (throws if it sent
 * none or several).
 */
export async function captureQuery(capture: QueryCapture, fn: (db: Kysely<DB>) => Promise<unknown>) {
  const before = capture.queries.length;
  await fn(capture.db);
  const sent = capture.queries.slice(before);
  if (sent.length !== 1) throw new Error(`expected one statement, captured ${sent.length}`);
  return sent[0]!;
}

/** What a plan says about table `people`. */
export interface PlanFacts {
  /** Indexes of `people` the plan reads, in plan order. */
  readonly indexes: string[];
  /** True when the plan scans `people` sequentially (parallel or not). */
  readonly seqScan: boolean;
}

/** Index use and sequential scans on `table`, read from a text-format plan. */
export function planFacts(planText: string, table = 'people'): PlanFacts {
  const indexes: string[] = [];
  const re = new RegExp(
    `(?:Index(?: Only)? Scan(?: Backward)? using (\\w+) on ${table}\\b|Bitmap Index Scan on (\\w+))`,
    'g',
  );
  for (const m of planText.matchAll(re)) indexes.push((m[1] ?? m[2])!);
  return { indexes, seqScan: new RegExp(`Seq Scan on ${table}\\b`).test(planText) };
}

/** `EXPLAIN (ANALYZE, BUFFERS)` of a captured statement: the plan lines and the execution time. */
export async function explainAnalyze(
  client: pg.ClientBase,
  q: CapturedQuery,
): Promise<{ plan: string[]; executionMs: number; planningMs: number }> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(
    `explain (analyze, buffers) ${q.sql}`,
    q.parameters as unknown[],
  );
  const plan = rows.map((r) => r['QUERY PLAN']);
  const ms = (label: string) =>
    Number(plan.map((l) => new RegExp(`^${label}: ([\\d.]+) ms`).exec(l)?.[1]).find(Boolean));
  return { plan, executionMs: ms('Execution Time'), planningMs: ms('Planning Time') };
}

/** `EXPLAIN` (no execution) of a captured statement with other parameters: the plan text. */
export async function explainPlan(client: pg.ClientBase, q: CapturedQuery, parameters: readonly unknown[]) {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${q.sql}`, parameters as unknown[]);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}
