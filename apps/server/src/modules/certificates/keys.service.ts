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
import type { Config } from '../../config.js';
import { type Executor, type Trx, withSavepoint } from '../../db/transaction.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { DCC_VACCINATION_EKU, selfSignedCertificate } from './x509.js';

/** How long a certificate signed today stays valid; retired keys stay trusted at least this long. */
export const CERTIFICATE_VALIDITY_DAYS = 365;
/** Lifetime of a signing key's own X.509 certificate (covers its signing period + validity). */
const KEY_CERT_YEARS = 3;

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
   * Creates a new key and makes it the active one (the previous one is retired, still trusted), in
   * the caller's transaction: the rotate route's, or the first certificate's that finds no key.
   */
  async rotate(trx: Trx, audit: AuditContext, now: Date): Promise<string> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = selfSignedCertificate({
      privateKey,
      commonName: `Tiêm chủng DSC ${now.toISOString().slice(0, 10)}`,
      organization: 'Bộ Y tế Việt Nam',
      country: 'VN',
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + KEY_CERT_YEARS * 365 * 86_400_000),
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
      })
      .execute();
    await recordAudit(trx, audit, { action: 'signing_key.rotate', entityType: 'signing_key', entityId: kid });
    this.#cache = null;
    return kid;
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
      // The first key, unless another request made it at the same moment: the unique index on the
      // active key decides, and under a savepoint this transaction goes on to read the winner's.
      await withSavepoint(trx, () => this.rotate(trx, audit, now)).catch((err: { code?: string }) => {
        if (err.code !== '23505') throw err;
      });
      row = await trx
        .selectFrom('signing_keys')
        .selectAll()
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
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
): Promise<(TrustListKey & { certificatePem: string; active: boolean })[]> {
  const rows = await db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('trusted_until', 'is', null), eb('trusted_until', '>', now)]))
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    kid: r.kid,
    alg: 'ES256' as const,
    publicKeyPem: r.public_key_pem,
    certificatePem: r.certificate_pem,
    keyUsage: [DCC_VACCINATION_EKU],
    active: r.retired_at === null,
  }));
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
