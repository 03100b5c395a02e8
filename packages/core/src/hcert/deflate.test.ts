import { deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adler32, zlibDeflateSync, zlibDeflateView } from './deflate.js';
import { zlibInflate } from './zlib.js';

const enc = new TextEncoder();

/** A COSE-like message: text a DCC carries, hashes and a signature (incompressible), repeated names. */
function coseLike(seed: number): Uint8Array {
  const rnd = fc.sample(fc.uint8Array({ minLength: 96, maxLength: 96 }), { seed, numRuns: 1 })[0]!;
  const text = enc.encode(
    `ver1.3.0namfnNguyễn ThịfntNGUYEN<THIgnÁnh TuyếtgntANH<TUYETdob1990-01-31vtg840539006vp1119349007` +
      `mpEU/1/20/1528maORG-100030215dn3sd3dt2022-03-02coVNisBộ Y tế Việt Nam (Ministry of Health of Viet Nam)` +
      `ciURN:UVCI:01:VN:0193A4B2C5D67E8F9A0B1C2D3E4F5A6B#Q`,
  );
  const out = new Uint8Array(text.length + rnd.length);
  out.set(text);
  out.set(rnd, text.length);
  return out;
}

describe('zlibDeflateSync: the certificate compressor', () => {
  it('round-trips through node:zlib and through DecompressionStream', async () => {
    for (const input of [
      new Uint8Array(0),
      enc.encode('a'),
      enc.encode('aaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
      coseLike(1),
    ]) {
      const z = zlibDeflateSync(input);
      expect(new Uint8Array(inflateSync(z))).toEqual(input);
      expect(await zlibInflate(z)).toEqual(input);
    }
  });

  it('round-trips any bytes, random or repetitive, small or past the 32 KiB window', () => {
    const repetitive = fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 1000 }))
      .map(([unit, times]) => {
        const out = new Uint8Array(unit.length * times);
        for (let k = 0; k < times; k++) out.set(unit, k * unit.length);
        return out;
      });
    // Inputs past the 32 KiB window: text-like bytes from a seeded generator (fast-check makes
    // long arrays slowly), so matches run at every distance.
    const pastTheWindow = fc.integer({ min: 1, max: 2 ** 31 - 1 }).map((seed) => {
      const out = new Uint8Array(33_000 + (seed % 7_000));
      let x = seed;
      for (let k = 0; k < out.length; k++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        out[k] = 97 + ((x >>> 0) % 8);
      }
      return out;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 3000 }), repetitive, pastTheWindow), (input) => {
        // Buffer#equals, not toEqual: deep equality of 40 000 elements is slower than the compression.
        expect(inflateSync(zlibDeflateSync(input)).equals(input)).toBe(true);
      }),
      { numRuns: 120 },
    );
  });

  it('matches the longest match (258) and the farthest distance (32 768)', () => {
    const input = new Uint8Array(32_768 + 600);
    for (let k = 0; k < 300; k++) input[k] = (k * 7919) % 251;
    input.set(input.subarray(0, 300), 32_768);
    const z = zlibDeflateSync(input);
    expect(new Uint8Array(inflateSync(z))).toEqual(input);
  });

  it('makes a certificate about as small as zlib does (within 3 %); stores what does not compress', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const input = coseLike(seed);
      const ours = zlibDeflateSync(input).length;
      expect(ours).toBeLessThanOrEqual(Math.ceil(deflateSync(input, { level: 9 }).length * 1.03));
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (input) => {
        // Stored blocks: 2 bytes of header, 5 per block of up to 65 535 bytes, 4 of Adler-32.
        expect(zlibDeflateSync(input).length).toBeLessThanOrEqual(input.length + 11);
      }),
    );
  });

  it('computes Adler-32 as zlib does (RFC 1950 example values)', () => {
    expect(adler32(new Uint8Array(0))).toBe(1);
    expect(adler32(enc.encode('Wikipedia'))).toBe(0x11e60398);
    const big = new Uint8Array(100_000).fill(255);
    const z = deflateSync(big);
    expect(adler32(big)).toBe(z.readUInt32BE(z.length - 4));
  });

  it('stores the tail it is told is incompressible (a signature) and still round-trips', async () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.constant(coseLike(7)), fc.constant(new Uint8Array(70_000))),
        fc.double({ min: -10, max: 1.2, noNaN: true }),
        (input, at) => {
          const storeFrom = Math.round(at * input.length);
          const z = zlibDeflateView(input, storeFrom).slice();
          expect(Buffer.from(inflateSync(z)).equals(Buffer.from(input))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    // A certificate's signature stored: about the size of coding it, a byte or two more.
    const cose = coseLike(3);
    const tail = zlibDeflateView(cose, cose.length - 64).length;
    const whole = zlibDeflateSync(cose).length;
    expect(tail - whole).toBeLessThanOrEqual(3);
    expect(await zlibInflate(zlibDeflateView(cose, cose.length - 64).slice())).toEqual(cose);
  });
});
