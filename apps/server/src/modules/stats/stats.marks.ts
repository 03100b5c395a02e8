import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../db/transaction.js';

/**
 * Marks people (and reports) whose figures must be counted again, in the caller's transaction: every
 * writer of a dose or a person calls this in the same unit of work as its change, and the fold
 * (stats.fold.ts) recounts them. The mark is an upsert that touches an existing row (not "do
 * nothing"): a change that commits while the fold holds the row waits for the fold and is marked
 * afresh after it, so a change is never counted from a read that could not see it.
 */
export async function markPeopleForStats(
  db: Executor,
  personIds: readonly (string | null | undefined)[],
): Promise<void> {
  const ids = [...new Set(personIds.filter((id): id is string => Boolean(id)))].sort();
  if (ids.length === 0) return;
  await sql`
    insert into stats_dirty (person_id)
    select unnest(${sql.val(ids)}::text[])
    on conflict (person_id) do update set marked_at = least(stats_dirty.marked_at, excluded.marked_at)
  `.execute(db);
}

/** The same for reports (received, resolved, reassigned). */
export async function markReportsForStats(
  db: Executor,
  reportIds: readonly (string | null | undefined)[],
): Promise<void> {
  const ids = [...new Set(reportIds.filter((id): id is string => Boolean(id)))].sort();
  if (ids.length === 0) return;
  await sql`
    insert into stats_dirty_reports (report_id)
    select unnest(${sql.val(ids)}::text[])
    on conflict (report_id) do update set marked_at = least(stats_dirty_reports.marked_at, excluded.marked_at)
  `.execute(db);
}

/**
 * The mark as a statement a writer can carry in its own round trip (the dose fast path's one
 * statement): `from` names a CTE with a `person_id` column.
 */
export function markPeopleStatement(from: string): RawBuilder<unknown> {
  return sql`insert into stats_dirty (person_id)
    select distinct person_id from ${sql.table(from)} order by person_id
    on conflict (person_id) do update set marked_at = least(stats_dirty.marked_at, excluded.marked_at)`;
}
