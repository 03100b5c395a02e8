import { Decoder, Encoder, type Options, Tag } from 'cbor-x';
import { HcertError } from './errors.js';

/**
 * cbor-x set up for COSE/CWT: plain CBOR that any DCC verifier reads.
 * - `useRecords: false`: no cbor-x record extension (tag 105) — plain maps;
 * - `mapsAsObjects: false`: decoded maps are `Map`s, so integer keys (1, 4, 6, -260) stay integers;
 * - `useTag259ForMaps: false`: a `Map` is written as a plain CBOR map, not tag 259;
 * - `tagUint8Array: false`: a `Uint8Array` is a plain byte string, not tag 64;
 * - `variableMapSize: true`: objects get the shortest map header (preferred serialisation), not
 *   cbor-x's default 16-bit one.
 * Tags the DCC uses (18 COSE_Sign1, 61 CWT) come out as {@link Tag}.
 */
const OPTIONS: Options & { useTag259ForMaps: boolean } = {
  useRecords: false,
  mapsAsObjects: false,
  useTag259ForMaps: false,
  tagUint8Array: false,
  variableMapSize: true,
  bundleStrings: false,
  pack: false,
};

const encoder = new Encoder(OPTIONS);
const decoder = new Decoder(OPTIONS);

/** cbor-x's tagged value: `new Tag(value, 18)` writes COSE_Sign1; decoding yields it for tags cbor-x does not interpret. */
export { Tag };

/** Encodes a value as CBOR; returns a fresh `Uint8Array` (never cbor-x's reused buffer). */
export function cborEncode(value: unknown): Uint8Array<ArrayBuffer> {
  return new Uint8Array(encoder.encode(value));
}

/**
 * Decodes exactly one CBOR item; trailing bytes are an error. Throws {@link HcertError} `cbor`
 * (with `what` in the message) on anything malformed.
 */
export function cborDecode(bytes: Uint8Array, what = 'data'): unknown {
  if (bytes.length === 0) throw new HcertError('cbor', `The ${what} is empty.`);
  try {
    return decoder.decode(bytes) as unknown;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new HcertError('cbor', `The ${what} is not valid CBOR (${why}).`, { cause: e });
  }
}

/** True for a CBOR byte string as cbor-x decodes it (a `Uint8Array`, a `Buffer` in Node). */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}
