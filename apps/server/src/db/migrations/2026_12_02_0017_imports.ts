import { type Kysely, sql } from 'kysely';

/**
 * The bulk import of historical doses (issue 16), owned by the imports module.
 *
 * - `import_jobs`: one row per uploaded file — its state, whether it is a dry run, the facility
 *   that imports and its units (the job is seen within those units), who uploaded it and their
 *   scope at the time (the rows are checked against it), the header row, the counters of the
 *   summary, `position` (the data rows already committed: a runner resumes there), the lease of
 *   the node running it (another node takes the job over once the lease has expired), and the
 *   error a failed job ended with.
 * - `import_file_chunks`: the uploaded file itself, in chunks, so that any node can read it and a
 *   restart can resume the job; dropped once the job ends.
 * - `import_rejected_rows`: the rows refused, with their original cells and reasons (the
 *   rejected rows' file).
 * - `import_row_keys`: the identity of every dose row imported (person + date + vaccine), unique:
 *   the same row imported again, in any file, adds nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table import_jobs (
      id text primary key,
      status text not null check (status in ('queued', 'running', 'done', 'failed', 'cancelled')),
      dry_run boolean not null,
      file_name text not null,
      file_kind text not null check (file_kind in ('csv', 'xlsx')),
      file_size bigint not null,
      facility_id text not null,
      province_code text not null,
      district_code text,
      commune_code text,
      created_by text not null,
      created_by_username text not null,
      actor_scope jsonb not null,
      header jsonb,
      total_rows integer,
      position integer not null default 0,
      rows_read integer not null default 0,
      imported integer not null default 0,
      rejected integer not null default 0,
      matched_people integer not null default 0,
      new_people integer not null default 0,
      duplicates_flagged integer not null default 0,
      skipped_already_imported integer not null default 0,
      rejected_by_reason jsonb not null default '{}'::jsonb,
      cancel_requested boolean not null default false,
      lease_owner text,
      lease_until timestamptz,
      error_code text,
      error_message text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz not null default now()
    );
    create index import_jobs_open on import_jobs (created_at) where status in ('queued', 'running');
    create index import_jobs_facility on import_jobs (facility_id, created_at desc);

    create table import_file_chunks (
      job_id text not null references import_jobs (id) on delete cascade,
      seq integer not null,
      data bytea not null,
      primary key (job_id, seq)
    );

    create table import_rejected_rows (
      job_id text not null references import_jobs (id) on delete cascade,
      row_number integer not null,
      cells jsonb not null,
      reasons jsonb not null,
      primary key (job_id, row_number)
    );

    create table import_row_keys (
      key text primary key,
      job_id text not null,
      dose_id text not null,
      created_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists import_row_keys;
    drop table if exists import_rejected_rows;
    drop table if exists import_file_chunks;
    drop table if exists import_jobs;
  `.execute(db);
}
