import { type Kysely, sql } from 'kysely';

/** SMS outbox, rate counters, portal look-ups with OTP, citizens' reports, registrations. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Every SMS is written here in the transaction that decides to send it; a dispatcher sends
    -- pending ones (the outbox provider only stores them). Nothing is lost on a crash.
    create table sms_messages (
      id bigint generated always as identity primary key,
      to_phone text not null,
      text text not null,
      kind text not null,
      status text not null check (status in ('stored', 'pending', 'sent', 'failed')),
      attempts integer not null default 0,
      last_error text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    );
    create index sms_messages_pending on sms_messages (created_at) where status = 'pending';

    create table rate_counters (
      key text primary key,
      window_start timestamptz not null,
      count integer not null
    );

    create table portal_lookups (
      id text primary key,
      person_id text references people (id),
      otp_hash text not null,
      attempts integer not null default 0,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      verified_at timestamptz,
      ip text
    );

    create table reports (
      id text primary key,
      tracking_code text not null unique,
      category text not null check (category in ('missing_dose', 'wrong_dose', 'wrong_personal_info', 'other')),
      full_name text not null,
      date_of_birth date not null,
      gender text not null check (gender in ('male', 'female')),
      phone text not null,
      id_number text,
      description text not null,
      dose_date date,
      dose_vaccine_code text,
      dose_facility_id text,
      person_id text references people (id),
      assigned_level text not null check (assigned_level in ('facility', 'commune', 'district', 'province')),
      assigned_code text not null,
      province_code text not null,
      district_code text,
      commune_code text,
      facility_id text,
      status text not null default 'received' check (status in ('received', 'in_progress', 'resolved')),
      outcome text check (outcome in ('corrected', 'rejected', 'duplicate')),
      outcome_reason text,
      outcome_note text,
      duplicate_of text references reports (id),
      received_at timestamptz not null,
      due_at timestamptz not null,
      resolved_at timestamptz,
      resolved_by text,
      handler text,
      escalated_at timestamptz,
      evidence_path text,
      evidence_type text,
      evidence_size integer,
      campaign_id text,
      created_ip text
    );
    create index reports_queue on reports (province_code, status, due_at);
    create index reports_district on reports (district_code, status, due_at);
    create index reports_facility on reports (facility_id, status, due_at) where facility_id is not null;
    create index reports_open_due on reports (due_at) where status <> 'resolved';
    create index reports_person on reports (person_id) where person_id is not null;

    create table registrations (
      id text primary key,
      code text not null unique,
      full_name text not null,
      name_key text not null,
      date_of_birth date not null,
      gender text not null,
      phone text not null,
      id_number text not null,
      health_insurance_number text,
      occupation text,
      priority_group text not null,
      province_code text not null,
      district_code text,
      commune_code text,
      ethnicity text,
      nationality text not null,
      preferred_date date,
      checklist jsonb not null,
      consent_at timestamptz not null,
      otp_hash text not null,
      otp_attempts integer not null default 0,
      otp_expires_at timestamptz not null,
      status text not null check (status in ('unconfirmed', 'confirmed', 'assigned', 'invited', 'checked_in', 'cancelled')),
      assigned_district_code text,
      assigned_facility_id text,
      invited_for date,
      person_id text references people (id),
      created_at timestamptz not null,
      confirmed_at timestamptz
    );
    create index registrations_province on registrations (province_code, status, created_at);
    create index registrations_facility on registrations (assigned_facility_id, status) where assigned_facility_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists registrations;
    drop table if exists reports;
    drop table if exists portal_lookups;
    drop table if exists rate_counters;
    drop table if exists sms_messages;
  `.execute(db);
}
