import { type Kysely, sql } from 'kysely';

/**
 * The national CSCA (issue 18), owned by the certificates module: the Country Signing Certificate
 * Authority whose key signs every Document Signer Certificate (the signing keys' certificates),
 * its private part encrypted with the master key like theirs. A signing key records the CSCA that
 * certified it; keys made before the CSCA (`csca_id` null) keep their self-signed certificate.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table csca_keys (
      id text primary key,
      certificate_pem text not null,
      private_key_enc text not null,
      created_at timestamptz not null,
      not_after timestamptz not null,
      retired_at timestamptz
    );
    create unique index csca_keys_active on csca_keys ((true)) where retired_at is null;
    alter table signing_keys add column csca_id text references csca_keys (id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table signing_keys drop column csca_id;
    drop table csca_keys;
  `.execute(db);
}
