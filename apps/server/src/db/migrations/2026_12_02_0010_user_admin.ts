import { nameSearchKey } from '@tiemchung/core';
import { type Kysely, sql } from 'kysely';

/**
 * Administration of staff accounts (issue 14):
 * - `must_change_password`: the password was made or reset by an administrator; until the user sets
 *   their own, every staff endpoint but the account's own answers 403 `password_change_required`;
 * - `disabled_at`, `disabled_by`: when and by whom an account was disabled (`active` false); a
 *   check keeps the three consistent;
 * - `password_changed_at`: when the user last set their own password;
 * - `display_name_key`: the display name without diacritics, lower case (core's `nameSearchKey`),
 *   for searching accounts by name; filled here for the accounts already there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users add column must_change_password boolean not null default false;
    alter table users add column disabled_at timestamptz;
    alter table users add column disabled_by text references users (id);
    alter table users add column password_changed_at timestamptz;
    alter table users add column display_name_key text collate "C";
    update users set disabled_at = updated_at where not active;
  `.execute(db);
  const rows = await sql<{ id: string; display_name: string }>`select id, display_name from users`.execute(db);
  for (const r of rows.rows) {
    await sql`update users set display_name_key = ${nameSearchKey(r.display_name)} where id = ${r.id}`.execute(db);
  }
  await sql`
    alter table users alter column display_name_key set not null;
    alter table users add constraint users_disabled_consistent check (active = (disabled_at is null));
    create index users_district on users (district_code);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists users_district;
    alter table users drop constraint if exists users_disabled_consistent;
    alter table users drop column if exists display_name_key;
    alter table users drop column if exists password_changed_at;
    alter table users drop column if exists disabled_by;
    alter table users drop column if exists disabled_at;
    alter table users drop column if exists must_change_password;
  `.execute(db);
}
