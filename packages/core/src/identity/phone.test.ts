import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatPhone,
  isVietnameseMobile,
  maskPhone,
  normalizePhone,
  OLD_MOBILE_PREFIX_MAP,
  toE164,
  VN_MOBILE_PREFIXES,
} from './phone.js';
import type { RuleResult } from './result.js';

function codeOf<T>(r: RuleResult<T>): string {
  return r.ok ? 'ok' : r.error.code;
}

/** The two digits after the 0 of every mobile range in use, as the carriers announced them. */
const EXPECTED_MOBILE_RANGES = [
  ...['32', '33', '34', '35', '36', '37', '38', '39'],
  ...['52', '55', '56', '58', '59'],
  ...['70', '76', '77', '78', '79'],
  ...['81', '82', '83', '84', '85', '86', '87', '88', '89'],
  ...['90', '91', '92', '93', '94', '96', '97', '98', '99'],
];

/** Any valid mobile number in the stored form `0` + 9 digits. */
const validPhone = fc
  .tuple(
    fc.constantFrom(...VN_MOBILE_PREFIXES),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 7, maxLength: 7 }),
  )
  .map(([prefix, rest]) => `${prefix}${rest.join('')}`);

/** One of the ways people write the start of a number. */
const leadStyle = fc.constantFrom('0', '+84', '84', '(+84) ', '+84 ', '0084 ', '+84 0', '(84) ', '');

/** Writes `0xxxxxxxxx` with a lead style and random separators between digits. */
const writtenForm = fc
  .tuple(
    validPhone,
    leadStyle,
    fc.array(fc.constantFrom('', '', ' ', '.', '-', '  '), { minLength: 9, maxLength: 9 }),
    fc.constantFrom('', ' ', '\n', '\t'),
  )
  .map(([phone, lead, seps, tail]) => {
    const nsn = phone.slice(1);
    const body = [...nsn].map((d, i) => `${d}${i < 8 ? (seps[i] ?? '') : ''}`).join('');
    return { phone, written: `${tail}${lead}${body}${tail}` };
  });

describe('A citizen gives a mobile number for SMS reminders', () => {
  it.each([
    '0912 345 678',
    '0912.345.678',
    '0912-345-678',
    '0912345678',
    '+84912345678',
    '84912345678',
    '(+84) 912-345-678',
    '+84 912 345 678',
    '0084 912 345 678',
    '+84 0912 345 678',
    '912345678',
    ' 0912345678\n',
    '０９１２３４５６７８',
    '(091) 234-5678',
  ])('written as "%s" it is stored as 0912345678', (written) => {
    expect(normalizePhone(written)).toEqual({ ok: true, value: '0912345678' });
  });

  it.each(VN_MOBILE_PREFIXES.map((p) => [p]))('a number starting with %s is accepted', (prefix) => {
    expect(normalizePhone(`${prefix}1234567`)).toEqual({ ok: true, value: `${prefix}1234567` });
  });

  it('the accepted prefixes are exactly the mobile ranges of the 10-digit plan (095 and 080 are not in use)', () => {
    expect([...VN_MOBILE_PREFIXES].map((p) => p.slice(1)).sort()).toEqual([...EXPECTED_MOBILE_RANGES].sort());
    for (let i = 0; i < 100; i++) {
      const two = String(i).padStart(2, '0');
      if (two.startsWith('2')) continue; // landlines, checked below
      const r = normalizePhone(`0${two}1234567`);
      expect(r.ok, `0${two}`).toBe(EXPECTED_MOBILE_RANGES.includes(two));
      if (!r.ok) expect(r.error.code).toBe('phone_prefix_unknown');
    }
  });

  it('a number on an unused range is rejected saying which prefix is wrong', () => {
    expect(normalizePhone('0951234567')).toEqual({
      ok: false,
      error: {
        code: 'phone_prefix_unknown',
        field: 'phone',
        message: {
          vi: 'Đầu số 095 không phải đầu số di động Việt Nam.',
          en: '095 is not a Vietnamese mobile prefix.',
        },
      },
    });
  });

  it.each(['024 3826 1234', '028 3829 5555', '+84 24 3826 1234', '0236 3822 111'])(
    'a landline such as %s is rejected: SMS cannot reach it',
    (landline) => {
      const r = normalizePhone(landline);
      expect(codeOf(r)).toBe('phone_landline');
      if (!r.ok)
        expect(r.error.message.vi).toBe('Đây là số điện thoại cố định; vui lòng nhập số di động để nhận tin nhắn.');
    },
  );

  it('an old 11-digit number is rejected with the number it became in 2018', () => {
    expect(normalizePhone('0166 234 5678')).toEqual({
      ok: false,
      error: {
        code: 'phone_old_11_digit',
        field: 'phone',
        message: {
          vi: 'Số di động 11 chữ số (đầu 0166) đã được chuyển sang 10 chữ số từ năm 2018; số mới là 0362345678.',
          en: '11-digit mobile numbers (prefix 0166) were converted to 10 digits in 2018; the new number is 0362345678.',
        },
      },
    });
    expect(codeOf(normalizePhone('+84 1662345678'))).toBe('phone_old_11_digit');
  });

  it('every old 11-digit prefix maps to a mobile range in use', () => {
    for (const [old, next] of Object.entries(OLD_MOBILE_PREFIX_MAP)) {
      expect(old).toMatch(/^01\d\d$/);
      expect(VN_MOBILE_PREFIXES).toContain(next);
      const r = normalizePhone(`${old}1234567`);
      expect(r.ok ? '' : r.error.message.vi).toContain(`số mới là ${next}1234567`);
    }
  });

  it('an old 11-digit number of an unknown range is rejected without a guess', () => {
    const r = normalizePhone('01991234567');
    expect(r.ok ? '' : r.error.message.vi).toContain('0591234567');
    const unknown = normalizePhone('01301234567');
    expect(codeOf(unknown)).toBe('phone_old_11_digit');
    expect(unknown.ok ? '' : unknown.error.message.vi).not.toContain('số mới');
  });

  it.each([
    ['', 'phone_required'],
    ['   ', 'phone_required'],
    ['abc', 'phone_invalid_characters'],
    ['0912 345 67a', 'phone_invalid_characters'],
    ['0912/345/678', 'phone_invalid_characters'],
    ['09+12345678', 'phone_invalid_characters'],
    ['++84912345678', 'phone_invalid_characters'],
    ['+', 'phone_invalid_characters'],
    ['+1 202 555 0123', 'phone_not_vietnamese'],
    ['+65 9123 4567', 'phone_not_vietnamese'],
    ['0065 9123 4567', 'phone_not_vietnamese'],
    ['091234567', 'phone_wrong_length'],
    ['09123456789', 'phone_wrong_length'],
    ['+84', 'phone_wrong_length'],
    ['0', 'phone_wrong_length'],
    ['1900 1234', 'phone_wrong_length'],
  ])('"%s" is rejected with %s', (written, code) => {
    const r = normalizePhone(written);
    expect(codeOf(r)).toBe(code);
    if (!r.ok) expect(r.error.field).toBe('phone');
  });

  it('tells how a mobile number is written when the length is wrong', () => {
    const r = normalizePhone('091234567');
    expect(r.ok ? null : r.error.message).toEqual({
      vi: 'Số điện thoại di động có 10 chữ số, bắt đầu bằng 0 (ví dụ 0912 345 678).',
      en: 'A mobile number has 10 digits starting with 0 (e.g. 0912 345 678).',
    });
  });

  it('any valid number written in any supported way is stored the same (property)', () => {
    fc.assert(
      fc.property(writtenForm, ({ phone, written }) => {
        expect(normalizePhone(written)).toEqual({ ok: true, value: phone });
      }),
      { numRuns: 500 },
    );
  });

  it('a stored number is already normalised (property)', () => {
    fc.assert(
      fc.property(validPhone, (phone) => {
        expect(normalizePhone(phone)).toEqual({ ok: true, value: phone });
        expect(normalizePhone(toE164(phone))).toEqual({ ok: true, value: phone });
      }),
    );
  });

  it('never throws and always answers on the phone field, whatever is typed (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[+0-9 .()-]{0,16}$/)), (typed) => {
        const r = normalizePhone(typed);
        if (r.ok) expect(r.value).toMatch(/^0[3-9]\d{8}$/);
        else expect(r.error.field).toBe('phone');
        expect(isVietnameseMobile(typed)).toBe(r.ok);
      }),
    );
  });
});

describe('The SMS gateway and the screens use other forms of the number', () => {
  it('sends to the E.164 form', () => {
    expect(toE164('0912345678')).toBe('+84912345678');
    expect(toE164('(+84) 912-345-678')).toBe('+84912345678');
    expect(toE164('0362 345 678')).toBe('+84362345678');
  });

  it('refuses to make an E.164 form of an invalid number', () => {
    expect(() => toE164('024 3826 1234')).toThrow(RangeError);
    expect(() => toE164('')).toThrow(RangeError);
  });

  it('shows the number grouped for reading', () => {
    expect(formatPhone('+84912345678')).toBe('0912 345 678');
    expect(() => formatPhone('123')).toThrow(RangeError);
  });

  it('masks the middle of a number on screens and in logs', () => {
    expect(maskPhone('0912345678')).toBe('091****678');
    expect(maskPhone('+84 912 345 678')).toBe('091****678');
  });

  it('masks even input that is not a valid number, without throwing', () => {
    expect(maskPhone('024 3826 1234')).toBe('024*******234');
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone('')).toBe('');
  });

  it('a masked valid number never shows its middle four digits (property)', () => {
    fc.assert(
      fc.property(validPhone, (phone) => {
        const masked = maskPhone(phone);
        expect(masked).toHaveLength(10);
        expect(masked.slice(3, 7)).toBe('****');
        expect(masked.slice(0, 3) + masked.slice(7)).toBe(phone.slice(0, 3) + phone.slice(7));
      }),
    );
  });
});
