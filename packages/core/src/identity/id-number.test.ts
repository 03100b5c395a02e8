import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROVINCES_2021 } from '../provinces.js';
import {
  cccdCenturySexDigit,
  decodeCccd,
  FOREIGN_BIRTH_REGISTRATION_FLAG,
  type IdType,
  inferIdType,
  normalizeIdNumber,
  type Sex,
  validateCccd,
  validateCmnd,
  validateIdNumber,
  validatePassport,
} from './id-number.js';
import type { RuleResult } from './result.js';

/** The violation code of a failed result, or 'ok'. */
function codeOf<T>(r: RuleResult<T>): string {
  return r.ok ? 'ok' : r.error.code;
}

/** Builds a CCCD number: `0` + province, century/sex digit, two year digits, serial. */
function cccd(province: string, birthYear: number, sex: Sex, serial = '001234'): string {
  return `0${province}${cccdCenturySexDigit(birthYear, sex)}${String(birthYear % 100).padStart(2, '0')}${serial}`;
}

const validPerson = fc.record({
  province: fc.constantFrom(...PROVINCES_2021.map((p) => p.code)),
  dateOfBirth: fc
    .date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2399-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10)),
  gender: fc.constantFrom<Sex>('male', 'female'),
  serial: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 6 }).map((ds) => ds.join('')),
});

describe('A citizen registers with the 12-digit CCCD number (số định danh cá nhân)', () => {
  it('the example of a man born in 1995 whose birth was registered in Đồng Tháp is accepted and decoded', () => {
    const r = validateCccd('087095001234', { dateOfBirth: '1995-03-15', gender: 'male' });
    expect(r).toEqual({
      ok: true,
      value: {
        idNumber: '087095001234',
        placeCode: '087',
        provinceCode: '87',
        provinceName: 'Đồng Tháp',
        countryCode: null,
        centuryDigit: 0,
        sex: 'male',
        centuryStart: 1900,
        birthYearRange: { from: 1900, to: 1999 },
        yearTwoDigits: '95',
        birthYear: 1995,
        serial: '001234',
      },
    });
  });

  it.each(PROVINCES_2021.map((p) => [p.code, p.shortName] as const))(
    'is accepted when the birth was registered in province %s (%s)',
    (code, shortName) => {
      const r = validateCccd(`0${code}195004321`, { dateOfBirth: '1995-12-31', gender: 'female' });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.provinceCode).toBe(code);
      expect(r.value.provinceName).toBe(shortName);
      expect(r.flags).toBeUndefined();
    },
  );

  it('covers exactly the 63 provinces of 2021', () => {
    expect(PROVINCES_2021).toHaveLength(63);
  });

  it.each(['003', '005', '000', '099', '013', '097', '050', '090'])(
    'is rejected when the first three digits %s are no province code, saying so',
    (place) => {
      const r = validateCccd(`${place}095001234`);
      expect(r).toEqual({
        ok: false,
        error: {
          code: 'id_number_province_unknown',
          field: 'idNumber',
          message: {
            vi: `Ba chữ số đầu (${place}) không phải mã tỉnh, thành phố nào.`,
            en: `The first three digits (${place}) are not the code of any province or city.`,
          },
        },
      });
    },
  );

  it('is accepted with a flag when the birth was registered abroad (first digit not 0: a country code)', () => {
    const r = validateCccd('250195001234', { dateOfBirth: '1995-01-01', gender: 'female' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.flags).toEqual([FOREIGN_BIRTH_REGISTRATION_FLAG]);
    expect(r.value).toMatchObject({
      countryCode: '250',
      provinceCode: null,
      provinceName: null,
      placeCode: '250',
    });
  });

  it.each([
    [0, '1900-01-01', 'male', 1900],
    [0, '1999-12-31', 'male', 1900],
    [1, '1900-06-15', 'female', 1900],
    [1, '1999-12-31', 'female', 1900],
    [2, '2000-01-01', 'male', 2000],
    [3, '2000-01-01', 'female', 2000],
    [2, '2099-12-31', 'male', 2000],
    [3, '2099-12-31', 'female', 2000],
    [4, '2100-01-01', 'male', 2100],
    [5, '2100-01-01', 'female', 2100],
    [4, '2199-12-31', 'male', 2100],
    [6, '2200-01-01', 'male', 2200],
    [7, '2299-12-31', 'female', 2200],
    [8, '2300-01-01', 'male', 2300],
    [9, '2399-12-31', 'female', 2300],
  ] as const)(
    'fourth digit %i fits someone born %s who is %s (century from %i)',
    (digit, dob, gender, centuryStart) => {
      const id = `079${digit}${dob.slice(2, 4)}000001`;
      const r = validateCccd(id, { dateOfBirth: dob, gender });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value).toMatchObject({
        centuryDigit: digit,
        sex: gender,
        centuryStart,
        birthYear: Number(dob.slice(0, 4)),
      });
      expect(r.value.birthYearRange).toEqual({ from: centuryStart, to: centuryStart + 99 });
      expect(cccdCenturySexDigit(Number(dob.slice(0, 4)), gender)).toBe(digit);
    },
  );

  it.each([
    ['079299000001', '1999-05-05', '2000–2099', '1999'],
    ['079000000001', '2000-05-05', '1900–1999', '2000'],
    ['079499000001', '2099-05-05', '2100–2199', '2099'],
    ['079200000001', '2100-05-05', '2000–2099', '2100'],
    ['079895000001', '1995-05-05', '2300–2399', '1995'],
  ])('is rejected when the century digit of %s contradicts the birth date %s', (id, dob, range, year) => {
    const r = validateCccd(id, { dateOfBirth: dob });
    expect(codeOf(r)).toBe('id_number_century_mismatch');
    if (r.ok) return;
    expect(r.error.field).toBe('idNumber');
    expect(r.error.message.vi).toContain('Chữ số thứ tư');
    expect(r.error.message.vi).toContain(range);
    expect(r.error.message.vi).toContain(year);
    expect(r.error.message.en).toContain('fourth digit');
  });

  it('is rejected when digits 5–6 are not the last two digits of the birth year', () => {
    const r = validateCccd('087095001234', { dateOfBirth: '1996-03-15' });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'id_number_birth_year_mismatch',
        field: 'idNumber',
        message: {
          vi: 'Chữ số thứ năm và thứ sáu (95) phải là hai số cuối của năm sinh 1996 (96).',
          en: 'The fifth and sixth digits (95) must be the last two digits of the birth year 1996 (96).',
        },
      },
    });
  });

  it('is rejected when the fourth digit says male but the person declared female', () => {
    const r = validateCccd('087095001234', { gender: 'female' });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'id_number_sex_mismatch',
        field: 'idNumber',
        message: {
          vi: 'Chữ số thứ tư (0) cho biết giới tính nam, không khớp với giới tính đã khai (nữ).',
          en: 'The fourth digit (0) means male, which does not match the declared sex (female).',
        },
      },
    });
  });

  it('is rejected when the fourth digit says female but the person declared male', () => {
    expect(codeOf(validateCccd('087305001234', { dateOfBirth: '2005-01-01', gender: 'male' }))).toBe(
      'id_number_sex_mismatch',
    );
  });

  it('is rejected when the encoded birth year is after today, if today is known', () => {
    const today = '2021-07-01';
    expect(codeOf(validateCccd('001221001234', { today }))).toBe('ok');
    const r = validateCccd('001222001234', { today });
    expect(codeOf(r)).toBe('id_number_birth_year_in_future');
    if (!r.ok) expect(r.error.message.vi).toContain('2022');
    expect(codeOf(validateCccd('001422001234', { today }))).toBe('id_number_birth_year_in_future');
    expect(codeOf(validateCccd('001422001234'))).toBe('ok');
  });

  it.each([
    ['08709500123A', 'a letter'],
    ['O87095001234', 'the letter O for zero'],
    ['087095001234!', 'a symbol'],
    ['０８７０９５００１２３４', 'full-width digits'],
  ])('is rejected when it contains something else than digits: %s (%s)', (id) => {
    const r = validateCccd(id);
    expect(codeOf(r)).toBe('id_number_not_digits');
    if (!r.ok) expect(r.error.message.vi).toBe('Số CCCD (số định danh cá nhân) chỉ gồm chữ số (0–9).');
  });

  it.each(['08709500123', '0870950012345', '087', '087095001234087095001234'])(
    'is rejected when it has the wrong number of digits: %s',
    (id) => {
      const r = validateCccd(id);
      expect(codeOf(r)).toBe('id_number_wrong_length');
      if (!r.ok) {
        expect(r.error.message.vi).toContain('đúng 12 chữ số');
        expect(r.error.message.vi).toContain(`đã nhập ${id.length}`);
      }
    },
  );

  it('is rejected when empty or only spaces', () => {
    expect(codeOf(validateCccd(''))).toBe('id_number_required');
    expect(codeOf(validateCccd('  \t'))).toBe('id_number_required');
  });

  it('may be typed with spaces, dots or hyphens, which are removed', () => {
    for (const typed of [
      '087 095 001 234',
      '087.095.001.234',
      '087-095-001-234',
      ' 087095001234\n',
      '087\u00a0095\u00a0001\u00a0234',
    ]) {
      expect(normalizeIdNumber(typed)).toBe('087095001234');
      const r = validateCccd(typed);
      expect(r.ok && r.value.idNumber).toBe('087095001234');
    }
  });

  it('reports the century before the year and the sex when the fourth digit is wrong in every way', () => {
    expect(codeOf(validateCccd('087395001234', { dateOfBirth: '1995-03-15', gender: 'male' }))).toBe(
      'id_number_century_mismatch',
    );
  });

  it('refuses a malformed date of birth or today in the context as a programming error', () => {
    expect(() => validateCccd('087095001234', { dateOfBirth: '15/03/1995' })).toThrow(RangeError);
    expect(() => validateCccd('087095001234', { dateOfBirth: '1995-02-29' })).toThrow(RangeError);
    expect(() => validateCccd('087095001234', { today: 'today' })).toThrow(RangeError);
  });

  it('any number built from a province, date of birth, sex and six free digits is accepted (property)', () => {
    fc.assert(
      fc.property(validPerson, ({ province, dateOfBirth, gender, serial }) => {
        const id = cccd(province, Number(dateOfBirth.slice(0, 4)), gender, serial);
        const r = validateCccd(id, { dateOfBirth, gender });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value).toMatchObject({
          idNumber: id,
          provinceCode: province,
          sex: gender,
          birthYear: Number(dateOfBirth.slice(0, 4)),
          serial,
        });
      }),
    );
  });

  it('the same number with the fourth digit switched to the other sex is rejected for sex (property)', () => {
    fc.assert(
      fc.property(validPerson, ({ province, dateOfBirth, gender, serial }) => {
        const id = cccd(province, Number(dateOfBirth.slice(0, 4)), gender, serial);
        const other = Number(id.charAt(3)) ^ 1;
        const switched = `${id.slice(0, 3)}${other}${id.slice(4)}`;
        const r = validateCccd(switched, { dateOfBirth, gender });
        expect(codeOf(r)).toBe('id_number_sex_mismatch');
      }),
    );
  });

  it('always answers on the idNumber field with a snake_case code and both languages, whatever is typed (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\d{10,13}$/)), (typed) => {
        const r = validateCccd(typed);
        if (r.ok) {
          expect(r.value.idNumber).toMatch(/^\d{12}$/);
          return;
        }
        expect(r.error.field).toBe('idNumber');
        expect(r.error.code).toMatch(/^[a-z]+(_[a-z0-9]+)*$/);
        expect(r.error.message.vi.length).toBeGreaterThan(0);
        expect(r.error.message.en.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('A vaccination desk shows what a CCCD number says', () => {
  it('decodes the parts of a number for display', () => {
    expect(decodeCccd('079 301 000 042')).toMatchObject({
      placeCode: '079',
      provinceCode: '79',
      provinceName: 'TP Hồ Chí Minh',
      sex: 'female',
      birthYear: 2001,
      serial: '000042',
    });
  });

  it('decodes a number registered abroad with its country code', () => {
    expect(decodeCccd('840088123456')).toMatchObject({
      countryCode: '840',
      provinceCode: null,
      birthYear: 1988,
    });
  });

  it('decodes nothing from a number that is malformed or names no province', () => {
    expect(decodeCccd('12345')).toBeNull();
    expect(decodeCccd('003095001234')).toBeNull();
    expect(decodeCccd('')).toBeNull();
  });

  it('decoding never needs the person: it does not check sex or date of birth', () => {
    expect(decodeCccd('001999000000')?.birthYear).toBe(2399);
  });

  it('cannot encode a birth year the CCCD scheme does not cover', () => {
    expect(() => cccdCenturySexDigit(1899, 'male')).toThrow(RangeError);
    expect(() => cccdCenturySexDigit(2400, 'female')).toThrow(RangeError);
  });
});

describe('A person with an old 9-digit CMND registers with it', () => {
  it('is accepted with 9 digits, separators removed', () => {
    expect(validateCmnd('341234567')).toEqual({ ok: true, value: '341234567' });
    expect(validateCmnd('341 234 567')).toEqual({ ok: true, value: '341234567' });
    expect(validateCmnd('341.234.567')).toEqual({ ok: true, value: '341234567' });
  });

  it.each(['34123456', '3412345678', '087095001234'])('is rejected with the wrong number of digits: %s', (n) => {
    const r = validateCmnd(n);
    expect(codeOf(r)).toBe('id_number_wrong_length');
    if (!r.ok) expect(r.error.message.vi).toBe(`Số CMND phải có đúng 9 chữ số (đã nhập ${n.length}).`);
  });

  it('is rejected with letters or when empty', () => {
    expect(codeOf(validateCmnd('34123456A'))).toBe('id_number_not_digits');
    expect(codeOf(validateCmnd(''))).toBe('id_number_required');
  });
});

describe('A foreign national registers with a passport number', () => {
  it.each([
    ['C1234567', 'C1234567', 'Vietnam: one letter and 7 digits'],
    ['c 123 4567', 'C1234567', 'typed in lower case with spaces'],
    ['E12345678', 'E12345678', 'China: one letter and 8 digits'],
    ['TK1234567', 'TK1234567', 'Japan: two letters and 7 digits'],
    ['AB12345678', 'AB12345678', 'two letters and 8 digits (10 characters)'],
    ['M123456', 'M123456', 'one letter and 6 digits'],
    ['123456789', '123456789', 'USA: nine digits'],
    ['C01X00T47', 'C01X00T47', 'Germany: nine letters and digits'],
    ['09AA12345', '09AA12345', 'France: nine letters and digits'],
    ['X-1234567', 'X1234567', 'with a hyphen'],
  ])('accepts %s as %s (%s)', (typed, expected) => {
    expect(validatePassport(typed)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'id_number_required'],
    ['C123456Đ', 'id_number_passport_characters'],
    ['C1234567!', 'id_number_passport_characters'],
    ['Ç1234567', 'id_number_passport_characters'],
    ['12345', 'id_number_passport_length'],
    ['ABC12', 'id_number_passport_length'],
    ['ABCDE1234567', 'id_number_passport_length'],
    ['ABC12345678', 'id_number_passport_length'],
    ['ABCDEFG', 'id_number_passport_no_digit'],
  ])('rejects "%s" with %s', (typed, code) => {
    const r = validatePassport(typed);
    expect(codeOf(r)).toBe(code);
    if (!r.ok) expect(r.error.field).toBe('idNumber');
  });
});

describe('A registration form validates the number for the chosen document type', () => {
  it('checks a CCCD against the declared person and keeps its flags', () => {
    expect(validateIdNumber('cccd', '087 095 001 234', { dateOfBirth: '1995-03-15', gender: 'male' })).toMatchObject({
      ok: true,
      value: { idType: 'cccd', idNumber: '087095001234', cccd: { provinceCode: '87' } },
    });
    const abroad = validateIdNumber('cccd', '250195001234');
    expect(abroad.ok && abroad.flags).toEqual([FOREIGN_BIRTH_REGISTRATION_FLAG]);
    expect(codeOf(validateIdNumber('cccd', '087095001234', { gender: 'female' }))).toBe('id_number_sex_mismatch');
  });

  it('checks a CMND and a passport by their own rules, ignoring date of birth and sex', () => {
    expect(validateIdNumber('cmnd', '341234567', { gender: 'female', dateOfBirth: '2001-01-01' })).toEqual({
      ok: true,
      value: { idType: 'cmnd', idNumber: '341234567' },
    });
    expect(validateIdNumber('passport', 'c1234567')).toEqual({
      ok: true,
      value: { idType: 'passport', idNumber: 'C1234567' },
    });
    expect(codeOf(validateIdNumber('cmnd', '087095001234'))).toBe('id_number_wrong_length');
    expect(codeOf(validateIdNumber('passport', 'ABCDEFG'))).toBe('id_number_passport_no_digit');
  });

  it('rejects an unknown document type sent by a client on the idType field', () => {
    const r = validateIdNumber('birth_certificate' as IdType, '123');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'id_type_unknown', field: 'idType' });
  });
});

describe('The form guesses the document type from what is typed', () => {
  it.each([
    ['087095001234', 'cccd'],
    ['087 095 001 234', 'cccd'],
    ['341234567', 'cmnd'],
    ['341.234.567', 'cmnd'],
    ['C1234567', 'passport'],
    ['tk1234567', 'passport'],
    ['1234567890', 'passport'],
    ['', null],
    ['Nguyễn', null],
    ['#123', null],
  ] as const)('%s is guessed as %s', (typed, expected) => {
    expect(inferIdType(typed)).toBe(expected);
  });
});
