import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cborDecode, cborEncode } from './cbor.js';
import { writeCbor } from './cbor-writer.js';
import { encodeCwtClaims } from './cwt.js';
import { buildVaccinationPayload } from './payload.js';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Integers around every boundary of a CBOR head, both signs. */
const boundaryInts = fc.constantFrom(
  0,
  1,
  23,
  24,
  255,
  256,
  65_535,
  65_536,
  0xffffffff,
  -1,
  -24,
  -25,
  -256,
  -257,
  -65_536,
  -65_537,
  -0x100000000,
);
/** Text of every UTF-8 length: ASCII, Vietnamese, other scripts, astral characters. */
const texts = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('a', 'ễ', 'Đ', 'ư', '中', '😀', ' ', '<'), maxLength: 300 }),
  fc.constantFrom('', 'x'.repeat(23), 'x'.repeat(24), 'é'.repeat(128), 'y'.repeat(65_536)),
);
/** JSON values with integer numbers: what a DCC payload is made of. */
const { tree: intJson } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    texts,
    fc.oneof(boundaryInts, fc.integer({ min: -0x100000000, max: 0xffffffff })),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('tree'), { maxLength: 30 }),
    fc.dictionary(texts, tie('tree'), { maxKeys: 30, noNullPrototype: true }),
  ),
}));

describe('writeCbor', () => {
  it('writes JSON with integers exactly as cbor-x does, and it decodes back', () => {
    fc.assert(
      fc.property(intJson, (v) => {
        const ours = writeCbor(v);
        expect(ours).not.toBeNull();
        expect(same(ours!, cborEncode(v))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('writes maps with integer and text keys (the CWT claims) as cbor-x does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(boundaryInts, texts), intJson), { maxLength: 25 }), (entries) => {
        const map = new Map<unknown, unknown>(entries);
        expect(same(writeCbor(map)!, cborEncode(map))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves to the general encoder what it does not write', () => {
    const sparse: number[] = [];
    sparse[0] = 1;
    sparse[2] = 3;
    for (const v of [
      1.5,
      2 ** 32,
      -(2 ** 32) - 1,
      -0,
      Number.NaN,
      10n,
      new Uint8Array(2),
      new Date(0),
      undefined,
      { a: [1, 2.5] },
      new Map([[{}, 1]]),
      Object.create(null),
      sparse,
    ])
      expect(writeCbor(v)).toBeNull();
    // Any JSON, floats included: written here or by cbor-x, the CWT claims come out the same.
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => {
        const claims = { iss: 'VN', iat: 1_700_000_000, exp: 1_731_536_000, payload };
        const general = cborEncode(
          new Map<number, unknown>([
            [1, 'VN'],
            [4, claims.exp],
            [6, claims.iat],
            [-260, new Map([[1, payload]])],
          ]),
        );
        expect(same(encodeCwtClaims(claims), general)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('writes a certificate payload as cbor-x does; a large value leaves the buffer small again', () => {
    const payload = buildVaccinationPayload({
      person: { fullName: 'Nguyễn Thị Ánh Tuyết', dateOfBirth: '1990-04-17' },
      doses: [{ vaccineCode: 'EU/1/20/1528', administeredOn: '2021-08-01' }],
      certificateId: '7L7MX3WHVNAC7LAP4L7N42V2QA',
    });
    expect(same(writeCbor(payload)!, cborEncode(payload))).toBe(true);
    const big = { s: 'ư'.repeat(100_000) };
    expect(cborDecode(writeCbor(big)!)).toEqual(new Map([['s', big.s]]));
    expect(same(writeCbor(payload)!, cborEncode(payload))).toBe(true);
  });
});
