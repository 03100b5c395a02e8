import { createHash, X509Certificate } from 'node:crypto';
import {
  ACCEPTANCE_RULES,
  type AnchorKeys,
  bytesToBase64,
  checkAcceptance,
  dccFindings,
  supersedeReasonText,
  type TrustAnchor,
  type TrustAnchorsBody,
  type TrustListKey,
  uuidv7,
  type VerifyAnswer,
  verifyHcert,
} from '@tiemchung/core';
import type { TrustAnchorRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { AppError } from '../../lib/errors.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { trustList } from '../certificates/keys.service.js';
import { nodeSignatureCheck } from '../certificates/signature-check.js';
import { dccValueSets } from './value-sets.js';

/** A key a verifier trusts, with its country (`VN` for the platform's own). */
export type CountryKey = TrustListKey & { readonly country: string };

/** The trust list of `POST /api/verify`, kept a minute per database (keys parsed once per list). */
const LIST_TTL_MS = 60_000;
const lists = new TtlCache<'list', readonly CountryKey[]>(LIST_TTL_MS, 1);

function presentAnchor(r: TrustAnchorRow): TrustAnchor {
  return {
    id: r.id,
    country: r.country,
    kid: r.kid,
    alg: r.alg,
    subject: r.subject,
    issuer: r.issuer,
    notBefore: r.not_before.toISOString(),
    notAfter: r.not_after.toISOString(),
    source: r.source,
    addedAt: r.added_at.toISOString(),
    addedBy: r.added_by,
  };
}

/** A certificate's DER from PEM text or bare base64 (the gateway's `rawData`). */
function derOf(text: string): Buffer {
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  return Buffer.from((pem ? pem[1]! : text).replace(/\s+/g, ''), 'base64');
}

interface ParsedAnchor {
  readonly country: string;
  readonly kid: string;
  readonly alg: 'ES256' | 'PS256';
  readonly certificatePem: string;
  readonly publicKeyPem: string;
  readonly keyUsage: string[];
  readonly fingerprint: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Reads a Document Signer Certificate: its kid (the first 8 bytes of the SHA-256 of its DER, EU
 * DCC Volume 1), its algorithm from the key (EC P-256 → ES256, RSA → PS256), its extended key
 * usage. Anything else is refused with the reason (422).
 */
export function parseAnchor(country: string, text: string, index?: number): ParsedAnchor {
  const fail = (reason: string) =>
    new AppError('trust_anchor_invalid', {
      params: { reason: index === undefined ? reason : `#${index + 1}: ${reason}` },
      field: index === undefined ? 'certificatePem' : `${index}.rawData`,
    });
  const der = derOf(text);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    throw fail('not an X.509 certificate');
  }
  const key = cert.publicKey;
  let alg: 'ES256' | 'PS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') alg = 'ES256';
  else if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') alg = 'PS256';
  else throw fail(`a ${key.asymmetricKeyType ?? 'unknown'} key is not an EU DCC signing key`);
  return {
    country,
    kid: bytesToBase64(createHash('sha256').update(der).digest().subarray(0, 8)),
    alg,
    certificatePem: cert.toString(),
    publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(),
    keyUsage: cert.keyUsage ?? [],
    fingerprint: cert.fingerprint256,
    subject: cert.subject.replaceAll('\n', ', '),
    issuer: cert.issuer.replaceAll('\n', ', '),
    notBefore: cert.validFromDate,
    notAfter: cert.validToDate,
  };
}

/** Adds anchors (one, or the gateway's list); a certificate already there is left as it is. Audited. */
export async function importAnchors(
  trx: Trx,
  audit: AuditContext,
  body: TrustAnchorsBody,
  now: Date,
): Promise<{ added: number; unchanged: number; anchors: TrustAnchor[] }> {
  const parsed = Array.isArray(body)
    ? body.map((item, i) => ({ anchor: parseAnchor(item.country, item.rawData, i), source: 'gateway' as const }))
    : [{ anchor: parseAnchor(body.country, body.certificatePem), source: 'single' as const }];
  const rows: TrustAnchorRow[] = [];
  let unchanged = 0;
  for (const { anchor, source } of parsed) {
    const row = await trx
      .insertInto('trust_anchors')
      .values({
        id: uuidv7(now.getTime()),
        country: anchor.country,
        kid: anchor.kid,
        alg: anchor.alg,
        certificate_pem: anchor.certificatePem,
        public_key_pem: anchor.publicKeyPem,
        key_usage: JSON.stringify(anchor.keyUsage),
        fingerprint: anchor.fingerprint,
        subject: anchor.subject,
        issuer: anchor.issuer,
        not_before: anchor.notBefore,
        not_after: anchor.notAfter,
        source,
        added_by: audit.actorUsername ?? '?',
        added_at: now,
        removed_at: null,
      })
      .onConflict((oc) => oc.column('fingerprint').where('removed_at', 'is', null).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) rows.push(row);
    else unchanged++;
  }
  for (const row of rows) {
    await recordAudit(trx, audit, {
      action: 'trust_anchor.add',
      entityType: 'trust_anchor',
      entityId: row.id,
      after: { country: row.country, kid: row.kid, alg: row.alg, subject: row.subject, source: row.source },
    });
  }
  return { added: rows.length, unchanged, anchors: rows.map(presentAnchor) };
}

export async function listAnchors(db: Executor): Promise<TrustAnchor[]> {
  const rows = await db
    .selectFrom('trust_anchors')
    .selectAll()
    .where('removed_at', 'is', null)
    .orderBy('country')
    .orderBy('added_at')
    .execute();
  return rows.map(presentAnchor);
}

/** Removes an anchor (kept, marked removed). Audited. */
export async function removeAnchor(trx: Trx, audit: AuditContext, id: string, now: Date): Promise<void> {
  const row = await trx
    .updateTable('trust_anchors')
    .set({ removed_at: now })
    .where('id', '=', id)
    .where('removed_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new AppError('trust_anchor_not_found', { field: 'id' });
  await recordAudit(trx, audit, {
    action: 'trust_anchor.remove',
    entityType: 'trust_anchor',
    entityId: row.id,
    before: { country: row.country, kid: row.kid, subject: row.subject },
  });
}

/** Forgets this node's copy of the verification keys (after an import or removal has committed). */
export function forgetVerificationKeys(db: Executor): void {
  lists.delete(db, 'list');
}

/**
 * Every key a verifier trusts: the platform's own (country VN) and the foreign anchors. Kept a
 * minute per node (an import or removal on this node clears it; a kid not found reads it again).
 */
export async function verificationKeys(db: Executor, now: Date): Promise<readonly CountryKey[]> {
  const list = await lists.get(db, 'list', async () => {
    const own = (await trustList(db, now)).map(
      (k): CountryKey => ({
        kid: k.kid,
        alg: k.alg,
        publicKeyPem: k.publicKeyPem,
        ...(k.keyUsage ? { keyUsage: k.keyUsage } : {}),
        country: 'VN',
      }),
    );
    const anchors = await db
      .selectFrom('trust_anchors')
      .select(['kid', 'alg', 'public_key_pem', 'key_usage', 'country'])
      .where('removed_at', 'is', null)
      .execute();
    return [
      ...own,
      ...anchors.map(
        (a): CountryKey => ({
          kid: a.kid,
          alg: a.alg,
          publicKeyPem: a.public_key_pem,
          ...(a.key_usage.length ? { keyUsage: a.key_usage } : {}),
          country: a.country,
        }),
      ),
    ];
  });
  return list ?? [];
}

/** The public list of every trusted key (the verifier page keeps it for offline use). */
export async function anchorKeys(db: Executor, now: Date): Promise<AnchorKeys> {
  return {
    keys: (await verificationKeys(db, now)).map((k) => ({
      kid: k.kid,
      alg: k.alg,
      publicKeyPem: k.publicKeyPem,
      country: k.country,
      keyUsage: [...(k.keyUsage ?? [])],
    })),
    valueSets: Object.fromEntries(Object.entries(dccValueSets()).map(([id, codes]) => [id, [...codes].sort()])),
    rules: Object.fromEntries(
      Object.entries(ACCEPTANCE_RULES).map(([country, rules]) => [country, rules.map((r) => ({ ...r }))]),
    ),
  };
}

/**
 * Verifies any country's certificate: core's `verifyHcert` against every trusted key (kids may
 * collide: each key with that kid is tried; ES256 and PS256; kid in either header; CWT-tagged
 * COSE), signatures checked with node:crypto. The platform's own certificate that a later one has
 * replaced (a correction, a renewal) answers `revoked`; one a later dose made older stays `valid`,
 * its reason saying a newer one exists; only then is the database asked (`stateOf`).
 */
export async function verifyQr(
  db: Executor,
  qr: string,
  destination: string | undefined,
  now: Date,
  /** The state of one of the platform's certificates (the certificates module's `certificateState`). */
  stateOf: (ci: string) => Promise<{ state: string; reason?: string | null }>,
): Promise<VerifyAnswer> {
  let v = await verifyHcert(qr.trim(), await verificationKeys(db, now), now, { checkSignature: nodeSignatureCheck });
  // A key made since this node read the list (a new signing key, another node's import): read again.
  if (v.result === 'unknown_key' && v.kid) {
    forgetVerificationKeys(db);
    v = await verifyHcert(qr.trim(), await verificationKeys(db, now), now, { checkSignature: nodeSignatureCheck });
  }
  const payload = v.payload ?? null;
  const first = (payload?.v ?? payload?.t ?? payload?.r) as { co?: unknown; ci?: unknown }[] | undefined;
  const co = typeof first?.[0]?.co === 'string' ? first[0].co : null;
  const ci = typeof first?.[0]?.ci === 'string' ? first[0].ci : null;
  // The signing key's country when a trusted key signed; otherwise what the certificate says.
  const issuerCountry = (v.signer as CountryKey | undefined)?.country ?? v.claims?.iss ?? co;
  const answer = (result: VerifyAnswer['result'], signatureValid: boolean, reason: string | null): VerifyAnswer => ({
    result,
    signatureValid,
    issuerCountry,
    certificate: payload,
    kid: v.kid ?? null,
    reason,
    issuedAt: v.claims?.iat != null ? new Date(v.claims.iat * 1000).toISOString() : null,
    expiresAt: v.claims?.exp != null ? new Date(v.claims.exp * 1000).toISOString() : null,
  });
  switch (v.result) {
    case 'malformed':
      return answer('malformed', false, v.reason ?? null);
    case 'unknown_key':
      return answer('unknown_key', false, v.reason ?? null);
    case 'bad_signature':
      return answer('invalid_signature', false, v.reason ?? null);
    case 'wrong_key_usage':
      return answer('invalid_signature', true, v.reason ?? null);
    case 'invalid_payload':
      return answer('malformed', true, v.reason ?? null);
    case 'expired':
      return answer('expired', true, v.reason ?? null);
    case 'not_yet_valid':
      return answer('not_yet_valid', true, v.reason ?? null);
    case 'valid': {
      // Signed by a trusted key: now whether its content makes sense (value sets, plausibility).
      const findings = dccFindings(payload ?? {}, v.claims, dccValueSets());
      if (findings.length) {
        return {
          ...answer('malformed', true, findings.map((f) => f.message.en).join(' ')),
          ruleFindings: findings,
        };
      }
      // A certificate a later dose made older stays valid (EU DCC practice), said in the reason.
      let note: string | null = null;
      if (issuerCountry === 'VN' && ci) {
        const { state, reason } = await stateOf(ci);
        if (state === 'superseded') {
          // Replaced (a correction, a renewal) or withdrawn (a passport blocked, merged): core's text.
          return answer('revoked', true, supersedeReasonText(reason).en);
        }
        if (state === 'newer_issued') {
          note =
            'A newer certificate of the same person exists (a later dose); this one stays valid for what it states.';
        }
      }
      if (!destination) return answer('valid', true, note);
      const acceptance = checkAcceptance({
        destination,
        rules: ACCEPTANCE_RULES[destination] ?? [],
        payload: payload ?? {},
        claims: v.claims,
        valueSets: dccValueSets(),
        clock: now,
      });
      return {
        ...answer('valid', true, note),
        acceptance: {
          ...acceptance,
          rules: acceptance.rules.map((r) => ({ ...r, affectedFields: [...r.affectedFields] })),
        },
      };
    }
  }
}
