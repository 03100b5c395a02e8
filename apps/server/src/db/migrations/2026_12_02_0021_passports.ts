import { type Kysely, sql } from 'kysely';

/**
 * The international vaccine passport (issue 18), owned by the certificates module. A passport is a
 * certificate of kind `passport` beside the domestic one (one current of each kind per person);
 * `passport_requests` is a record's way to it — requested or confirmed by a site, signed by the
 * ministry — with what blocks it; `passport_refresh` is where the refresh job has read the audit log
 * up to (it remakes passports whose record changed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table certificates add column kind text not null default 'domestic'
      check (kind in ('domestic', 'passport'));
    drop index certificates_one_current;
    create unique index certificates_one_current on certificates (person_id, kind) where superseded_at is null;
    create index certificates_passport_expiry on certificates (expires_at)
      where kind = 'passport' and superseded_at is null;

    create table passport_requests (
      person_id text primary key references people (id),
      province_code text not null,
      district_code text,
      state text not null check (state in ('blocked', 'ready', 'confirmed', 'issued')),
      blockers jsonb not null default '[]',
      requested_at timestamptz not null,
      requested_by text not null,
      confirmed_at timestamptz,
      confirmed_by text,
      confirmed_facility_id text,
      signed_at timestamptz,
      signed_by text,
      updated_at timestamptz not null
    );
    create index passport_requests_unit on passport_requests (province_code, district_code, state, person_id);
    create index passport_requests_confirmed on passport_requests (confirmed_at, person_id) where state = 'confirmed';

    create table passport_refresh (
      one boolean primary key default true check (one),
      audit_cursor bigint not null
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table passport_refresh;
    drop table passport_requests;
    drop index certificates_passport_expiry;
    drop index certificates_one_current;
    delete from certificates where kind = 'passport';
    create unique index certificates_one_current on certificates (person_id) where superseded_at is null;
    alter table certificates drop column kind;
  `.execute(db);
}
