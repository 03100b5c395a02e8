import { type Kysely, sql } from 'kysely';

/** Certificate signing keys (private parts encrypted) and issued certificates. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table signing_keys (
      kid text primary key,
      alg text not null check (alg = 'ES256'),
      public_key_pem text not null,
      certificate_pem text not null,
      private_key_enc text not null,
      created_at timestamptz not null,
      retired_at timestamptz,
      trusted_until timestamptz
    );
    create unique index signing_keys_one_active on signing_keys ((true)) where retired_at is null;

    create table certificates (
      id text primary key,
      ci text not null unique,
      person_id text not null references people (id),
      status text not null check (status in ('partial', 'complete', 'booster')),
      content_hash text not null,
      payload jsonb not null,
      qr text not null,
      kid text not null references signing_keys (kid),
      issued_at timestamptz not null,
      expires_at timestamptz not null,
      superseded_by text references certificates (id),
      superseded_at timestamptz,
      supersede_reason text
    );
    create index certificates_person on certificates (person_id, issued_at desc);
    create unique index certificates_one_current on certificates (person_id) where superseded_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists certificates; drop table if exists signing_keys;`.execute(db);
}
