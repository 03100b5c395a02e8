import { type Kysely, sql } from 'kysely';

/**
 * Statistics kept current (issue 15), owned by the stats module.
 *
 * - `stats_dirty` / `stats_dirty_reports`: the people and reports whose figures must be counted
 *   again, marked in the same transaction as the change (a dose recorded, corrected or moved by a
 *   merge; a person created, corrected or merged; a report received or resolved). The mark is an
 *   upsert, so a change committing while the fold reads waits for the fold's claim of the same row
 *   and is marked again after it: nothing is missed.
 * - `stats_*_image`: what each person, dose and report currently counts as (its dimensions). The
 *   fold recomputes a marked person's image from the records and applies the difference to the
 *   aggregates: exact whatever the change was.
 * - The aggregates, each a sum over the images: `stats_dose_facts` (day × facility × vaccine × dose
 *   number × kind × sex × age band), and by unit at every level of both schemes — doses
 *   (`stats_dose_totals`, no day; `stats_dose_days`, by day and dose number), people by status
 *   (`stats_people_totals`, by sex, birth year and priority group) and reports
 *   (`stats_report_totals`). A unit row carries its parent in the 2021 tree (`parent_code`) and in
 *   the 2025 tree (`parent_2025`), so a drill-down is one indexed read.
 * - The denominators: `stats_population_imports` (source, year) and `stats_population`.
 *
 * The records already there are marked, so the job counts them after the migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table stats_dirty (
      person_id text primary key,
      marked_at timestamptz not null default now()
    );
    create index stats_dirty_marked on stats_dirty (marked_at);
    create table stats_dirty_reports (
      report_id text primary key,
      marked_at timestamptz not null default now()
    );
    create index stats_dirty_reports_marked on stats_dirty_reports (marked_at);

    create table stats_person_image (
      person_id text primary key,
      province_code text not null,
      district_code text,
      commune_code text,
      province_2025 text,
      commune_2025 text,
      facility_id text,
      sex text not null,
      birth_year integer not null,
      status text not null,
      priority_group text not null
    );
    create table stats_dose_image (
      dose_id text primary key,
      person_id text not null,
      day date not null,
      facility_id text not null,
      province_code text not null,
      district_code text,
      commune_code text,
      province_2025 text,
      commune_2025 text,
      vaccine_code text not null,
      dose_number integer not null,
      dose_kind text not null,
      sex text not null,
      age_band text not null
    );
    create index stats_dose_image_person on stats_dose_image (person_id);
    create table stats_report_image (
      report_id text primary key,
      day date not null,
      province_code text not null,
      district_code text,
      commune_code text,
      facility_id text,
      province_2025 text,
      commune_2025 text,
      state text not null check (state in ('open', 'resolved')),
      due_at timestamptz not null,
      on_time boolean not null,
      resolve_hours integer not null
    );

    create table stats_dose_facts (
      day date not null,
      facility_id text not null,
      vaccine_code text not null,
      dose_number integer not null,
      dose_kind text not null,
      sex text not null,
      age_band text not null,
      n bigint not null,
      primary key (day, facility_id, vaccine_code, dose_number, dose_kind, sex, age_band)
    );
    create index stats_dose_facts_facility on stats_dose_facts (facility_id, day);

    create table stats_dose_totals (
      level text not null,
      unit_code text not null,
      parent_code text not null,
      parent_2025 text not null,
      vaccine_code text not null,
      dose_number integer not null,
      dose_kind text not null,
      sex text not null,
      age_band text not null,
      n bigint not null,
      primary key (level, unit_code, vaccine_code, dose_number, dose_kind, sex, age_band)
    );
    create index stats_dose_totals_parent on stats_dose_totals (level, parent_code);
    create index stats_dose_totals_parent_2025 on stats_dose_totals (level, parent_2025);

    create table stats_dose_days (
      level text not null,
      unit_code text not null,
      parent_code text not null,
      parent_2025 text not null,
      day date not null,
      dose_number integer not null,
      n bigint not null,
      primary key (level, unit_code, day, dose_number)
    );
    create index stats_dose_days_parent on stats_dose_days (level, parent_code, day);
    create index stats_dose_days_parent_2025 on stats_dose_days (level, parent_2025, day);

    create table stats_people_totals (
      level text not null,
      unit_code text not null,
      parent_code text not null,
      parent_2025 text not null,
      sex text not null,
      birth_year integer not null,
      status text not null,
      priority_group text not null,
      n bigint not null,
      primary key (level, unit_code, sex, birth_year, status, priority_group)
    );
    create index stats_people_totals_parent on stats_people_totals (level, parent_code);
    create index stats_people_totals_parent_2025 on stats_people_totals (level, parent_2025);

    create table stats_report_totals (
      level text not null,
      unit_code text not null,
      parent_code text not null,
      parent_2025 text not null,
      day date not null,
      state text not null,
      due_at timestamptz not null,
      on_time boolean not null,
      resolve_hours integer not null,
      n bigint not null,
      primary key (level, unit_code, day, state, due_at, on_time, resolve_hours)
    );
    create index stats_report_totals_parent on stats_report_totals (level, parent_code);
    create index stats_report_totals_parent_2025 on stats_report_totals (level, parent_2025);

    create table stats_population_imports (
      id text primary key,
      source text not null,
      year integer not null,
      rows integer not null,
      active boolean not null default true,
      imported_at timestamptz not null default now(),
      imported_by text
    );
    create table stats_population (
      import_id text not null references stats_population_imports (id) on delete cascade,
      level text not null,
      unit_code text not null,
      sex text not null,
      age_band text not null,
      n bigint not null,
      primary key (import_id, level, unit_code, sex, age_band)
    );

    -- The portal module's read of the priority group people registered under (by person).
    create index registrations_person on registrations (person_id) where person_id is not null;

    -- What is already recorded is counted by the job after the migration, like any change.
    insert into stats_dirty (person_id) select id from people;
    insert into stats_dirty_reports (report_id) select id from reports;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists registrations_person;
    drop table if exists stats_population;
    drop table if exists stats_population_imports;
    drop table if exists stats_report_totals;
    drop table if exists stats_people_totals;
    drop table if exists stats_dose_days;
    drop table if exists stats_dose_totals;
    drop table if exists stats_dose_facts;
    drop table if exists stats_report_image;
    drop table if exists stats_dose_image;
    drop table if exists stats_person_image;
    drop table if exists stats_dirty_reports;
    drop table if exists stats_dirty;
  `.execute(db);
}
