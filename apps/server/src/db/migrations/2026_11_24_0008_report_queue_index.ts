import { type Kysely, sql } from 'kysely';

/**
 * The queue page (all statuses of a province or district, by due time) scanned the table on a
 * province with 400,000 reports: ~290 ms SQL p99 (BENCHMARKS.md). These indexes serve the
 * order directly; measured ~20 ms.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index reports_province_due on reports (province_code, due_at, id);
    create index reports_district_due on reports (district_code, due_at, id) where district_code is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists reports_district_due; drop index if exists reports_province_due;`.execute(db);
}
