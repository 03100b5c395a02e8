import { cborEncode } from './cbor.js';
import { CborTag, cborDecode, isBytes } from './cbor-decode.js';
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

/** The length of the CBOR head of a byte string of `length` bytes (shortest form, RFC 8949 §3.1). */
function bstrHeadLength(length: number): number {
  return length < 24 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
}

/**
 * Writes a byte string (major type 2, shortest head) into `out` at `at`; returns the end.
 * COSE envelopes are fixed shapes around byte strings, so they are written here byte by byte into
 * one buffer of the exact size — the same bytes cbor-x writes (cose.test.ts holds the two side by
 * side).
 */
function writeBstr(out: Uint8Array, at: number, bytes: Uint8Array): number {
  const length = bytes.length;
  if (length < 24) out[at++] = 0x40 | length;
  else if (length < 0x100) {
    out[at++] = 0x58;
    out[at++] = length;
  } else if (length < 0x10000) {
    out[at++] = 0x59;
    out[at++] = length >>> 8;
    out[at++] = length & 0xff;
  } else {
    out[at++] = 0x5a;
    out[at++] = length >>> 24;
    out[at++] = (length >>> 16) & 0xff;
    out[at++] = (length >>> 8) & 0xff;
    out[at++] = length & 0xff;
  }
  out.set(bytes, at);
  return at + length;
}

const bstrSize = (bytes: Uint8Array) => bstrHeadLength(bytes.length) + bytes.length;

/** `0x84` (array of 4) and the text string "Signature1" (RFC 9052 §4.4). */
const SIG1_CONTEXT = Uint8Array.of(0x84, 0x6a, ...new TextEncoder().encode('Signature1'));
const NO_AAD = new Uint8Array(0);

/** `out` when it holds `size` bytes, else a new array of that size. */
function outOf(size: number, out: Uint8Array<ArrayBuffer> | undefined): Uint8Array<ArrayBuffer> {
  return out && out.length >= size ? out.subarray(0, size) : new Uint8Array(size);
}

function writeSigStructure(
  protectedBytes: Uint8Array,
  payloadBytes: Uint8Array,
  externalAad: Uint8Array,
  out?: Uint8Array<ArrayBuffer>,
): Uint8Array<ArrayBuffer> {
  const bytes = outOf(
    SIG1_CONTEXT.length + bstrSize(protectedBytes) + bstrSize(externalAad) + bstrSize(payloadBytes),
    out,
  );
  bytes.set(SIG1_CONTEXT);
  let at = writeBstr(bytes, SIG1_CONTEXT.length, protectedBytes);
  at = writeBstr(bytes, at, externalAad);
  writeBstr(bytes, at, payloadBytes);
  return bytes;
}

/**
 * The bytes that are signed (RFC 9052 §4.4):
 * `["Signature1", protected bstr, external_aad bstr, payload bstr]` as CBOR.
 */
export function sigStructure(
  protectedBytes: Uint8Array,
  payloadBytes: Uint8Array,
  externalAad: Uint8Array = NO_AAD,
): Uint8Array<ArrayBuffer> {
  return writeSigStructure(protectedBytes, payloadBytes, externalAad);
}

/** The four parts of a COSE_Sign1 we write. */
export interface CoseSign1Parts {
  readonly protectedBytes: Uint8Array;
  readonly payloadBytes: Uint8Array;
  readonly signature: Uint8Array;
}

function writeCoseSign1(parts: CoseSign1Parts, out?: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const { protectedBytes, payloadBytes, signature } = parts;
  const bytes = outOf(3 + bstrSize(protectedBytes) + bstrSize(payloadBytes) + bstrSize(signature), out);
  bytes[0] = 0xd2; // tag 18
  bytes[1] = 0x84; // array of 4
  let at = writeBstr(bytes, 2, protectedBytes);
  bytes[at++] = 0xa0; // the unprotected header: an empty map
  at = writeBstr(bytes, at, payloadBytes);
  writeBstr(bytes, at, signature);
  return bytes;
}

/** Encodes a tagged COSE_Sign1 with an empty unprotected header. */
export function encodeCoseSign1(parts: CoseSign1Parts): Uint8Array<ArrayBuffer> {
  return writeCoseSign1(parts);
}

/** The reused buffers of the views below (a certificate's envelopes are well under 1 KiB). */
let sigScratch = new Uint8Array(1024);
let coseScratch = new Uint8Array(1024);
const grown = (scratch: Uint8Array<ArrayBuffer>, size: number) =>
  scratch.length >= size && scratch.length <= 65_536 ? scratch : new Uint8Array(Math.max(1024, size));

/**
 * {@link sigStructure} written into a reused buffer: a view valid only until the next call (the
 * issuing path signs it at once). Saves allocating a fresh array per certificate, which costs
 * about as much as writing it.
 */
export function sigStructureView(protectedBytes: Uint8Array, payloadBytes: Uint8Array): Uint8Array<ArrayBuffer> {
  sigScratch = grown(sigScratch, SIG1_CONTEXT.length + 1 + bstrSize(protectedBytes) + bstrSize(payloadBytes));
  return writeSigStructure(protectedBytes, payloadBytes, NO_AAD, sigScratch);
}

/** {@link encodeCoseSign1} written into a reused buffer: a view valid only until the next call. */
export function coseSign1View(parts: CoseSign1Parts): Uint8Array<ArrayBuffer> {
  coseScratch = grown(
    coseScratch,
    3 + bstrSize(parts.protectedBytes) + bstrSize(parts.payloadBytes) + bstrSize(parts.signature),
  );
  return writeCoseSign1(parts, coseScratch);
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
  if (item instanceof CborTag && item.tag === CWT_TAG) item = item.value;
  if (item instanceof CborTag) {
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
