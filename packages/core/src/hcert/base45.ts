import { HcertError } from './errors.js';

/**
 * Base45 (RFC 9285), the encoding of the EU DCC QR: 45 characters that all fit the QR code's
 * alphanumeric mode, so 2 bytes take 3 characters. Written here (a few lines) rather than taken
 * from a package so that it runs in browsers without a `Buffer` polyfill.
 */
export const BASE45_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const ALPHABET_CODES = Uint8Array.from(BASE45_ALPHABET, (c) => c.charCodeAt(0));
const ASCII = new TextDecoder();
let scratch = new Uint8Array(1024);

const VALUE_OF: ReadonlyMap<string, number> = new Map([...BASE45_ALPHABET].map((c, i) => [c, i]));

/** Encodes bytes as base45: every 2 bytes as 3 characters, a last odd byte as 2. */
export function base45Encode(bytes: Uint8Array): string {
  // ASCII codes into a reused byte array, decoded once: string concatenation per character costs
  // more than the arithmetic on a certificate's ~400 bytes, and a fresh array about as much again.
  const size = Math.floor(bytes.length / 2) * 3 + (bytes.length % 2) * 2;
  if (scratch.length < size || scratch.length > 65_536) scratch = new Uint8Array(Math.max(1024, size));
  const out = scratch;
  let o = 0;
  const pairsEnd = bytes.length - (bytes.length % 2);
  // n / 45 as a multiplication: floor(n × 46604 / 2^21) = floor(n / 45) for every n < 65 536
  // (base45.test.ts checks them all), and the product stays below 2^32.
  for (let i = 0; i < pairsEnd; i += 2) {
    const n = bytes[i]! * 256 + bytes[i + 1]!;
    const q = (n * 46_604) >>> 21;
    const q2 = (q * 46_604) >>> 21;
    out[o++] = ALPHABET_CODES[n - q * 45]!;
    out[o++] = ALPHABET_CODES[q - q2 * 45]!;
    out[o++] = ALPHABET_CODES[q2]!;
  }
  if (pairsEnd < bytes.length) {
    const first = bytes[pairsEnd]!;
    const q = (first * 46_604) >>> 21;
    out[o++] = ALPHABET_CODES[first - q * 45]!;
    out[o++] = ALPHABET_CODES[q]!;
  }
  return ASCII.decode(out.subarray(0, size));
}

/**
 * Decodes base45 text. Strict, as RFC 9285 requires: throws {@link HcertError} `base45` on a
 * character outside the alphabet, a length that leaves one character over, or a group whose value
 * does not fit its bytes (above 65535 for three characters, 255 for two).
 */
export function base45Decode(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 3 === 1) {
    throw new HcertError('base45', `Base45 text of length ${text.length} cannot be decoded (one character over).`);
  }
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  const valueAt = (i: number): number => {
    const ch = text[i]!;
    const v = VALUE_OF.get(ch);
    if (v === undefined) {
      throw new HcertError('base45', `Invalid base45 character ${JSON.stringify(ch)} at position ${i}.`);
    }
    return v;
  };
  for (let i = 0; i < text.length; i += 3) {
    if (i + 2 < text.length) {
      const n = valueAt(i) + valueAt(i + 1) * 45 + valueAt(i + 2) * 2025;
      if (n > 0xffff) throw new HcertError('base45', `Base45 group at position ${i} is out of range.`);
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      const n = valueAt(i) + valueAt(i + 1) * 45;
      if (n > 0xff) throw new HcertError('base45', `Base45 group at position ${i} is out of range.`);
      out[o++] = n;
    }
  }
  return out;
}
