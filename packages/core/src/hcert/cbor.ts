import { Encoder, type Options, Tag } from 'cbor-x';

/**
 * The CBOR writer for what is signed, cbor-x set up for COSE/CWT: plain CBOR that any DCC verifier
 * reads. (Reading is cbor-decode.ts, which reads the same way and pulls no cbor-x into the verifier.)
 * - `useRecords: false`: no cbor-x record extension (tag 105) — plain maps;
 * - `mapsAsObjects: false`: decoded maps are `Map`s, so integer keys (1, 4, 6, -260) stay integers;
 * - `useTag259ForMaps: false`: a `Map` is written as a plain CBOR map, not tag 259;
 * - `tagUint8Array: false`: a `Uint8Array` is a plain byte string, not tag 64;
 * - `variableMapSize: true`: objects get the shortest map header (preferred serialisation), not
 *   cbor-x's default 16-bit one.
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

/** cbor-x's tagged value: `new Tag(value, 18)` writes COSE_Sign1 (reading yields cbor-decode.ts's `CborTag`). */
export { Tag };

/** Encodes a value as CBOR; returns a fresh `Uint8Array` (never cbor-x's reused buffer). */
export function cborEncode(value: unknown): Uint8Array<ArrayBuffer> {
  return new Uint8Array(encoder.encode(value));
}

/** The reader (cbor-decode.ts: no cbor-x, so that a verifier in the browser never loads it). */
export { cborDecode, isBytes } from './cbor-decode.js';
