import { nameSearchKey } from '@tiemchung/core';
import { type Kysely, sql } from 'kysely';

/**
 * Facility administration and unit-list imports from the administration screen.
 *
 * - `facilities`: when a facility was last changed, who made it, and when, by whom and why it was
 *   deactivated (a deactivated facility keeps its history; no new session opens there), and
 *   `search_key`: its name and address without diacritics, lower case (core's nameSearchKey),
 *   written by the application with every change; existing rows are filled in here.
 * - an index to read the old → new unit mapping backwards (the 2021 units a 2025 unit was made of).
 * - `unit_import_jobs`: one row per import of the official unit lists started from the screen: the
 *   files (name, kind, rows, status) and the result; the live progress is the running node's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table facilities
      add column updated_at timestamptz not null default now(),
      add column created_by text,
      add column deactivated_at timestamptz,
      add column deactivated_by text,
      add column deactivation_reason text,
      add column search_key text not null default '';
    create index facilities_district on facilities (district_code);

    create table unit_import_jobs (
      id text primary key,
      status text not null check (status in ('queued', 'running', 'done', 'failed')),
      files jsonb not null,
      error_code text,
      error_params jsonb,
      created_by text,
      created_at timestamptz not null default now(),
      finished_at timestamptz
    );
    create index unit_import_jobs_created on unit_import_jobs (created_at desc);

    -- The mapping read backwards: which 2021 units a 2025 unit was made of.
    create index admin_unit_mappings_new on admin_unit_mappings (level, new_code);
  `.execute(db);
  const rows = await sql<{ id: string; name: string; address: string | null }>`
    select id, name, address from facilities`.execute(db);
  for (const f of rows.rows)
    await sql`update facilities set search_key = ${facilitySearchKey(f.name, f.address)} where id = ${f.id}`.execute(
      db,
    );
}

/** What a facility is found by: its name and address, without diacritics (kept equal to the service's). */
function facilitySearchKey(name: string, address: string | null): string {
  return nameSearchKey(`${name} ${address ?? ''}`);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists admin_unit_mappings_new;
    drop table if exists unit_import_jobs;
    drop index if exists facilities_district;
    alter table facilities
      drop column if exists search_key,
      drop column if exists deactivation_reason,
      drop column if exists deactivated_by,
      drop column if exists deactivated_at,
      drop column if exists created_by,
      drop column if exists updated_at;
  `.execute(db);
}
