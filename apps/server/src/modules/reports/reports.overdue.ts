import { type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * Core's rules of the 48-hour clock (`isOverdue`, `resolvedOnTime`) as SQL conditions on the
 * `reports` table, so that every query counts and filters as the API's `overdue` flag says.
 * A report has `resolved_at` exactly when its status is `resolved` (resolveReport sets both, nothing
 * reopens one); the conditions test the status, which the partial indexes on open reports match.
 */

/** Overdue at `now`: not resolved, and the due time has passed (due exactly at `now` is not yet). */
export function overdueFilter(now: Date): RawBuilder<SqlBool> {
  return sql<SqlBool>`(reports.status <> 'resolved' and reports.due_at < ${now})`;
}

/** Resolved on time: resolved, no later than the due time. */
export function resolvedOnTimeFilter(): RawBuilder<SqlBool> {
  return sql<SqlBool>`(reports.status = 'resolved' and reports.resolved_at <= reports.due_at)`;
}
