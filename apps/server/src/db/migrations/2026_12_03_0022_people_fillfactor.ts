import { type Kysely, sql } from 'kysely';

/**
 * Room on each page of `people` for the row's next version. Every dose recorded bumps its person's
 * `version` (the dose path's optimistic lock). With full pages — a bulk load, or a table grown by
 * inserts — the new version goes to another page and every one of the table's eleven indexes gets
 * an entry for it; with room on the page it is a HOT update and no index is touched. Measured on
 * 10 M people and 20 M doses (BENCHMARKS.md, "Dose recording at 10 M people"): 771 → 1,292 doses/s,
 * PostgreSQL's CPU per dose 1.75 → 0.92 ms.
 *
 * The setting applies to pages written from now on; an existing table is rewritten with
 * `VACUUM FULL people` (or pg_repack, without its exclusive lock) in a maintenance window —
 * docs/operations.md.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table people set (fillfactor = 90)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table people reset (fillfactor)`.execute(db);
}
