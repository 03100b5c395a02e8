import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VACCINES } from '../vaccines.js';
import {
  type CellResult,
  cellText,
  excelSerialToIsoDate,
  IMPORT_MAX_CHOICE_LENGTH,
  isBlankRow,
  isEmptyCell,
  parseDoseKind,
  parseDoseNumber,
  parseGender,
  parseImportDate,
  parseImportIdNumber,
  parseImportName,
  parseImportPhone,
  parseTextCell,
  parseUnitCode,
  resolveVaccineCode,
} from './cells.js';

function codeOf<T>(r: CellResult<T>): string {
  return r.ok ? 'ok' : r.code;
}

const DAY_MS = 86_400_000;

describe('Dates as spreadsheets hold them', () => {
  it.each([
    ['05/03/1985', '1985-03-05'],
    ['5/3/1985', '1985-03-05'],
    [' 05/03/1985 ', '1985-03-05'],
    ['05-03-1985', '1985-03-05'],
    ['05.03.1985', '1985-03-05'],
    ['1985-03-05', '1985-03-05'],
    ['1985-03-05T00:00:00', '1985-03-05'],
    ['1985-03-05T00:00:00.000Z', '1985-03-05'],
    ['1985-03-05 08:30', '1985-03-05'],
    ['2021-08-20T07:00:00+07:00', '2021-08-20'],
    ['20/08/2021 0:00:00', '2021-08-20'],
    ['20/08/2021 08:15 SA', '2021-08-20'],
    ['29/02/2020', '2020-02-29'],
    ['２０/０８/２０２１', '2021-08-20'],
    ['44428', '2021-08-20'],
    ['44428.75', '2021-08-20'],
  ])('text "%s" is %s', (text, iso) => {
    expect(parseImportDate(text)).toEqual({ ok: true, value: iso });
  });

  it.each([
    '31/02/2021',
    '29/02/2021',
    '2021-02-29',
    '2021-13-01',
    '00/01/2021',
    '05/03/85',
    '1985',
    'hôm qua',
    '05/03-1985',
    '60',
    '0',
    '-5',
  ])('text "%s" is no date', (text) => {
    const r = parseImportDate(text);
    expect(codeOf(r)).toBe('import_date_invalid');
    if (!r.ok) expect(r.message.vi).toContain(`"${text}"`);
  });

  it('an empty cell is no date, said as such', () => {
    expect(codeOf(parseImportDate(''))).toBe('import_value_required');
    expect(codeOf(parseImportDate(undefined))).toBe('import_value_required');
    expect(codeOf(parseImportDate(null))).toBe('import_value_required');
  });

  it('reads Excel serials of the 1900 system, with the 29 February 1900 Excel invented', () => {
    expect(excelSerialToIsoDate(1)).toBe('1900-01-01');
    expect(excelSerialToIsoDate(59)).toBe('1900-02-28');
    expect(excelSerialToIsoDate(60)).toBeNull(); // "1900-02-29", a day that never was
    expect(excelSerialToIsoDate(61)).toBe('1900-03-01');
    expect(excelSerialToIsoDate(36526)).toBe('2000-01-01');
    expect(excelSerialToIsoDate(44197)).toBe('2021-01-01');
    expect(excelSerialToIsoDate(44501)).toBe('2021-11-01');
    expect(excelSerialToIsoDate(44197.999)).toBe('2021-01-01');
    expect(excelSerialToIsoDate(2_958_465)).toBe('9999-12-31');
    expect(excelSerialToIsoDate(2_958_466)).toBeNull();
    expect(excelSerialToIsoDate(0)).toBeNull();
    expect(excelSerialToIsoDate(-1)).toBeNull();
    expect(excelSerialToIsoDate(Number.NaN)).toBeNull();
    expect(excelSerialToIsoDate(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('reads a number cell as an Excel serial, but not a year typed alone', () => {
    expect(parseImportDate(44428)).toEqual({ ok: true, value: '2021-08-20' });
    expect(parseImportDate(31111.5)).toEqual({ ok: true, value: '1985-03-05' });
    expect(codeOf(parseImportDate(1985))).toBe('import_date_invalid');
    expect(codeOf(parseImportDate(60))).toBe('import_date_invalid');
  });

  it('reads a JS Date (what XLSX readers give) as its UTC calendar day', () => {
    expect(parseImportDate(new Date(Date.UTC(2021, 7, 20)))).toEqual({ ok: true, value: '2021-08-20' });
    expect(parseImportDate(new Date('2021-08-19T23:30:00Z'))).toEqual({ ok: true, value: '2021-08-19' });
    expect(codeOf(parseImportDate(new Date(Number.NaN)))).toBe('import_date_invalid');
    expect(codeOf(parseImportDate(true))).toBe('import_date_invalid');
  });

  it('any real day written day first, ISO, as a serial, as numeric text or as a Date reads as the same day (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-03-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
        (instant) => {
          const iso = instant.toISOString().slice(0, 10);
          const [y, m, d] = iso.split('-');
          const serial = Math.round((Date.UTC(+y!, +m! - 1, +d!) - Date.UTC(1899, 11, 30)) / DAY_MS);
          const writings: unknown[] = [
            `${d}/${m}/${y}`,
            `${Number(d)}/${Number(m)}/${y}`,
            `${d}-${m}-${y}`,
            iso,
            `${iso}T00:00:00Z`,
            new Date(Date.UTC(+y!, +m! - 1, +d!, 12)),
          ];
          if (serial < 1900 || serial > 2100) writings.push(serial, String(serial), serial + 0.5);
          for (const w of writings) expect(parseImportDate(w), String(w)).toEqual({ ok: true, value: iso });
        },
      ),
    );
  });

  it('a day that does not exist is never taken, however written (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1901, max: 2099 }), fc.constantFrom(2, 4, 6, 9, 11), (year, month) => {
        const day = month === 2 ? (year % 4 === 0 ? 30 : 29) : 31;
        const mm = String(month).padStart(2, '0');
        expect(codeOf(parseImportDate(`${day}/${mm}/${year}`))).toBe('import_date_invalid');
        expect(codeOf(parseImportDate(`${year}-${mm}-${day}`))).toBe('import_date_invalid');
      }),
    );
  });
});

describe('Sex', () => {
  it.each([
    ['Nam', 'male'],
    ['NAM', 'male'],
    [' nam ', 'male'],
    ['Nam giới', 'male'],
    ['Male', 'male'],
    ['M', 'male'],
    ['m', 'male'],
    ['Nữ', 'female'],
    ['nữ ', 'female'],
    ['NỮ', 'female'],
    ['Nữ'.normalize('NFD'), 'female'],
    ['Nu', 'female'],
    ['nu', 'female'],
    ['Female', 'female'],
    ['FEMALE', 'female'],
    ['F', 'female'],
  ])('"%s" is %s', (text, sex) => {
    expect(parseGender(text)).toEqual({ ok: true, value: sex });
  });

  it.each(['Khác', 'x', '1', 'Nam/Nữ'])('"%s" is refused, saying what to write', (text) => {
    const r = parseGender(text);
    expect(codeOf(r)).toBe('import_gender_invalid');
    if (!r.ok) expect(r.message.vi).toBe(`Giới tính "${text}" không hợp lệ; ghi Nam hoặc Nữ.`);
  });
});

describe('Names, by core’s name rule', () => {
  it('are stored in NFC with tidy spacing and capitals', () => {
    expect(parseImportName('  nguyễn   văn  an ')).toEqual({ ok: true, value: 'Nguyễn Văn An' });
    expect(parseImportName('TRẦN THỊ BÍCH NGỌC'.normalize('NFD'))).toEqual({ ok: true, value: 'Trần Thị Bích Ngọc' });
  });

  it('are refused with the rule’s own code and message', () => {
    const r = parseImportName('Nguyễn Văn 2');
    expect(codeOf(r)).toBe('name_contains_digits');
    if (!r.ok) expect(r.message.vi).toBe('Họ và tên không được chứa chữ số.');
  });
});

describe('Phones, by core’s phone rule', () => {
  it.each([
    ['0912345678', '0912345678'],
    ['0912 345 678', '0912345678'],
    ['0912.345.678', '0912345678'],
    ['0912-345-678', '0912345678'],
    ['+84912345678', '0912345678'],
    ['+84 912 345 678', '0912345678'],
    ['(+84) 912-345-678', '0912345678'],
    ['84912345678', '0912345678'],
    ['0084 912 345 678', '0912345678'],
    ['912345678', '0912345678'],
    [912345678, '0912345678'],
    [84912345678, '0912345678'],
  ])('%s is %s', (written, stored) => {
    expect(parseImportPhone(written)).toEqual({ ok: true, value: stored });
  });

  it('an empty phone is no phone (null), not an error', () => {
    expect(parseImportPhone('')).toEqual({ ok: true, value: null });
    expect(parseImportPhone('  ')).toEqual({ ok: true, value: null });
    expect(parseImportPhone(undefined)).toEqual({ ok: true, value: null });
  });

  it('an old 11-digit number is refused with the number it became', () => {
    const r = parseImportPhone('01688 123 456');
    expect(codeOf(r)).toBe('phone_old_11_digit');
    if (!r.ok) expect(r.message.vi).toContain('0388123456');
    expect(codeOf(parseImportPhone('+84 1688 123 456'))).toBe('phone_old_11_digit');
  });

  it.each([
    ['024 3826 1234', 'phone_landline'],
    ['0912 345 67', 'phone_wrong_length'],
    ['+1 202 555 0123', 'phone_not_vietnamese'],
    ['09l2345678', 'phone_invalid_characters'],
    ['9.12346E+08', 'import_number_as_scientific'],
  ])('%s is refused: %s', (written, code) => {
    expect(codeOf(parseImportPhone(written))).toBe(code);
  });
});

describe('ID numbers, by core’s CCCD/CMND rules', () => {
  const man1985 = { dateOfBirth: '1985-03-05', gender: 'male' as const, today: '2022-01-10' };

  it('a CCCD consistent with the row is taken, separators removed', () => {
    expect(parseImportIdNumber('087085001234', man1985)).toEqual({
      ok: true,
      value: { idType: 'cccd', idNumber: '087085001234' },
    });
    expect(parseImportIdNumber('087 085 001 234', man1985)).toEqual({
      ok: true,
      value: { idType: 'cccd', idNumber: '087085001234' },
    });
  });

  it('a CCCD whose leading zero Excel dropped gets it back (number or text), and is still cross-checked', () => {
    expect(parseImportIdNumber(87085001234, man1985)).toEqual({
      ok: true,
      value: { idType: 'cccd', idNumber: '087085001234' },
    });
    expect(parseImportIdNumber('87085001234', man1985)).toEqual({
      ok: true,
      value: { idType: 'cccd', idNumber: '087085001234' },
    });
    expect(codeOf(parseImportIdNumber(87085001234, { ...man1985, gender: 'female' }))).toBe('id_number_sex_mismatch');
  });

  it('a CCCD of provinces 01–09, which loses two zeros in a number cell, gets both back', () => {
    const hanoi1970 = { dateOfBirth: '1970-01-01', gender: 'male' as const, today: '2022-01-10' };
    expect(parseImportIdNumber(1070000123, hanoi1970)).toEqual({
      ok: true,
      value: { idType: 'cccd', idNumber: '001070000123' },
    });
    expect(codeOf(parseImportIdNumber(1070000123, { ...hanoi1970, dateOfBirth: '1971-01-01' }))).toBe(
      'id_number_birth_year_mismatch',
    );
  });

  it('a 9-digit number is a CMND; an 8-digit number cell is a CMND that lost its zero', () => {
    expect(parseImportIdNumber('123 456 789')).toEqual({ ok: true, value: { idType: 'cmnd', idNumber: '123456789' } });
    expect(parseImportIdNumber(12345678)).toEqual({ ok: true, value: { idType: 'cmnd', idNumber: '012345678' } });
    expect(codeOf(parseImportIdNumber('12345678'))).toBe('id_number_wrong_length');
  });

  it('an empty ID number is none: the row is a legacy record', () => {
    expect(parseImportIdNumber('')).toEqual({ ok: true, value: null });
    expect(parseImportIdNumber(null)).toEqual({ ok: true, value: null });
  });

  it('a CCCD that disagrees with the row’s sex or birth year is refused with the rule’s code', () => {
    expect(codeOf(parseImportIdNumber('087085001234', { ...man1985, gender: 'female' }))).toBe(
      'id_number_sex_mismatch',
    );
    expect(codeOf(parseImportIdNumber('087085001234', { ...man1985, dateOfBirth: '1986-03-05' }))).toBe(
      'id_number_birth_year_mismatch',
    );
    expect(codeOf(parseImportIdNumber('087285001234', man1985))).toBe('id_number_century_mismatch');
    expect(codeOf(parseImportIdNumber('099085001234', man1985))).toBe('id_number_province_unknown');
  });

  it('a CCCD of a birth registered abroad is taken with its flag', () => {
    const r = parseImportIdNumber('840085001234', man1985);
    expect(r).toEqual({
      ok: true,
      value: { idType: 'cccd', idNumber: '840085001234' },
      flags: ['foreign_birth_registration'],
    });
  });

  it.each([
    ['0870850012345', 'id_number_wrong_length'],
    ['08708500123A', 'id_number_not_digits'],
    ['8.70850E+10', 'import_number_as_scientific'],
  ])('%s is refused: %s', (written, code) => {
    expect(codeOf(parseImportIdNumber(written, man1985))).toBe(code);
  });

  it.each([
    ['0870860012', 10],
    ['087 086 0012', 10],
    ['09908500123', 11],
  ])(
    '%s, whose zeros given back make no CCCD (no such province), is refused for its number of digits, as typed',
    (written, digits) => {
      expect(parseImportIdNumber(written, man1985)).toEqual({
        ok: false,
        code: 'id_number_wrong_length',
        message: {
          vi: `Số CCCD/CMND ${written} có ${digits} chữ số: CCCD có 12 chữ số, CMND có 9.`,
          en: `The CCCD/CMND number ${written} has ${digits} digits: a CCCD has 12 digits, a CMND 9.`,
        },
      });
    },
  );

  it('the reason the clerk was given for 0870860012 before: the padded number’s province, 000, which they never typed', () => {
    const r = parseImportIdNumber('0870860012', man1985);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message.vi).not.toContain('000');
      expect(r.message.vi).toBe('Số CCCD/CMND 0870860012 có 10 chữ số: CCCD có 12 chữ số, CMND có 9.');
    }
  });

  it('a number cell of 10 or 11 digits whose zeros given back do make a CCCD keeps the CCCD’s own reasons', () => {
    // 87085001234 → 087085001234: a CCCD of Đồng Tháp, a man born in 1985; disagreeing with the row's sex.
    expect(codeOf(parseImportIdNumber(87085001234, { ...man1985, gender: 'female' }))).toBe('id_number_sex_mismatch');
    // A number cell of 10 digits that gives no province: its digits, as the cell holds them.
    expect(parseImportIdNumber(7085001234, man1985)).toMatchObject({
      ok: false,
      code: 'id_number_wrong_length',
      message: { vi: 'Số CCCD/CMND 7085001234 có 10 chữ số: CCCD có 12 chữ số, CMND có 9.' },
    });
  });
});

describe('Units, dose number and kind, vaccine, text cells', () => {
  it('unit codes get back the leading zeros a spreadsheet dropped', () => {
    expect(parseUnitCode(1, 2)).toEqual({ ok: true, value: '01' });
    expect(parseUnitCode('1', 2)).toEqual({ ok: true, value: '01' });
    expect(parseUnitCode(' 87 ', 2)).toEqual({ ok: true, value: '87' });
    expect(parseUnitCode(866, 3)).toEqual({ ok: true, value: '866' });
    expect(parseUnitCode(1, 5)).toEqual({ ok: true, value: '00001' });
    expect(codeOf(parseUnitCode('087', 2))).toBe('import_unit_code_invalid');
    expect(codeOf(parseUnitCode('Đồng Tháp', 2))).toBe('import_unit_code_invalid');
    expect(codeOf(parseUnitCode(1.5, 2))).toBe('import_unit_code_invalid');
    const r = parseUnitCode('12a', 3);
    if (!r.ok) expect(r.message.vi).toBe('"12a" không phải mã gồm 3 chữ số.');
  });

  it('a dose number is 1 to 9, or nothing', () => {
    expect(parseDoseNumber(2)).toEqual({ ok: true, value: 2 });
    expect(parseDoseNumber('3')).toEqual({ ok: true, value: 3 });
    expect(parseDoseNumber('Mũi 1')).toEqual({ ok: true, value: 1 });
    expect(parseDoseNumber('MŨI 2')).toEqual({ ok: true, value: 2 });
    expect(parseDoseNumber('')).toEqual({ ok: true, value: null });
    for (const bad of [0, 10, 1.5, '-1', 'hai', '1,5'])
      expect(codeOf(parseDoseNumber(bad)), String(bad)).toBe('import_dose_number_invalid');
  });

  it.each([
    ['Cơ bản', 'primary'],
    ['co ban', 'primary'],
    ['CƠ BẢN', 'primary'],
    ['Mũi cơ bản', 'primary'],
    ['Bổ sung'.normalize('NFD'), 'additional'],
    ['bo sung', 'additional'],
    ['Nhắc lại', 'booster'],
    [' NHẮC  LẠI ', 'booster'],
    ['booster', 'booster'],
    ['primary', 'primary'],
  ])('dose kind "%s" is %s', (text, kind) => {
    expect(parseDoseKind(text)).toEqual({ ok: true, value: kind });
  });

  it('an unknown dose kind is refused, an empty one is nothing', () => {
    expect(codeOf(parseDoseKind('Mũi 3'))).toBe('import_dose_kind_invalid');
    expect(parseDoseKind(undefined)).toEqual({ ok: true, value: null });
  });

  it('every vaccine of the catalogue is found by its code, its product name and the name staff use', () => {
    for (const v of VACCINES) {
      for (const name of [v.code, v.name, v.localName, v.code.toLowerCase(), ` ${v.localName.toUpperCase()} `]) {
        expect(resolveVaccineCode(name), name).toBe(v.code);
      }
    }
    expect(resolveVaccineCode('astra zeneca')).toBe('EU/1/21/1529');
    expect(resolveVaccineCode('Vero cell')).toBe('BBIBP-CorV');
    expect(resolveVaccineCode('Sinovac')).toBeNull();
    expect(resolveVaccineCode('')).toBeNull();
  });

  it('text cells are trimmed, numbers kept as their digits, and too long ones refused', () => {
    expect(parseTextCell('  FF2587 ', 40)).toEqual({ ok: true, value: 'FF2587' });
    expect(parseTextCell(210045, 40)).toEqual({ ok: true, value: '210045' });
    expect(parseTextCell('', 40)).toEqual({ ok: true, value: null });
    const r = parseTextCell('x'.repeat(41), 40);
    expect(codeOf(r)).toBe('import_value_too_long');
    if (!r.ok) expect(r.message.vi).toBe('Dài quá 40 ký tự.');
  });

  it('empty cells and blank rows are told apart from zero and text', () => {
    expect(isEmptyCell(undefined)).toBe(true);
    expect(isEmptyCell(null)).toBe(true);
    expect(isEmptyCell(' \t')).toBe(true);
    expect(isEmptyCell(0)).toBe(false);
    expect(isEmptyCell('0')).toBe(false);
    expect(isBlankRow(['', ' ', null, undefined])).toBe(true);
    expect(isBlankRow(['', 'x'])).toBe(false);
    expect(cellText(new Date(Date.UTC(2021, 7, 20)))).toBe('20/08/2021');
    expect(cellText('  An '.normalize('NFD'))).toBe('An');
  });
});

describe('A cell of millions of characters (a CSV row may have a million, a forged XLSX cell more)', () => {
  /** A two-byte string, as a reader gives a cell next to accented ones: V8's regular expressions overflowed on such. */
  const twoByte = (text: string) => `ễ${text}`.slice(1);
  const LONG = 20_000_000;
  const cells = {
    letters: twoByte('A'.repeat(LONG)),
    spaces: twoByte(`A${' '.repeat(LONG)}B`),
    words: twoByte('Nam '.repeat(LONG / 4)),
    hyphens: twoByte('-'.repeat(LONG)),
    digits: twoByte(`0${'1'.repeat(LONG)}`),
  };

  it.each(Object.keys(cells))('of %s, in every column: each refused at once, none a crash', (kind) => {
    const value = cells[kind as keyof typeof cells];
    const readers = {
      date: () => parseImportDate(value),
      sex: () => parseGender(value),
      name: () => parseImportName(value),
      'dose number': () => parseDoseNumber(value),
      'dose kind': () => parseDoseKind(value),
      vaccine: () => resolveVaccineCode(value),
      'lot number': () => parseTextCell(value, 40),
      'unit code': () => parseUnitCode(value, 5),
    };
    for (const [column, read] of Object.entries(readers)) {
      const started = performance.now();
      const r = read();
      // Before: "Maximum call stack size exceeded" (a name, a sex, a dose kind, a vaccine of spaces
      // or hyphens), minutes for a date of spaces (its trailing time's pattern), seconds elsewhere.
      expect(performance.now() - started, column).toBeLessThan(1000);
      if (column === 'vaccine') expect(r).toBeNull();
      else expect(r, column).toMatchObject({ ok: false });
    }
  });

  it('a refused cell is shown by its first 40 characters, the rest unread', () => {
    const r = parseImportDate(twoByte(`  ${'Ngày '.repeat(LONG / 5)}`));
    expect(r).toMatchObject({ ok: false, code: 'import_date_invalid' });
    if (!r.ok) expect(r.message.vi).toContain(`"${'Ngày '.repeat(8).slice(0, 40)}…"`);
  });

  it('the limit of a choice’s cell is far above any choice, spaces around it not counted', () => {
    const padded = (s: string) => `${' '.repeat(IMPORT_MAX_CHOICE_LENGTH)}${s}${' '.repeat(IMPORT_MAX_CHOICE_LENGTH)}`;
    expect(parseGender(padded('Nữ'))).toEqual({ ok: true, value: 'female' });
    expect(parseImportDate(padded('20/08/2021 0:00:00'))).toEqual({ ok: true, value: '2021-08-20' });
    expect(parseDoseKind(padded('Mũi nhắc lại'))).toEqual({ ok: true, value: 'booster' });
    expect(resolveVaccineCode(padded('AstraZeneca'))).toBe('EU/1/21/1529');
    expect(codeOf(parseGender(`Nữ${' '.repeat(IMPORT_MAX_CHOICE_LENGTH)}x`))).toBe('import_gender_invalid');
  });
});
