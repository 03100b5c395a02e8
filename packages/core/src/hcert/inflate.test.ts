import { constants, deflateRawSync, deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { zlibDeflateSync } from './deflate.js';
import { zlibInflateSync } from './inflate.js';

const LIMIT = 1 << 20;

/** Bytes with repeats (so the compressor finds matches of every length and distance) and noise. */
const compressible = fc
  .array(
    fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
      fc.constantFrom(
        ...['Nguyễn Thị Ánh Tuyết', 'URN:UVCI:01:VN:', 'EU/1/20/1528', '\u0000'.repeat(300)].map((s) =>
          new TextEncoder().encode(s),
        ),
      ),
    ),
    { maxLength: 200 },
  )
  .map((parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  });

describe('zlibInflateSync (core’s inflate) against node:zlib', () => {
  it('inflates what zlib deflates at every level and strategy (stored, fixed and dynamic blocks)', () => {
    fc.assert(
      fc.property(
        compressible,
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom(constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE),
        (bytes, level, strategy) => {
          const z = deflateSync(bytes, { level, strategy });
          expect(Buffer.from(zlibInflateSync(z, LIMIT)).equals(Buffer.from(bytes))).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('inflates core’s own deflate', () => {
    fc.assert(
      fc.property(compressible, (bytes) => {
        expect(Buffer.from(zlibInflateSync(zlibDeflateSync(bytes), LIMIT)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('a large input over many blocks', () => {
    const big = new Uint8Array(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251 < 40 ? i & 0xff : 65 + (i % 26);
    expect(Buffer.from(zlibInflateSync(deflateSync(big, { level: 6 }), LIMIT)).equals(Buffer.from(big))).toBe(true);
  });

  it('whatever the bytes, it refuses exactly what node:zlib refuses, and agrees on the rest', () => {
    fc.assert(
      fc.property(
        compressible,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
        (bytes, flips) => {
          const z = Buffer.from(deflateSync(bytes));
          for (const [at, x] of flips) z[at % z.length]! ^= x;
          let ours: Buffer | Error;
          let theirs: Buffer | Error;
          try {
            ours = Buffer.from(zlibInflateSync(z, LIMIT));
          } catch (e) {
            ours = e as Error;
          }
          try {
            theirs = inflateSync(z);
          } catch (e) {
            theirs = e as Error;
          }
          if (ours instanceof Error) {
            expect(ours).toBeInstanceOf(RangeError);
            // What node:zlib refuses too.
            expect(theirs).toBeInstanceOf(Error);
          } else {
            expect(theirs instanceof Error ? null : theirs.equals(ours)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses a wrong header, a preset dictionary, a bad checksum, truncation and too much output', () => {
    const z = deflateSync(Buffer.from('Chứng nhận tiêm chủng COVID-19 '.repeat(50)));
    expect(() => zlibInflateSync(deflateRawSync(Buffer.from('abc')), LIMIT)).toThrow(RangeError);
    const dict = Buffer.from(z);
    dict[1] = 0xbb; // FDICT set (0x78bb % 31 = 0)
    expect(() => zlibInflateSync(dict, LIMIT)).toThrow(/dictionary/);
    const sum = Buffer.from(z);
    sum[sum.length - 1]! ^= 1;
    expect(() => zlibInflateSync(sum, LIMIT)).toThrow(/Adler-32/);
    expect(() => zlibInflateSync(z.subarray(0, z.length - 6), LIMIT)).toThrow(RangeError);
    expect(() => zlibInflateSync(z, 100)).toThrow(/more than 100 bytes/);
    // A "zip bomb": 10 MB of zeros in a few kilobytes stops at the limit.
    expect(() => zlibInflateSync(deflateSync(new Uint8Array(10_000_000)), 256 * 1024)).toThrow(/more than/);
  });
});
