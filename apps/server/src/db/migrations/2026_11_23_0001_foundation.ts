import { type Kysely, sql } from 'kysely';

/** Reference data, staff, sessions and the append-only audit log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table app_meta (
      key text primary key,
      value text not null,
      updated_at timestamptz not null default now()
    );

    create table admin_units (
      scheme text not null check (scheme in ('2021', '2025')),
      code text not null,
      level text not null check (level in ('province', 'district', 'commune')),
      name text not null,
      type text not null,
      parent_code text,
      province_code text not null,
      district_code text,
      name_key text not null,
      valid_from date not null,
      valid_to date,
      primary key (scheme, code)
    );
    create index admin_units_parent on admin_units (scheme, parent_code);

    create table admin_unit_mappings (
      level text not null check (level in ('province', 'commune')),
      old_code text not null,
      new_code text not null,
      old_name text not null,
      new_name text not null,
      primary key (level, old_code, new_code)
    );

    create table facilities (
      id text primary key,
      name text not null,
      kind text not null default 'vaccination_site',
      province_code text not null,
      district_code text,
      commune_code text,
      address text,
      active boolean not null default true,
      created_at timestamptz not null default now()
    );
    create index facilities_province on facilities (province_code, district_code);

    create table vaccines (
      code text primary key,
      name text not null,
      local_name text not null,
      manufacturer text not null,
      ma text not null,
      vp text not null,
      platform text not null,
      approved_on date not null,
      primary_doses integer not null check (primary_doses between 1 and 5),
      min_interval_days integer,
      recommended_interval_days integer,
      doses_per_vial integer not null check (doses_per_vial > 0),
      active boolean not null default true
    );

    create table users (
      id text primary key,
      username text not null unique,
      password_hash text not null,
      role text not null check (role in ('national_admin', 'province_admin', 'district_admin', 'site_staff', 'report_handler')),
      display_name text not null,
      scope_level text not null check (scope_level in ('nation', 'province', 'district', 'commune', 'facility')),
      unit_code text,
      province_code text,
      district_code text,
      commune_code text,
      facility_id text references facilities (id),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      created_by text
    );
    create index users_province on users (province_code);

    create table sessions (
      token_hash text primary key,
      user_id text not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ip text,
      user_agent text
    );
    create index sessions_expiry on sessions (expires_at);
    create index sessions_user on sessions (user_id);

    create table login_failures (
      username_key text primary key,
      failures integer not null,
      first_failed_at timestamptz not null,
      locked_until timestamptz
    );

    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor_id text,
      actor_username text,
      actor_role text,
      action text not null,
      entity_type text not null,
      entity_id text not null,
      before jsonb,
      after jsonb,
      reason text,
      request_id text,
      ip text
    );
    create index audit_log_entity on audit_log (entity_type, entity_id, at);
    create index audit_log_actor on audit_log (actor_id, at);

    -- The audit log is append-only: no role of the application may change or remove an entry.
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end;
    $$;
    create trigger audit_log_no_update before update or delete on audit_log
      for each row execute function audit_log_append_only();
    create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_append_only();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists audit_log;
    drop function if exists audit_log_append_only();
    drop table if exists login_failures;
    drop table if exists sessions;
    drop table if exists users;
    drop table if exists vaccines;
    drop table if exists facilities;
    drop table if exists admin_unit_mappings;
    drop table if exists admin_units;
    drop table if exists app_meta;
  `.execute(db);
}
