import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base45Decode, base45Encode } from './base45.js';
import { HcertError } from './errors.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('Base45 (RFC 9285), the text a DCC QR carries', () => {
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
    ['', ''],
  ])('encodes the RFC example %j as %j and back', (text, b45) => {
    expect(base45Encode(enc.encode(text))).toBe(b45);
    expect(dec.decode(base45Decode(b45))).toBe(text);
  });

  it.each([
    ['GGW', 'a group above 65535'],
    ['ZZ', 'a final pair above 255'],
    ['ABCD', 'one character over'],
    ['abc', 'lower case'],
    ['HC1=', 'a character outside the alphabet'],
  ])('rejects %j (%s)', (text) => {
    expect(() => base45Decode(text)).toThrow(HcertError);
    try {
      base45Decode(text);
    } catch (e) {
      expect((e as HcertError).code).toBe('base45');
    }
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(base45Decode(base45Encode(bytes))).toEqual(new Uint8Array(bytes));
      }),
    );
  });

  it('divides by 45 exactly with the multiplication it uses, for every 16-bit value', () => {
    const wrong: number[] = [];
    for (let n = 0; n < 65_536; n++) if ((n * 46_604) >>> 21 !== Math.floor(n / 45)) wrong.push(n);
    expect(wrong).toEqual([]);
  });
});
