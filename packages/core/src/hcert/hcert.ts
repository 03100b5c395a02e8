import { base45Decode, base45Encode } from './base45.js';
import {
  COSE_ALG_ES256,
  COSE_ALG_PS256,
  type CoseHeader,
  coseAlgAndKid,
  coseSign1View,
  decodeCoseSign1,
  encodeCoseSign1,
  encodeProtectedHeader,
  sigStructure,
  sigStructureView,
} from './cose.js';
import { type CwtClaims, decodeCwtClaims, encodeCwtClaims, encodeCwtClaimsView, type JsonObject } from './cwt.js';
import { validateDccPayload } from './dcc-check.js';
import { zlibDeflateView } from './deflate.js';
import { HcertError, type HcertErrorCode, isHcertError } from './errors.js';
import {
  bytesToBase64,
  DCC_KEY_USAGE,
  type HcertAlg,
  type HcertSigner,
  importVerifyKeyCached,
  type TrustList,
  type TrustListKey,
  trustListKeysByKid,
  verifySignature,
} from './keys.js';
import type { DccType } from './schema.js';
import { zlibInflateChecked } from './zlib.js';

/**
 * HCERT, the EU Digital COVID Certificate's QR content (EU DCC Volume 1):
 * JSON payload → CWT claims (CBOR) → COSE_Sign1 (ES256) → zlib → base45 → `HC1:` prefix.
 */

/** The context identifier every HCERT starts with. */
export const HCERT_PREFIX = 'HC1:';

/** What {@link encodeHcert} needs. */
export interface EncodeHcertInput {
  /** The EU DCC payload (see `buildVaccinationPayload`); it must meet the DCC 1.3.0 schema. */
  readonly payload: unknown;
  /** The 8-byte key id (see `computeKid`). */
  readonly kid: Uint8Array;
  /** Signs the Sig_structure; must return a raw 64-byte ES256 signature (r‖s). */
  readonly sign: HcertSigner;
  /** `iat`. */
  readonly issuedAt: Date;
  /**
   * zlib deflate; by default core's own synchronous one (`zlibDeflateView`, the signature stored;
   * the same in every runtime and several times faster than a zlib context for a certificate's
   * ~400 bytes). Any zlib compressor gives a valid HCERT (e.g. `CompressionStream('deflate')` via
   * `zlibDeflate`).
   */
  readonly deflate?: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;
  /**
   * The payload was built by `buildVaccinationPayload`, which returns only payloads that meet the
   * schema (it checks what comes from its input; payload.test.ts holds every result to the schema):
   * skip the check.
   */
  readonly payloadValidated?: boolean;
  /** `exp`; after `issuedAt` (the passport is valid 12 months, SPEC: Vaccine passport). */
  readonly expiresAt: Date;
  /** `iss`, the issuing country; `VN`. */
  readonly issuer?: 'VN';
}

/** Signs synchronously (node:crypto's `sign` with `dsaEncoding: 'ieee-p1363'`); see {@link HcertSigner}. */
export type HcertSyncSigner = (sigStructure: Uint8Array) => Uint8Array;

/** What {@link encodeHcertSync} needs: as {@link EncodeHcertInput}, with synchronous signing and deflate. */
export interface EncodeHcertSyncInput extends Omit<EncodeHcertInput, 'sign' | 'deflate'> {
  readonly sign: HcertSyncSigner;
  readonly deflate?: (bytes: Uint8Array) => Uint8Array;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The protected header of the last key used: one key signs every certificate until rotation. */
let lastHeader: { readonly kid: Uint8Array; readonly bytes: Uint8Array } | null = null;

function protectedHeaderOf(kid: Uint8Array): Uint8Array {
  const last = lastHeader;
  if (last && sameBytes(last.kid, kid)) return last.bytes;
  const bytes = encodeProtectedHeader(kid, COSE_ALG_ES256);
  lastHeader = { kid: kid.slice(), bytes };
  return bytes;
}

/**
 * Checks the input; returns the protected header and the CWT claims `encode`d (what is signed).
 */
function signedParts(
  input: Omit<EncodeHcertInput, 'sign' | 'deflate'>,
  encode: typeof encodeCwtClaims,
): { protectedBytes: Uint8Array; payloadBytes: Uint8Array } {
  if (!input.payloadValidated) {
    const check = validateDccPayload(input.payload);
    if (!check.ok)
      throw new HcertError('payload', `The payload does not meet the DCC schema: ${check.issues.join('; ')}`);
  }
  if (input.kid.length !== 8) throw new HcertError('input', `The kid must be 8 bytes (got ${input.kid.length}).`);
  const iat = Math.floor(input.issuedAt.getTime() / 1000);
  const exp = Math.floor(input.expiresAt.getTime() / 1000);
  if (!Number.isFinite(iat) || !Number.isFinite(exp) || exp <= iat) {
    throw new HcertError('input', 'expiresAt must be a valid date after issuedAt.');
  }
  return {
    protectedBytes: protectedHeaderOf(input.kid),
    payloadBytes: encode({ iss: input.issuer ?? 'VN', iat, exp, payload: input.payload }),
  };
}

/** Refuses anything but a raw ES256 signature (r‖s, 64 bytes). */
function checkSignature(signature: unknown): asserts signature is Uint8Array {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    throw new HcertError(
      'sign',
      'The signer must return a raw ES256 signature of 64 bytes (r‖s, IEEE P1363), not DER.',
    );
  }
}

/**
 * Core's zlib of a COSE_Sign1 whose last 64 bytes are the ES256 signature: random bytes, which no
 * compressor shrinks, so they are stored rather than searched (see `zlibDeflateView`). A view,
 * valid until the next call.
 */
function deflateCose(cose: Uint8Array): Uint8Array {
  return zlibDeflateView(cose, cose.length - 64);
}

/**
 * Encodes and signs a DCC as an `HC1:` string for a QR code. Signing is injected: tests and
 * browsers sign with WebCrypto (`es256Signer`); the server, whose signer is synchronous, uses
 * {@link encodeHcertSync}. Throws {@link HcertError}: `payload` (not schema-valid), `input` (kid
 * not 8 bytes, dates), `sign` (signature not 64 bytes).
 */
export async function encodeHcert(input: EncodeHcertInput): Promise<string> {
  // Fresh arrays throughout: other certificates may be encoded while this one awaits its signer.
  const parts = signedParts(input, encodeCwtClaims);
  const signature = await input.sign(sigStructure(parts.protectedBytes, parts.payloadBytes));
  checkSignature(signature);
  const cose = encodeCoseSign1({ ...parts, signature });
  return HCERT_PREFIX + base45Encode(input.deflate ? await input.deflate(cose) : deflateCose(cose));
}

/**
 * {@link encodeHcert} with a synchronous signer (node:crypto): the same `HC1:` string. Nothing
 * can run between its steps, so each writes into a reused buffer that the next one reads (the
 * signer gets a view it must not keep) — no promise and no fresh array per step, which is most of
 * what issuing costs besides the signature. The server issues certificates this way.
 */
export function encodeHcertSync(input: EncodeHcertSyncInput): string {
  const parts = signedParts(input, encodeCwtClaimsView);
  const signature = input.sign(sigStructureView(parts.protectedBytes, parts.payloadBytes));
  checkSignature(signature);
  const cose = coseSign1View({ ...parts, signature });
  return HCERT_PREFIX + base45Encode(input.deflate ? input.deflate(cose) : deflateCose(cose));
}

/** An HCERT taken apart (not yet verified). */
export interface DecodedHcert {
  /** The COSE headers and the effective algorithm and key id. */
  readonly header: {
    readonly alg: number | null;
    readonly protected: CoseHeader;
    readonly unprotected: CoseHeader;
    /** Where the kid was found: the protected header wins (only it is signed). */
    readonly kidLocation: 'protected' | 'unprotected' | null;
  };
  /** The key id, or null when neither header has one. */
  readonly kid: Uint8Array | null;
  /** The EU DCC JSON payload, as decoded (not schema-checked: see `validateDccPayload`). */
  readonly payload: JsonObject;
  /** `iss`, `iat`, `exp` (seconds since the epoch). */
  readonly claims: CwtClaims;
  /** The signed parts, byte for byte. */
  readonly cose: {
    readonly protectedBytes: Uint8Array;
    readonly payloadBytes: Uint8Array;
    readonly signature: Uint8Array;
  };
}

/**
 * Takes an `HC1:` string apart without verifying it. Throws {@link HcertError} with code
 * `prefix`, `base45`, `zlib`, `cbor`, `cose` or `cwt` for the stage that fails.
 */
export async function decodeHcert(qr: string): Promise<DecodedHcert> {
  if (typeof qr !== 'string') throw new HcertError('prefix', 'The QR content is not text.');
  // A scanner may append a line break; nothing else is forgiven.
  const text = qr.replace(/[\r\n]+$/, '');
  if (!text.startsWith(HCERT_PREFIX)) {
    throw new HcertError('prefix', `The text does not start with "${HCERT_PREFIX}"; it is not an EU DCC.`);
  }
  const compressed = base45Decode(text.slice(HCERT_PREFIX.length));
  const coseBytes = zlibInflateChecked(compressed);
  const cose = decodeCoseSign1(coseBytes);
  const { alg, kid, kidLocation } = coseAlgAndKid(cose);
  const { claims, payload } = decodeCwtClaims(cose.payloadBytes);
  return {
    header: { alg, protected: cose.protectedHeader, unprotected: cose.unprotectedHeader, kidLocation },
    kid,
    payload,
    claims,
    cose: { protectedBytes: cose.protectedBytes, payloadBytes: cose.payloadBytes, signature: cose.signature },
  };
}

/**
 * The outcome of a verification, in the order they are checked:
 * `malformed` (not an HCERT at all), `unknown_key` (kid not in the trust list), `bad_signature`
 * (forged or altered, or an algorithm we do not accept), `wrong_key_usage` (the signer's
 * certificate may not sign this type), `invalid_payload` (signed, but not a DCC by the schema),
 * `not_yet_valid` (`iat` in the future), `expired` (`exp` past), `valid`.
 */
export type HcertVerifyResult =
  | 'valid'
  | 'bad_signature'
  | 'unknown_key'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_key_usage'
  | 'invalid_payload'
  | 'malformed';

/** What {@link verifyHcert} tells. Content is reported whenever it could be decoded. */
export interface HcertVerification {
  readonly result: HcertVerifyResult;
  /** Why it is not valid, in English, for logs and the verifier's details view. */
  readonly reason?: string;
  /** For `malformed`: the stage that failed. */
  readonly errorCode?: HcertErrorCode;
  /** The DCC payload (present when decoding succeeded — trust it only when `result` is `valid`). */
  readonly payload?: JsonObject;
  /** The key id, base64 (as in the trust list). */
  readonly kid?: string;
  /** `iss`, `iat`, `exp`. */
  readonly claims?: CwtClaims;
  /** The signature algorithm named in the header, when we know it. */
  readonly alg?: HcertAlg;
  /** The trust-list entry whose key made the signature, once it matched (kids may collide). */
  readonly signer?: TrustListKey;
}

const ALG_NAMES: ReadonlyMap<number, HcertAlg> = new Map([
  [COSE_ALG_ES256, 'ES256'],
  [COSE_ALG_PS256, 'PS256'],
]);

/**
 * May a key with these extended key usages sign a certificate of this type? A key whose
 * certificate names none of the DCC OIDs may sign every type (EU DCC Volume 1, §5.4.1).
 */
export function keyUsageAllows(keyUsage: readonly string[] | undefined, type: DccType): boolean {
  if (!keyUsage) return true;
  const dccOids: readonly string[] = [...DCC_KEY_USAGE.t, ...DCC_KEY_USAGE.v, ...DCC_KEY_USAGE.r];
  if (!keyUsage.some((oid) => dccOids.includes(oid))) return true;
  return DCC_KEY_USAGE[type].some((oid) => keyUsage.includes(oid));
}

/** `not_yet_valid`, `expired` or null for the claims at `now` (a missing claim is not checked). */
export function validityAt(claims: CwtClaims, now: Date): 'not_yet_valid' | 'expired' | null {
  const t = now.getTime();
  if (claims.iat !== null && claims.iat * 1000 > t) return 'not_yet_valid';
  if (claims.exp !== null && claims.exp * 1000 < t) return 'expired';
  return null;
}

/**
 * Checks a COSE signature with a trust-list entry's key, in place of WebCrypto: a runtime with a
 * faster synchronous primitive (Node's `crypto.verify`) passes one. Must answer false for a
 * signature that does not match, an ES256 signature that is not 64 bytes (r‖s), or PS256 with a
 * salt other than 32 bytes; may throw for a key it cannot read (the entry is then skipped).
 */
export type SignatureCheck = (
  alg: HcertAlg,
  entry: TrustListKey,
  signature: Uint8Array,
  data: Uint8Array,
) => boolean | Promise<boolean>;

/** The default {@link SignatureCheck}: WebCrypto, with each trust-list key imported once. */
const webCryptoCheck: SignatureCheck = async (alg, entry, signature, data) =>
  verifySignature(alg, await importVerifyKeyCached(entry), signature, data);

/** Options of {@link verifyHcert}. */
export interface VerifyHcertOptions {
  /** Checks signatures instead of WebCrypto (see {@link SignatureCheck}). */
  readonly checkSignature?: SignatureCheck;
}

/**
 * Verifies an `HC1:` string offline against a trust list (the API's `{keys: [...]}` or the array):
 * decodes it, finds the key by kid (protected header first), checks the signature with WebCrypto
 * (ES256; PS256 for foreign certificates), the key usage, the DCC schema and the validity period
 * at `now`. Never throws for bad input: every failure is a result.
 */
export async function verifyHcert(
  qr: string,
  trustList: TrustList,
  now: Date = new Date(),
  options: VerifyHcertOptions = {},
): Promise<HcertVerification> {
  let decoded: DecodedHcert;
  try {
    decoded = await decodeHcert(qr);
  } catch (e) {
    if (isHcertError(e)) return { result: 'malformed', reason: e.message, errorCode: e.code };
    throw e;
  }
  const { claims, payload } = decoded;
  const alg = decoded.header.alg === null ? undefined : ALG_NAMES.get(decoded.header.alg);
  const seen = {
    payload,
    claims,
    ...(decoded.kid ? { kid: bytesToBase64(decoded.kid) } : {}),
    ...(alg ? { alg } : {}),
  };
  if (!decoded.kid) return { result: 'unknown_key', reason: 'The certificate names no key (kid).', ...seen };
  const kid = bytesToBase64(decoded.kid);
  const candidates = trustListKeysByKid(trustList, kid);
  if (candidates.length === 0) return { result: 'unknown_key', reason: `No key ${kid} in the trust list.`, ...seen };
  if (!alg) {
    return { result: 'bad_signature', reason: `Signature algorithm ${decoded.header.alg} is not accepted.`, ...seen };
  }
  const data = sigStructure(decoded.cose.protectedBytes, decoded.cose.payloadBytes);
  const check = options.checkSignature ?? webCryptoCheck;
  // kids may collide (8 bytes); any listed key of the same algorithm may have signed.
  let signer: TrustListKey | undefined;
  for (const entry of candidates) {
    if (entry.alg !== alg) continue;
    let ok = false;
    try {
      ok = await check(alg, entry, decoded.cose.signature, data);
    } catch {
      continue; // a key that cannot be read as `alg`
    }
    if (ok) {
      signer = entry;
      break;
    }
  }
  if (!signer) {
    const sameAlg = candidates.some((k) => k.alg === alg);
    return {
      result: 'bad_signature',
      reason: sameAlg ? 'The signature does not match the content.' : `The trust-list key ${kid} is not an ${alg} key.`,
      ...seen,
    };
  }
  // From here the signature is right: say whose key made it.
  const signed = { ...seen, signer };
  const schema = validateDccPayload(payload);
  if (schema.ok && !keyUsageAllows(signer.keyUsage, schema.type)) {
    return {
      result: 'wrong_key_usage',
      reason: `Key ${kid} may not sign certificates of type "${schema.type}".`,
      ...signed,
    };
  }
  if (!schema.ok) {
    return { result: 'invalid_payload', reason: `Not a valid DCC: ${schema.issues.join('; ')}`, ...signed };
  }
  const period = validityAt(claims, now);
  if (period === 'not_yet_valid') {
    return { result: 'not_yet_valid', reason: 'The certificate was issued after the time of checking.', ...signed };
  }
  if (period === 'expired') return { result: 'expired', reason: 'The certificate has expired.', ...signed };
  return { result: 'valid', ...signed };
}
