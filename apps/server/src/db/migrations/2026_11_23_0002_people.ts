import { type Kysely, sql } from 'kysely';

/** The people registry: one person per ID number, identity verification, duplicates, merges. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table people (
      id text primary key,
      full_name text not null,
      name_key text not null,
      date_of_birth date not null,
      gender text not null check (gender in ('male', 'female')),
      id_type text check (id_type in ('cccd', 'cmnd', 'passport')),
      id_number text,
      old_id_number text,
      legacy boolean not null default false,
      phone text,
      province_code text not null,
      district_code text,
      commune_code text,
      address text,
      nationality text not null default 'VN',
      ethnicity text,
      health_insurance_number text,
      occupation text,
      verification_status text not null default 'pending'
        check (verification_status in ('pending', 'verified', 'mismatch', 'not_found', 'unavailable')),
      verification_fields jsonb,
      verification_source text,
      verified_at timestamptz,
      recheck_after timestamptz,
      identity_override_by text,
      identity_override_reason text,
      identity_override_at timestamptz,
      merged_into text references people (id),
      merged_at timestamptz,
      registered_facility_id text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      created_by text,
      version integer not null default 1,
      check (id_number is not null or legacy),
      check (merged_into is null or merged_into <> id)
    );
    -- One living person per ID number (merged records keep theirs for history).
    create unique index people_id_number on people (id_number) where merged_into is null and id_number is not null;
    create index people_old_id_number on people (old_id_number) where old_id_number is not null;
    create index people_phone on people (phone) where merged_into is null;
    -- Prefix search on the diacritic-free name, nationally and within a province.
    create index people_name_key on people (name_key text_pattern_ops) where merged_into is null;
    create index people_province_name_key on people (province_code, name_key text_pattern_ops) where merged_into is null;
    create index people_name_dob on people (name_key, date_of_birth) where merged_into is null;
    create index people_recheck on people (recheck_after) where recheck_after is not null;
    create index people_merged_into on people (merged_into) where merged_into is not null;

    create table duplicate_candidates (
      id bigint generated always as identity primary key,
      person_a text not null references people (id),
      person_b text not null references people (id),
      kind text not null check (kind in ('same_name_dob_phone', 'cmnd_cccd', 'legacy_match', 'same_name_dob')),
      province_code text not null,
      status text not null default 'open' check (status in ('open', 'merged', 'dismissed')),
      created_at timestamptz not null default now(),
      resolved_at timestamptz,
      resolved_by text,
      check (person_a < person_b),
      unique (person_a, person_b)
    );
    create index duplicate_candidates_open on duplicate_candidates (province_code, created_at) where status = 'open';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists duplicate_candidates; drop table if exists people;`.execute(db);
}
