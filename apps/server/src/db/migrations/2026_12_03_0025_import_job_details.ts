import { type Kysely, sql } from 'kysely';

/**
 * Two details of an import job a clerk needs (found by an outside probe, 2026-12-03):
 * - `error_message_en`: a failed job's message in English beside `error_message` (Vietnamese), so
 *   that `GET /api/imports/{id}` answers in the caller's language; NULL on jobs failed before this
 *   migration (they answer in Vietnamese).
 * - `rejected_by_column`: the rejections by reason and by the column at fault
 *   (`{"import_value_required": {"administeredOn": 12}}`): "a value is missing" alone does not
 *   tell which column to fill in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table import_jobs
      add column error_message_en text,
      add column rejected_by_column jsonb not null default '{}'
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table import_jobs drop column rejected_by_column, drop column error_message_en`.execute(db);
}
