import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cborEncode, Tag } from './cbor.js';
import { COSE_SIGN1_TAG, decodeCoseSign1, encodeCoseSign1, encodeProtectedHeader, sigStructure } from './cose.js';

/** What cbor-x writes for the same structures (the encoders before they were written by hand). */
const viaCbor = {
  sigStructure: (p: Uint8Array, payload: Uint8Array, aad = new Uint8Array(0)) =>
    cborEncode(['Signature1', new Uint8Array(p), new Uint8Array(aad), new Uint8Array(payload)]),
  sign1: (p: Uint8Array, payload: Uint8Array, sig: Uint8Array) =>
    cborEncode(new Tag([new Uint8Array(p), new Map(), new Uint8Array(payload), new Uint8Array(sig)], COSE_SIGN1_TAG)),
};

/** Byte strings around every boundary of the CBOR length head (23/24, 255/256, 65 535/65 536). */
const lengths = fc.oneof(
  fc.constantFrom(0, 1, 23, 24, 255, 256, 65_535, 65_536, 70_000),
  fc.integer({ min: 0, max: 600 }),
);
const bytesOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);

describe('COSE envelopes written byte by byte', () => {
  it('writes the Sig_structure exactly as a CBOR encoder does', () => {
    fc.assert(
      fc.property(lengths, lengths, fc.integer({ min: 0, max: 30 }), (pl, bl, al) => {
        const [p, b, a] = [bytesOf(pl % 40), bytesOf(bl), bytesOf(al)];
        expect(Buffer.from(sigStructure(p, b, a)).equals(viaCbor.sigStructure(p, b, a))).toBe(true);
        expect(Buffer.from(sigStructure(p, b)).equals(viaCbor.sigStructure(p, b))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('writes COSE_Sign1 exactly as a CBOR encoder does, and reads it back', () => {
    fc.assert(
      fc.property(lengths, fc.constantFrom(0, 13, 64, 256), (bl, sl) => {
        const [p, b, s] = [encodeProtectedHeader(bytesOf(8)), bytesOf(bl), bytesOf(sl)];
        const ours = encodeCoseSign1({ protectedBytes: p, payloadBytes: b, signature: s });
        expect(Buffer.from(ours).equals(viaCbor.sign1(p, b, s))).toBe(true);
        const back = decodeCoseSign1(ours);
        expect(Buffer.from(back.payloadBytes).equals(b)).toBe(true);
        expect(Buffer.from(back.signature).equals(s)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
