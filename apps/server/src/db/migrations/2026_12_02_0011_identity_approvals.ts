import { type Kysely, sql } from 'kysely';

/**
 * Identity approvals (modules/approvals): the desk asks a supervisor to approve vaccinating a person
 * the national population database does not confirm; the supervisor approves (the person's identity
 * override is set in the same transaction) or refuses, with a reason.
 *
 * A request belongs to two units: the one of the site that asked (`province_code`, `district_code`:
 * its facility's, or the person's residence when no site asked) and the person's residence
 * (`person_*`); a supervisor over either may decide it. At most one request per person is pending
 * (the partial unique index: a second desk asking at the same moment finds the first one's).
 * `snapshot` holds the identity details and the registry's answer when the request was sent, so an
 * approval is never given for details corrected since.
 *
 * `people_identity_blocked` serves the list of records whose identity is neither verified nor
 * approved (what blocks a vaccine passport), per unit, newest first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table identity_approvals (
      id text primary key,
      person_id text not null references people (id),
      visit_id text references visits (id),
      session_id text references vaccination_sessions (id),
      facility_id text references facilities (id),
      province_code text not null,
      district_code text,
      person_province_code text not null,
      person_district_code text,
      person_commune_code text,
      status text not null default 'pending' check (status in ('pending', 'approved', 'refused')),
      reason text not null,
      snapshot jsonb not null,
      requested_by text not null,
      requested_by_name text not null,
      requested_at timestamptz not null default now(),
      decided_by text,
      decided_by_name text,
      decided_at timestamptz,
      decision_reason text,
      check ((status = 'pending') = (decided_at is null)),
      check ((status = 'pending') = (decision_reason is null))
    );
    create unique index identity_approvals_one_pending on identity_approvals (person_id) where status = 'pending';
    create index identity_approvals_person on identity_approvals (person_id, requested_at desc);
    create index identity_approvals_unit on identity_approvals (province_code, district_code, status, requested_at);
    create index identity_approvals_residence
      on identity_approvals (person_province_code, person_district_code, status, requested_at);
    create index identity_approvals_facility on identity_approvals (facility_id, requested_at desc);
    create index people_identity_blocked on people (province_code, district_code, commune_code, created_at desc)
      where verification_status <> 'verified' and identity_override_at is null and merged_into is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists people_identity_blocked;
    drop table if exists identity_approvals;
  `.execute(db);
}
