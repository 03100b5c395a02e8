import { type Kysely, sql } from 'kysely';

/**
 * Foreign trust anchors (issue 18), owned by the trust module: the Document Signer Certificates of
 * other states that national administrators import (one by one, or the EU gateway's trust list),
 * so that `POST /api/verify` and the verifier page accept their certificates. Kept when removed
 * (`removed_at`), for the audit trail.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table trust_anchors (
      id text primary key,
      country text not null,
      kid text not null,
      alg text not null check (alg in ('ES256', 'PS256')),
      certificate_pem text not null,
      public_key_pem text not null,
      key_usage jsonb not null default '[]'::jsonb,
      fingerprint text not null,
      subject text not null,
      issuer text not null,
      not_before timestamptz not null,
      not_after timestamptz not null,
      source text not null check (source in ('single', 'gateway')),
      added_by text not null,
      added_at timestamptz not null,
      removed_at timestamptz
    );
    create unique index trust_anchors_fingerprint on trust_anchors (fingerprint) where removed_at is null;
    create index trust_anchors_kid on trust_anchors (kid) where removed_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table trust_anchors`.execute(db);
}
