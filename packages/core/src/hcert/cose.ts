import { cborDecode, cborEncode, isBytes, Tag } from './cbor.js';
import { HcertError } from './errors.js';

/**
 * COSE_Sign1 (RFC 9052 §4.2), the signature envelope of an HCERT:
 * `Tag(18) [protected: bstr, unprotected: map, payload: bstr, signature: bstr]`.
 */

/** COSE header label `alg`. */
export const COSE_HEADER_ALG = 1;
/** COSE header label `kid`. */
export const COSE_HEADER_KID = 4;
/** CBOR tag of COSE_Sign1. */
export const COSE_SIGN1_TAG = 18;
/** CBOR tag of a CWT (RFC 8392); some issuers wrap the COSE_Sign1 in it. */
export const CWT_TAG = 61;
/** COSE algorithm ES256: ECDSA on P-256 with SHA-256, signature r‖s (64 bytes). */
export const COSE_ALG_ES256 = -7;
/** COSE algorithm PS256: RSASSA-PSS with SHA-256 (salt 32 bytes), used by some EU states. */
export const COSE_ALG_PS256 = -37;

/** A COSE header label: an integer, or a text string for private use. */
export type CoseLabel = number | string;

/** A decoded COSE header map. */
export type CoseHeader = ReadonlyMap<CoseLabel, unknown>;

/** The four parts of a COSE_Sign1, with the headers also decoded. */
export interface CoseSign1 {
  /** The protected header exactly as signed (a CBOR map inside a byte string; may be empty). */
  readonly protectedBytes: Uint8Array;
  /** The protected header decoded. */
  readonly protectedHeader: CoseHeader;
  /** The unprotected header (not covered by the signature). */
  readonly unprotectedHeader: CoseHeader;
  /** The payload exactly as signed (for an HCERT: the CWT claims map as CBOR). */
  readonly payloadBytes: Uint8Array;
  /** The signature; for ES256 the raw r‖s, 64 bytes. */
  readonly signature: Uint8Array;
}

/** The CBOR of an ES256 protected header: `{1: -7, 4: kid}`. */
export function encodeProtectedHeader(kid: Uint8Array, alg: number = COSE_ALG_ES256): Uint8Array<ArrayBuffer> {
  return cborEncode(
    new Map<number, unknown>([
      [COSE_HEADER_ALG, alg],
      [COSE_HEADER_KID, new Uint8Array(kid)],
    ]),
  );
}

/**
 * The CBOR head of a byte string of `length` bytes (major type 2, shortest form, RFC 8949 §3.1).
 * COSE envelopes are fixed shapes around byte strings, so they are written here byte by byte:
 * no encoder's intermediate objects on the issuing path, and the same bytes cbor-x writes
 * (cose.test.ts holds the two side by side).
 */
function bstrHead(length: number): Uint8Array {
  if (length < 24) return Uint8Array.of(0x40 | length);
  if (length < 0x100) return Uint8Array.of(0x58, length);
  if (length < 0x10000) return Uint8Array.of(0x59, length >>> 8, length & 0xff);
  return Uint8Array.of(0x5a, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

/** Concatenates CBOR pieces: fixed bytes and byte strings (each preceded by its head). */
function cborConcat(parts: readonly (readonly ['raw' | 'bstr', Uint8Array])[]): Uint8Array<ArrayBuffer> {
  let total = 0;
  const pieces: Uint8Array[] = [];
  for (const [kind, bytes] of parts) {
    if (kind === 'bstr') pieces.push(bstrHead(bytes.length));
    pieces.push(bytes);
  }
  for (const piece of pieces) total += piece.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

/** `0x84` (array of 4) and the text string "Signature1" (RFC 9052 §4.4). */
const SIG1_CONTEXT = Uint8Array.of(0x84, 0x6a, ...new TextEncoder().encode('Signature1'));
/** Tag 18 (`0xd2`) and an array of 4 (`0x84`). */
const SIGN1_OPEN = Uint8Array.of(0xd2, 0x84);
/** An empty map: the unprotected header. */
const EMPTY_MAP = Uint8Array.of(0xa0);

/**
 * The bytes that are signed (RFC 9052 §4.4):
 * `["Signature1", protected bstr, external_aad bstr, payload bstr]` as CBOR.
 */
export function sigStructure(
  protectedBytes: Uint8Array,
  payloadBytes: Uint8Array,
  externalAad: Uint8Array = new Uint8Array(0),
): Uint8Array<ArrayBuffer> {
  return cborConcat([
    ['raw', SIG1_CONTEXT],
    ['bstr', protectedBytes],
    ['bstr', externalAad],
    ['bstr', payloadBytes],
  ]);
}

/** Encodes a tagged COSE_Sign1 with an empty unprotected header. */
export function encodeCoseSign1(parts: {
  readonly protectedBytes: Uint8Array;
  readonly payloadBytes: Uint8Array;
  readonly signature: Uint8Array;
}): Uint8Array<ArrayBuffer> {
  return cborConcat([
    ['raw', SIGN1_OPEN],
    ['bstr', parts.protectedBytes],
    ['raw', EMPTY_MAP],
    ['bstr', parts.payloadBytes],
    ['bstr', parts.signature],
  ]);
}

function headerMap(value: unknown, which: string): CoseHeader {
  if (!(value instanceof Map)) throw new HcertError('cose', `The ${which} header is not a CBOR map.`);
  for (const key of value.keys()) {
    if (typeof key !== 'number' && typeof key !== 'string') {
      throw new HcertError('cose', `The ${which} header has a label that is neither an integer nor text.`);
    }
  }
  return value as CoseHeader;
}

/**
 * Reads a COSE_Sign1 from CBOR bytes. Accepts it tagged 18, untagged (the tag is optional when
 * the context says what it is), and wrapped in the CWT tag 61 (test vector CO28). Throws
 * {@link HcertError} `cbor` when the bytes are not CBOR and `cose` when they are not a COSE_Sign1.
 */
export function decodeCoseSign1(bytes: Uint8Array): CoseSign1 {
  let item = cborDecode(bytes, 'COSE message');
  if (item instanceof Tag && item.tag === CWT_TAG) item = item.value;
  if (item instanceof Tag) {
    if (item.tag !== COSE_SIGN1_TAG) {
      throw new HcertError('cose', `CBOR tag ${item.tag} is not COSE_Sign1 (tag 18).`);
    }
    item = item.value;
  }
  if (!Array.isArray(item) || item.length !== 4) {
    throw new HcertError('cose', 'The message is not a COSE_Sign1 (an array of 4 items).');
  }
  const [protectedBytes, unprotected, payloadBytes, signature] = item as unknown[];
  if (!isBytes(protectedBytes)) throw new HcertError('cose', 'The protected header is not a byte string.');
  if (!isBytes(payloadBytes)) throw new HcertError('cose', 'The payload is not a byte string.');
  if (!isBytes(signature)) throw new HcertError('cose', 'The signature is not a byte string.');
  // An empty protected header is the zero-length string (RFC 9052 §3), which means the empty map.
  const protectedHeader =
    protectedBytes.length === 0
      ? new Map<CoseLabel, unknown>()
      : headerMap(cborDecode(protectedBytes, 'protected header'), 'protected');
  return {
    protectedBytes: new Uint8Array(protectedBytes),
    protectedHeader,
    unprotectedHeader: headerMap(unprotected, 'unprotected'),
    payloadBytes: new Uint8Array(payloadBytes),
    signature: new Uint8Array(signature),
  };
}

/**
 * The algorithm and key id of a COSE_Sign1. The protected header wins: a `kid` in the unprotected
 * header is used only when the protected header has none (vectors CO18–CO23), since only the
 * protected one is signed.
 */
export function coseAlgAndKid(cose: CoseSign1): {
  alg: number | null;
  kid: Uint8Array | null;
  kidLocation: 'protected' | 'unprotected' | null;
} {
  const algValue = cose.protectedHeader.get(COSE_HEADER_ALG) ?? cose.unprotectedHeader.get(COSE_HEADER_ALG);
  const alg = typeof algValue === 'number' ? algValue : null;
  const pk = cose.protectedHeader.get(COSE_HEADER_KID);
  if (isBytes(pk)) return { alg, kid: new Uint8Array(pk), kidLocation: 'protected' };
  const uk = cose.unprotectedHeader.get(COSE_HEADER_KID);
  if (isBytes(uk)) return { alg, kid: new Uint8Array(uk), kidLocation: 'unprotected' };
  return { alg, kid: null, kidLocation: null };
}
