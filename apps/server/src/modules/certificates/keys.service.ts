import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  bytesToBase64,
  computeKid,
  derToPem,
  type HcertSyncSigner,
  type SigningKey,
  type TrustListKey,
} from '@tiemchung/core';
import { sql } from 'kysely';
import type { Config } from '../../config.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { DCC_VACCINATION_EKU, type DistinguishedName, issueCertificate } from './x509.js';

/** How long a certificate signed today stays valid; retired keys stay trusted at least this long. */
export const CERTIFICATE_VALIDITY_DAYS = 365;
/** Lifetime of a signing key's own X.509 certificate (covers its signing period + validity). */
const KEY_CERT_YEARS = 3;
/**
 * Lifetime of the CSCA's certificate: it must outlast every DSC it signs (EU DCC: a CSCA is
 * typically valid for many years and rotated well before its end; see docs/operations.md).
 */
const CSCA_CERT_YEARS = 15;
/** A new CSCA is made when the active one would end before a DSC made now (signing 1 year, then trusted). */
const CSCA_RENEW_BEFORE_YEARS = KEY_CERT_YEARS + 1;

const CSCA_NAME = (now: Date): DistinguishedName => ({
  country: 'VN',
  organization: 'Bộ Y tế Việt Nam',
  commonName: `Tiêm chủng CSCA ${now.toISOString().slice(0, 10)}`,
});

/** The active CSCA, decrypted. */
interface Csca {
  readonly id: string;
  readonly key: KeyObject;
  readonly name: DistinguishedName;
  readonly notAfter: Date;
}

/**
 * The master key that encrypts signing keys' private parts at rest (AES-256-GCM): from
 * TIEMCHUNG_MASTER_KEY; outside production, when unset, generated once into DATA_DIR/master.key.
 */
export function resolveMasterKey(config: Config): Buffer {
  if (config.masterKey) return config.masterKey;
  if (config.env === 'production') throw new Error('TIEMCHUNG_MASTER_KEY is required in production');
  const dir =
    config.database.kind === 'pglite' && config.database.dataDir !== 'memory://'
      ? config.database.dataDir
      : path.resolve('data');
  const file = path.join(dir, 'master.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  return key;
}

function encrypt(master: Buffer, plain: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', master, iv);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return `v1.${iv.toString('base64')}.${c.getAuthTag().toString('base64')}.${body.toString('base64')}`;
}

function decrypt(master: Buffer, text: string): Buffer {
  const [v, iv, tag, body] = text.split('.');
  if (v !== 'v1' || !iv || !tag || !body) throw new Error('unknown encrypted key format');
  const d = createDecipheriv('aes-256-gcm', master, Buffer.from(iv, 'base64'));
  d.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([d.update(Buffer.from(body, 'base64')), d.final()]);
}

/** The distinguished name of an X.509 subject as node prints it (`C=VN\nO=…\nCN=…`). */
function nameOf(subject: string): DistinguishedName {
  const part = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(subject)?.[1] ?? '';
  return { country: part('C'), organization: part('O'), commonName: part('CN') };
}

/**
 * Makes key changes (a new signing key, a new CSCA) wait for each other, until the transaction
 * ends: two at once would each retire the active key as they found it and then both insert a new
 * active one (the second refused by the one-active index: found by the fuzz test on PostgreSQL).
 */
async function lockKeyChanges(trx: Trx): Promise<void> {
  await sql`select pg_advisory_xact_lock(${KEY_CHANGE_LOCK})`.execute(trx);
}
/** The advisory lock of key changes (an arbitrary constant of this module). */
const KEY_CHANGE_LOCK = 7_411_002_021;

/** The signing key that signs now, decrypted, with what verifiers need to know about it. */
export interface ActiveSigner {
  readonly kid: Uint8Array;
  readonly kidBase64: string;
  /** Signs synchronously (node:crypto), for `encodeHcertSync`. */
  readonly sign: HcertSyncSigner;
}

/**
 * Signing keys: created, rotated, decrypted for signing (kept in memory once decrypted), and
 * published as the trust list. One active key signs; retired keys stay in the trust list until
 * the certificates they signed expire.
 */
export class SigningKeys {
  #cache: { kid: string; signer: ActiveSigner } | null = null;

  constructor(private readonly master: Buffer) {}

  /**
   * Throws at start when the master key cannot open the private keys stored in the database (the
   * active signing key and the active CSCA): a server started with another TIEMCHUNG_MASTER_KEY would
   * otherwise answer every certificate with an internal error. Nothing stored yet: nothing to check.
   */
  async checkMasterKey(db: Executor): Promise<void> {
    const stored = [
      ...(await db.selectFrom('signing_keys').select('private_key_enc').where('retired_at', 'is', null).execute()),
      ...(await db.selectFrom('csca_keys').select('private_key_enc').where('retired_at', 'is', null).execute()),
    ];
    for (const { private_key_enc } of stored) {
      try {
        decrypt(this.master, private_key_enc);
      } catch {
        throw new Error(
          'TIEMCHUNG_MASTER_KEY does not open the signing keys stored in the database: start the server with the key they were made with (docs/operations.md, "Signing keys and the national CSCA")',
        );
      }
    }
  }

  /**
   * Creates a new key and makes it the active one (the previous one is retired, still trusted), in
   * the caller's transaction: the rotate route's, or the first certificate's that finds no key.
   * With `unlessActiveIsNot`, only when the active key (null: none) is still the one the caller
   * found: another request may have made the change while this one waited for the lock.
   */
  async rotate(
    trx: Trx,
    audit: AuditContext,
    now: Date,
    options: { unlessActiveIsNot?: string | null } = {},
  ): Promise<string> {
    await lockKeyChanges(trx);
    if (options.unlessActiveIsNot !== undefined) {
      const active = await trx
        .selectFrom('signing_keys')
        .select('kid')
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      if ((active?.kid ?? null) !== options.unlessActiveIsNot && active) return active.kid;
    }
    const csca = await this.csca(trx, audit, now);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // The DSC: certified by the national CSCA, for vaccination certificates only, within the
    // CSCA's own validity.
    const notAfter = new Date(
      Math.min(now.getTime() + KEY_CERT_YEARS * 365 * 86_400_000, csca.notAfter.getTime() - 86_400_000),
    );
    const der = issueCertificate({
      subjectPublicKey: createPublicKey(privateKey),
      subject: {
        country: 'VN',
        organization: 'Bộ Y tế Việt Nam',
        commonName: `Tiêm chủng DSC ${now.toISOString().slice(0, 10)}`,
      },
      issuer: csca.name,
      issuerKey: csca.key,
      ca: false,
      extendedKeyUsage: [DCC_VACCINATION_EKU],
      notBefore: new Date(now.getTime() - 60_000),
      notAfter,
    });
    const kid = bytesToBase64(await computeKid(der));
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    await trx
      .updateTable('signing_keys')
      .set({ retired_at: now, trusted_until: new Date(now.getTime() + (CERTIFICATE_VALIDITY_DAYS + 1) * 86_400_000) })
      .where('retired_at', 'is', null)
      .execute();
    await trx
      .insertInto('signing_keys')
      .values({
        kid,
        alg: 'ES256',
        public_key_pem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
        certificate_pem: derToPem(der, 'CERTIFICATE'),
        private_key_enc: encrypt(this.master, pkcs8),
        created_at: now,
        csca_id: csca.id,
      })
      .execute();
    await recordAudit(trx, audit, {
      action: 'signing_key.rotate',
      entityType: 'signing_key',
      entityId: kid,
      after: { csca: csca.id },
    });
    this.#cache = null;
    return kid;
  }

  /**
   * The active CSCA, decrypted; a new one is made (and audited) when there is none or the active
   * one would end before a DSC made now — the old one is retired but stays published while DSCs it
   * signed are trusted.
   */
  private async csca(trx: Trx, audit: AuditContext, now: Date): Promise<Csca> {
    let row = await trx.selectFrom('csca_keys').selectAll().where('retired_at', 'is', null).executeTakeFirst();
    const renewBy = now.getTime() + CSCA_RENEW_BEFORE_YEARS * 365 * 86_400_000;
    if (!row || row.not_after.getTime() < renewBy) {
      await this.rotateCsca(trx, audit, now);
      row = await trx.selectFrom('csca_keys').selectAll().where('retired_at', 'is', null).executeTakeFirstOrThrow();
    }
    const cert = new X509Certificate(row.certificate_pem);
    return {
      id: row.id,
      key: createPrivateKey({ key: decrypt(this.master, row.private_key_enc), format: 'der', type: 'pkcs8' }),
      name: nameOf(cert.subject),
      notAfter: row.not_after,
    };
  }

  /**
   * Makes a new national CSCA (its key encrypted with the master key) and retires the active one;
   * the signing key is then rotated by the caller so that the new DSC hangs under the new CSCA.
   */
  async rotateCsca(trx: Trx, audit: AuditContext, now: Date): Promise<string> {
    await lockKeyChanges(trx);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const name = CSCA_NAME(now);
    const notAfter = new Date(now.getTime() + CSCA_CERT_YEARS * 365 * 86_400_000);
    const der = issueCertificate({
      subjectPublicKey: createPublicKey(privateKey),
      subject: name,
      issuer: name,
      issuerKey: privateKey,
      ca: true,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter,
    });
    const id = new X509Certificate(der).fingerprint256.replaceAll(':', '').slice(0, 32).toLowerCase();
    await trx.updateTable('csca_keys').set({ retired_at: now }).where('retired_at', 'is', null).execute();
    await trx
      .insertInto('csca_keys')
      .values({
        id,
        certificate_pem: derToPem(der, 'CERTIFICATE'),
        private_key_enc: encrypt(this.master, privateKey.export({ type: 'pkcs8', format: 'der' })),
        created_at: now,
        not_after: notAfter,
        retired_at: null,
      })
      .execute();
    await recordAudit(trx, audit, { action: 'csca.rotate', entityType: 'csca_key', entityId: id });
    return id;
  }

  /** The active signer; creates the first key on first use (in the caller's transaction). */
  async active(trx: Trx, audit: AuditContext, now: Date): Promise<ActiveSigner> {
    let row = await trx
      .selectFrom('signing_keys')
      .selectAll()
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (!row) {
      // The first key, unless another request made it at the same moment (key changes wait for
      // each other; the one that waited finds the other's key and uses it).
      await this.rotate(trx, audit, now, { unlessActiveIsNot: null });
      row = await trx
        .selectFrom('signing_keys')
        .selectAll()
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
    }
    if (row.csca_id === null) {
      // A key made before the national CSCA: its certificate is self-signed, which verifiers
      // abroad refuse. A new key under the CSCA takes over (unless another request just made it);
      // the old one stays trusted until the certificates it signed expire.
      await this.rotate(trx, audit, now, { unlessActiveIsNot: row.kid });
      return this.active(trx, audit, now);
    }
    if (this.#cache?.kid === row.kid) return this.#cache.signer;
    const key: KeyObject = createPrivateKey({
      key: decrypt(this.master, row.private_key_enc),
      format: 'der',
      type: 'pkcs8',
    });
    const signer: ActiveSigner = {
      kid: Buffer.from(row.kid, 'base64'),
      kidBase64: row.kid,
      // COSE wants the raw r‖s signature (IEEE P1363), not DER.
      sign: (data) => sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }),
    };
    this.#cache = { kid: row.kid, signer };
    return signer;
  }
}

/** The trust list: every key that signed certificates still valid (api-contract.md). */
export async function trustList(
  db: Executor,
  now: Date,
): Promise<(TrustListKey & { certificatePem: string; active: boolean; chain: string[] })[]> {
  const rows = await db
    .selectFrom('signing_keys')
    .leftJoin('csca_keys', 'csca_keys.id', 'signing_keys.csca_id')
    .selectAll('signing_keys')
    .select('csca_keys.certificate_pem as csca_pem')
    .where((eb) => eb.or([eb('signing_keys.trusted_until', 'is', null), eb('signing_keys.trusted_until', '>', now)]))
    .orderBy('signing_keys.created_at')
    .execute();
  return rows.map((r) => ({
    kid: r.kid,
    alg: 'ES256' as const,
    publicKeyPem: r.public_key_pem,
    certificatePem: r.certificate_pem,
    keyUsage: [DCC_VACCINATION_EKU],
    active: r.retired_at === null,
    // The DSC, then the CSCA that signed it (a key made before the CSCA: itself alone).
    chain: r.csca_pem ? [r.certificate_pem, r.csca_pem] : [r.certificate_pem],
  }));
}

/**
 * The national CSCAs whose DSCs are still trusted (the active one, and retired ones while a DSC
 * they signed is in the trust list), oldest first.
 */
export async function cscaCertificates(
  db: Executor,
  now: Date,
): Promise<{ id: string; certificatePem: string; active: boolean }[]> {
  const rows = await db
    .selectFrom('csca_keys')
    .select(['id', 'certificate_pem', 'retired_at', 'created_at'])
    .where((eb) =>
      eb.or([
        eb('retired_at', 'is', null),
        eb.exists(
          eb
            .selectFrom('signing_keys')
            .select('kid')
            .whereRef('signing_keys.csca_id', '=', 'csca_keys.id')
            .where((k) => k.or([k('trusted_until', 'is', null), k('trusted_until', '>', now)])),
        ),
      ]),
    )
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, certificatePem: r.certificate_pem, active: r.retired_at === null }));
}

/**
 * Every signing key, newest first, as its administrators see it: when it was made and retired,
 * whether the trust list carries it, and its X.509 certificate's subject, issuer and validity —
 * never the private part.
 */
export async function listSigningKeys(db: Executor, now: Date): Promise<SigningKey[]> {
  const rows = await db
    .selectFrom('signing_keys')
    .select(['kid', 'certificate_pem', 'created_at', 'retired_at', 'trusted_until'])
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => {
    const cert = new X509Certificate(r.certificate_pem);
    return {
      kid: r.kid,
      alg: 'ES256' as const,
      active: r.retired_at === null,
      createdAt: r.created_at.toISOString(),
      retiredAt: r.retired_at?.toISOString() ?? null,
      trustedUntil: r.trusted_until?.toISOString() ?? null,
      inTrustList: r.trusted_until === null || r.trusted_until > now,
      certificate: {
        subject: cert.subject.replaceAll('\n', ', '),
        issuer: cert.issuer.replaceAll('\n', ', '),
        serialNumber: cert.serialNumber,
        validFrom: cert.validFromDate.toISOString(),
        validTo: cert.validToDate.toISOString(),
        fingerprintSha256: cert.fingerprint256,
      },
    };
  });
}
