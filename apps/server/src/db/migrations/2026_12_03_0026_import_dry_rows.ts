import { type Kysely, sql } from 'kysely';

/**
 * `import_dry_rows`: a dry run's rows that its batches accepted, with the key of their person. A
 * dry run rolls each batch back, so a later batch would check a person's rows without the doses
 * the earlier batches gave them — and answer otherwise than the real run (found by an outside
 * probe, 2026-12-03: on the embedded database, whose first batches are of 5 rows, a 6-row file's
 * second dose was accepted in the dry run and refused as too soon in the real one). Each batch of a
 * dry run now replays, first and uncounted, the accepted rows of its people from earlier batches.
 * Deleted with the job's file when the job ends or is cancelled.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table import_dry_rows (
      job_id text not null references import_jobs (id) on delete cascade,
      row_number integer not null,
      person_key text not null,
      cells jsonb not null,
      primary key (job_id, row_number)
    );
    create index import_dry_rows_person on import_dry_rows (job_id, person_key);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists import_dry_rows`.execute(db);
}
