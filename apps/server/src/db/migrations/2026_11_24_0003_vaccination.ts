import { type Kysely, sql } from 'kysely';

/** Vaccine lots and stock, vaccination sessions and visits, doses, adverse events, notifications. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table lots (
      id text primary key,
      vaccine_code text not null references vaccines (code),
      lot_number text not null,
      expires_on date not null,
      doses_per_vial integer not null check (doses_per_vial > 0),
      created_at timestamptz not null default now(),
      created_by text,
      unique (vaccine_code, lot_number)
    );
    create index lots_number on lots (lot_number);

    -- Stock moves: a province receives doses of a lot; provinces and districts pass them down.
    -- A holder is 'P:<province>', 'D:<district>' or 'F:<facility id>'.
    create table lot_movements (
      id bigint generated always as identity primary key,
      lot_id text not null references lots (id),
      kind text not null check (kind in ('receipt', 'allocation')),
      from_holder text,
      to_holder text not null,
      province_code text not null,
      doses integer not null check (doses > 0),
      moved_on date not null,
      created_at timestamptz not null default now(),
      created_by text,
      check ((kind = 'receipt') = (from_holder is null))
    );
    create index lot_movements_to on lot_movements (to_holder, lot_id);
    create index lot_movements_from on lot_movements (from_holder, lot_id) where from_holder is not null;

    create table vaccination_sessions (
      id text primary key,
      facility_id text not null references facilities (id),
      province_code text not null,
      district_code text,
      session_date date not null,
      name text,
      status text not null default 'open' check (status in ('open', 'closed')),
      opened_by text,
      opened_at timestamptz not null default now(),
      closed_by text,
      closed_at timestamptz
    );
    create index vaccination_sessions_facility on vaccination_sessions (facility_id, session_date);

    create table session_lots (
      session_id text not null references vaccination_sessions (id),
      lot_id text not null references lots (id),
      doses_per_vial integer not null,
      vials_opened integer check (vials_opened >= 0),
      primary key (session_id, lot_id)
    );

    create table doses (
      id text primary key,
      person_id text not null references people (id),
      vaccine_code text not null references vaccines (code),
      lot_id text references lots (id),
      lot_number text not null,
      administered_on date not null,
      facility_id text not null references facilities (id),
      province_code text not null,
      district_code text,
      dose_number integer not null check (dose_number > 0),
      dose_kind text not null check (dose_kind in ('primary', 'additional', 'booster')),
      declared_kind text check (declared_kind in ('primary', 'additional', 'booster')),
      session_id text references vaccination_sessions (id),
      source text not null check (source in ('site', 'api', 'import', 'report_resolution')),
      retroactive boolean not null default false,
      idempotency_key text,
      fingerprint text,
      override_by text,
      override_reason text,
      overridden jsonb,
      recorded_by text,
      recorded_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      -- Set when a merge brought two records of the same physical dose together: kept, not counted.
      duplicate_of text references doses (id)
    );
    -- A retried, double-clicked or re-synced submission finds the dose it already made.
    create unique index doses_idempotency_key on doses (idempotency_key) where idempotency_key is not null;
    -- And no person gets two doses recorded on one day, whatever the client does.
    create unique index doses_person_day on doses (person_id, administered_on) where duplicate_of is null;
    create index doses_lot on doses (lot_id);
    create index doses_facility_day on doses (facility_id, administered_on);
    create index doses_session on doses (session_id) where session_id is not null;
    create index doses_province_day on doses (province_code, administered_on);

    create table visits (
      id text primary key,
      session_id text not null references vaccination_sessions (id),
      person_id text not null references people (id),
      queue_number integer not null,
      status text not null check (status in ('waiting', 'screening', 'vaccinated', 'observing', 'done', 'postponed', 'referred')),
      check_in_method text not null check (check_in_method in ('list', 'search', 'cccd_qr', 'health_book_qr', 'registration_qr')),
      checked_in_at timestamptz not null,
      checked_in_by text,
      screening jsonb,
      screening_outcome text check (screening_outcome in ('vaccinate', 'postpone', 'refer')),
      screening_reason text,
      screened_by text,
      screened_at timestamptz,
      dose_id text references doses (id),
      observation_until timestamptz,
      done_at timestamptz,
      unique (session_id, person_id)
    );

    create table adverse_events (
      id text primary key,
      person_id text not null references people (id),
      dose_id text references doses (id),
      visit_id text references visits (id),
      facility_id text not null references facilities (id),
      province_code text not null,
      district_code text,
      occurred_at timestamptz not null,
      symptoms jsonb not null,
      severity text not null check (severity in ('mild', 'serious')),
      action_taken text not null,
      reported_by text,
      reported_at timestamptz not null default now()
    );
    create index adverse_events_district on adverse_events (district_code, reported_at);

    create table notifications (
      id bigint generated always as identity primary key,
      kind text not null,
      province_code text not null,
      district_code text,
      facility_id text,
      title text not null,
      body jsonb not null,
      created_at timestamptz not null default now(),
      read_at timestamptz,
      read_by text
    );
    create index notifications_unit on notifications (province_code, district_code, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists notifications;
    drop table if exists adverse_events;
    drop table if exists visits;
    drop table if exists doses;
    drop table if exists session_lots;
    drop table if exists vaccination_sessions;
    drop table if exists lot_movements;
    drop table if exists lots;
  `.execute(db);
}
