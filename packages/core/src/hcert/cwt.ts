import { cborEncode } from './cbor.js';
import { CborTag, cborDecode, isBytes } from './cbor-decode.js';
import { writeCborView } from './cbor-writer.js';
import { HcertError } from './errors.js';

/**
 * The CWT (RFC 8392) claims map that an HCERT signs: integer keys, as the EU DCC specifies
 * (Volume 1, §3.3.1): `{1: iss, 4: exp, 6: iat, -260: {1: <EU DCC payload>}}`.
 */

/** CWT claim `iss`: the issuing country, ISO 3166-1 alpha-2. */
export const CWT_ISS = 1;
/** CWT claim `exp`: expiry, seconds since the epoch. */
export const CWT_EXP = 4;
/** CWT claim `iat`: issued at, seconds since the epoch. */
export const CWT_IAT = 6;
/** CWT claim `hcert`: the health certificate container. */
export const CWT_HCERT = -260;
/** Key of the EU DCC v1 payload inside the `hcert` claim. */
export const HCERT_EU_DCC_V1 = 1;

/** The standard claims of an HCERT, in seconds since the epoch; null when the issuer left one out. */
export interface CwtClaims {
  readonly iss: string | null;
  readonly iat: number | null;
  readonly exp: number | null;
}

/** A JSON object as decoded from the CBOR payload. */
export type JsonObject = { [key: string]: unknown };

/** The CWT claims of an HCERT. */
export interface CwtClaimsInput {
  readonly iss: string;
  readonly iat: number;
  readonly exp: number;
  readonly payload: unknown;
}

/**
 * Encodes the CWT claims map as CBOR (a JS `Map` so the keys stay integers): by core's own
 * writer for a JSON payload of text and integers (every DCC), by cbor-x for anything else —
 * the same bytes either way (cbor-writer.test.ts).
 */
export function encodeCwtClaims(claims: CwtClaimsInput): Uint8Array<ArrayBuffer> {
  return encodeCwtClaimsView(claims).slice();
}

/** The claims map {@link encodeCwtClaimsView} fills in and writes: the same keys every time. */
const HCERT_CLAIM = new Map<number, unknown>([[HCERT_EU_DCC_V1, null]]);
const CLAIMS = new Map<number, unknown>([
  [CWT_ISS, ''],
  [CWT_EXP, 0],
  [CWT_IAT, 0],
  [CWT_HCERT, HCERT_CLAIM],
]);

/**
 * {@link encodeCwtClaims} without the copy: for a DCC payload, a view of the CBOR writer's buffer,
 * valid only until the next call (the issuing path copies it into the Sig_structure at once).
 */
export function encodeCwtClaimsView(claims: CwtClaimsInput): Uint8Array<ArrayBuffer> {
  CLAIMS.set(CWT_ISS, claims.iss).set(CWT_EXP, claims.exp).set(CWT_IAT, claims.iat);
  HCERT_CLAIM.set(HCERT_EU_DCC_V1, claims.payload);
  try {
    return writeCborView(CLAIMS) ?? cborEncode(CLAIMS);
  } finally {
    HCERT_CLAIM.set(HCERT_EU_DCC_V1, null); // keep no payload alive
  }
}

/**
 * The latest time a CWT claim may name: 9999-12-31T23:59:59Z, the last second an RFC 3339 date
 * can write (and far inside what a JavaScript Date holds). Later, or before 1970, is no real date.
 */
export const CWT_MAX_SECONDS = 253_402_300_799;

function seconds(value: unknown, name: string): number | null {
  if (value === undefined || value === null) return null;
  let s: number;
  // Some issuers tag NumericDate as an epoch date (tag 1); the reader turns that into a Date.
  if (value instanceof Date) s = Math.floor(value.getTime() / 1000);
  else if (typeof value === 'number') s = Math.floor(value);
  else if (typeof value === 'bigint') s = Number(value);
  else throw new HcertError('cwt', `The CWT claim ${name} is not a number of seconds.`);
  // NaN, ±Infinity, a Date beyond JavaScript's range, a year past 9999: no time to check against.
  if (!Number.isSafeInteger(s) || s < 0 || s > CWT_MAX_SECONDS) {
    throw new HcertError('cwt', `The CWT claim ${name} is not a time between 1970 and 9999.`);
  }
  return s;
}

/**
 * Turns decoded CBOR into JSON-like values: maps with text keys become plain objects (an own
 * property even for `__proto__`), dates ISO strings; byte strings and other values are kept.
 */
export function cborToJson(value: unknown, path = 'payload'): unknown {
  if (value instanceof Map) {
    const out: JsonObject = {};
    for (const [key, v] of value) {
      if (typeof key !== 'string') {
        throw new HcertError('cwt', `The ${path} has a non-text key (${String(key)}); a DCC is JSON.`);
      }
      Object.defineProperty(out, key, {
        value: cborToJson(v, `${path}.${key}`),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => cborToJson(v, `${path}[${i}]`));
  if (value instanceof Date) {
    // A tagged date beyond what a Date can hold (tag 1 with 1e15 seconds, tag 0 that is no date).
    if (Number.isNaN(value.getTime())) throw new HcertError('cwt', `The ${path} holds a date that cannot be.`);
    return value.toISOString();
  }
  if (value instanceof CborTag) return cborToJson(value.value, path);
  if (isBytes(value)) return new Uint8Array(value);
  return value;
}

/**
 * Reads the CWT claims and the EU DCC payload from the COSE payload bytes. Throws
 * {@link HcertError} `cbor` when they are not CBOR, `cwt` when they are not an HCERT claims map.
 */
export function decodeCwtClaims(bytes: Uint8Array): { claims: CwtClaims; payload: JsonObject } {
  const map = cborDecode(bytes, 'CWT payload');
  if (!(map instanceof Map)) throw new HcertError('cwt', 'The COSE payload is not a CWT claims map.');
  const iss = map.get(CWT_ISS);
  if (iss !== undefined && typeof iss !== 'string') throw new HcertError('cwt', 'The CWT claim iss is not text.');
  const hcert = map.get(CWT_HCERT);
  if (!(hcert instanceof Map)) throw new HcertError('cwt', 'The CWT has no hcert claim (-260).');
  const dcc = hcert.get(HCERT_EU_DCC_V1);
  if (!(dcc instanceof Map)) throw new HcertError('cwt', 'The hcert claim holds no EU DCC (key 1).');
  return {
    claims: { iss: iss ?? null, iat: seconds(map.get(CWT_IAT), 'iat'), exp: seconds(map.get(CWT_EXP), 'exp') },
    payload: cborToJson(dcc) as JsonObject,
  };
}
