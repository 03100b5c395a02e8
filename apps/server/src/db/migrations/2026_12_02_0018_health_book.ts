import { type Kysely, sql } from 'kysely';

/**
 * The e-health book (issue 17), owned by the health-book module.
 *
 * - `health_book_otps`: one-time codes of the book — a device signing in with a phone, and a
 *   member being added to a household (the code goes to the phone on the member's record). Stored
 *   only as an HMAC, like the portal's; a row is kept whether or not anything matched.
 * - `health_book_devices`: a signed-in device of a household's phone; its session token stored
 *   only as a SHA-256 hash; expires when unused for months; revoked by the citizen or the server.
 * - `health_book_members`: what a household changed about its members — people added with their
 *   own OTP, people removed (also those whose record carries the phone), the next-dose reminder.
 * - `health_book_check_ins`: the short-lived check-in QR tokens a device made, and whose they are.
 * - an index on `reports (phone)`: the household's reports include those filed with its phone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table health_book_otps (
      id text primary key,
      purpose text not null check (purpose in ('sign_in', 'add_member')),
      phone text not null,
      device_id text,
      person_id text,
      otp_hash text not null,
      attempts integer not null default 0,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      verified_at timestamptz,
      ip text
    );

    create table health_book_devices (
      id text primary key,
      phone text not null,
      token_hash text not null unique,
      name text not null,
      user_agent text,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      revoked_by text
    );
    create index health_book_devices_phone on health_book_devices (phone) where revoked_at is null;

    create table health_book_members (
      phone text not null,
      person_id text not null,
      added_at timestamptz,
      removed_at timestamptz,
      reminder boolean not null default false,
      reminded_for date,
      updated_at timestamptz not null,
      primary key (phone, person_id)
    );
    create index health_book_members_person on health_book_members (person_id);
    create index health_book_members_reminder on health_book_members (phone) where reminder and removed_at is null;

    create table health_book_check_ins (
      id text primary key,
      person_id text not null,
      device_id text not null,
      created_at timestamptz not null,
      expires_at timestamptz not null
    );
    create index health_book_check_ins_expiry on health_book_check_ins (expires_at);

    -- The reports module's table: the household's reports are also those filed with its phone.
    create index reports_phone on reports (phone, received_at desc);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index reports_phone;
    drop table health_book_check_ins;
    drop table health_book_members;
    drop table health_book_devices;
    drop table health_book_otps;
  `.execute(db);
}
