/**
 * Why an HCERT could not be produced or read. Each stage of the `HC1:` pipeline has its own code so
 * a verifier can say what is wrong (a QR from another scheme, a damaged scan, a non-DCC CBOR…).
 */
export const HCERT_ERROR_CODES = [
  /** The text does not start with the `HC1:` context identifier. */
  'prefix',
  /** The text after the prefix is not valid base45 (RFC 9285). */
  'base45',
  /** The base45 bytes are not a zlib (deflate with zlib header) stream, or inflate too large. */
  'zlib',
  /** The inflated bytes, a protected header or the CWT are not well-formed CBOR. */
  'cbor',
  /** Well-formed CBOR, but not a COSE_Sign1 structure. */
  'cose',
  /** The COSE payload is not a CWT claims map holding an HCERT (claim -260, key 1). */
  'cwt',
  /** A payload that does not meet the EU DCC schema (issuing side). */
  'payload',
  /** Invalid input to the encoder: kid, dates, issuer. */
  'input',
  /** The injected signer returned something other than a raw 64-byte ES256 signature. */
  'sign',
  /** A key or certificate that cannot be read (PEM, SPKI). */
  'key',
] as const;

/** One of {@link HCERT_ERROR_CODES}. */
export type HcertErrorCode = (typeof HCERT_ERROR_CODES)[number];

/** An error of the HCERT pipeline with a stable {@link HcertErrorCode}. */
export class HcertError extends Error {
  /** Which stage failed. */
  readonly code: HcertErrorCode;

  /** Creates an error for `code`; `cause` keeps the underlying library error when there is one. */
  constructor(code: HcertErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HcertError';
    this.code = code;
  }
}

/** True when `e` is an {@link HcertError} (optionally with the given code). */
export function isHcertError(e: unknown, code?: HcertErrorCode): e is HcertError {
  return e instanceof HcertError && (code === undefined || e.code === code);
}
