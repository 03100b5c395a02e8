import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../errors.js';
import { cccdCenturySexDigit } from '../identity/id-number.js';
import { VN_MOBILE_PREFIXES } from '../identity/phone.js';
import { PROVINCES_2021 } from '../provinces.js';
import { VACCINES } from '../vaccines.js';
import { cellsByColumn, type ImportCells, matchHeader, TEMPLATE_CSV_HEADER } from './columns.js';
import { CsvReader } from './csv.js';
import { countByColumn, countByReason, formatRejections, IMPORT_ROW_CODES, type ImportRejection } from './reasons.js';
import {
  duplicateCandidateKey,
  type ImportRow,
  type ImportRowResult,
  importPersonKey,
  importRowKey,
  parseImportRow,
} from './row.js';

const TODAY = '2022-01-10';
const ctx = { today: TODAY };

/** A row as a clerk fills the CSV template: a woman born in 1985 in Đồng Tháp, her first AstraZeneca dose in August 2021. */
function buildCells(overrides: ImportCells = {}): ImportCells {
  return {
    fullName: 'Nguyễn Thị Hoa',
    dateOfBirth: '05/03/1985',
    gender: 'Nữ',
    idNumber: '087185001234',
    phone: '0912 345 678',
    provinceCode: '87',
    vaccineCode: 'EU/1/21/1529',
    lotNumber: 'FF2587',
    administeredOn: '20/08/2021',
    facilityId: 'DT-CL-01',
    ...overrides,
  };
}

function rowOf(r: ImportRowResult): ImportRow {
  if (!r.ok) throw new Error(`rejected: ${r.reasons.map((x) => x.code).join(', ')}`);
  return r.row;
}

function reasonsOf(r: ImportRowResult): readonly ImportRejection[] {
  if (r.ok) throw new Error('the row was accepted');
  return r.reasons;
}

const codes = (r: ImportRowResult) => reasonsOf(r).map((x) => `${x.column}:${x.code}`);

describe('A clerk imports a row of the template', () => {
  it('a well-filled row is taken with every cell cleaned', () => {
    expect(parseImportRow(buildCells(), ctx)).toEqual({
      ok: true,
      row: {
        fullName: 'Nguyễn Thị Hoa',
        dateOfBirth: '1985-03-05',
        gender: 'female',
        idType: 'cccd',
        idNumber: '087185001234',
        phone: '0912345678',
        provinceCode: '87',
        vaccineCode: 'EU/1/21/1529',
        lotNumber: 'FF2587',
        administeredOn: '2021-08-20',
        facilityId: 'DT-CL-01',
        retroactive: true,
      },
    });
  });

  it('the row read from a CSV file through its header is the same row', () => {
    const reader = new CsvReader();
    const rows = [
      ...reader.push(
        `\uFEFF${TEMPLATE_CSV_HEADER}\r\nNGUYỄN THỊ HOA;05/03/1985;nữ;087185001234;+84 912 345 678;87;AstraZeneca;FF2587;20/08/2021;DT-CL-01\r\n`.replace(
          /,/g,
          ';',
        ),
      ),
      ...reader.end(),
    ];
    const header = matchHeader(rows[0]!);
    expect(header.ok).toBe(true);
    expect(parseImportRow(cellsByColumn(header.header, rows[1]!), ctx)).toEqual(parseImportRow(buildCells(), ctx));
  });

  it('a row as an XLSX reader gives it — Dates, Excel serials, numbers that lost their zeros — is the same row', () => {
    const xlsx = buildCells({
      dateOfBirth: new Date(Date.UTC(1985, 2, 5)),
      idNumber: 87185001234,
      phone: 912345678,
      provinceCode: 87,
      administeredOn: 44428,
      gender: 'NỮ',
      fullName: 'nguyễn   thị hoa'.normalize('NFD'),
    });
    expect(parseImportRow(xlsx, ctx)).toEqual(parseImportRow(buildCells(), ctx));
  });

  it('a row without an ID number is kept as a legacy record, and without a phone too', () => {
    const row = rowOf(parseImportRow(buildCells({ idNumber: '', phone: undefined }), ctx));
    expect(row.idNumber).toBeNull();
    expect(row.idType).toBeNull();
    expect(row.phone).toBeNull();
  });

  it('an old CMND is taken as such', () => {
    const row = rowOf(parseImportRow(buildCells({ idNumber: '341 234 567' }), ctx));
    expect(row).toMatchObject({ idType: 'cmnd', idNumber: '341234567' });
  });

  it('a dose before 1 Nov 2021 is a retroactive entry; from that day it is not', () => {
    expect(rowOf(parseImportRow(buildCells({ administeredOn: '31/10/2021' }), ctx)).retroactive).toBe(true);
    expect(rowOf(parseImportRow(buildCells({ administeredOn: '01/11/2021' }), ctx)).retroactive).toBe(false);
  });

  it('the optional columns are used when present', () => {
    const row = rowOf(
      parseImportRow(buildCells({ districtCode: 866, communeCode: '29866', doseNumber: '2', doseKind: 'Cơ bản' }), ctx),
    );
    expect(row).toMatchObject({ districtCode: '866', communeCode: '29866', doseNumber: 2, doseKind: 'primary' });
    const bare = rowOf(parseImportRow(buildCells({ districtCode: ' ', communeCode: null }), ctx));
    expect(bare).not.toHaveProperty('districtCode');
    expect(bare).not.toHaveProperty('communeCode');
    expect(bare).not.toHaveProperty('doseNumber');
    expect(bare).not.toHaveProperty('doseKind');
  });

  it('a CCCD of a birth registered abroad is taken, flagged', () => {
    const row = rowOf(parseImportRow(buildCells({ idNumber: '840185001234' }), ctx));
    expect(row.flags).toEqual(['foreign_birth_registration']);
  });
});

describe('A clerk is told every problem of a row at once', () => {
  it('an empty row names each required cell missing, in both languages', () => {
    const reasons = reasonsOf(parseImportRow({}, ctx));
    expect(reasons.map((r) => r.column)).toEqual([
      'fullName',
      'dateOfBirth',
      'gender',
      'provinceCode',
      'vaccineCode',
      'lotNumber',
      'administeredOn',
      'facilityId',
    ]);
    expect(reasons.every((r) => r.code === 'import_value_required')).toBe(true);
    expect(reasons[0]!.message).toEqual({ vi: 'Chưa có họ và tên.', en: 'The full name is empty.' });
    expect(reasons[6]!.message).toEqual({ vi: 'Chưa có ngày tiêm.', en: 'The date of the dose is empty.' });
  });

  it('a row wrong in many ways lists each problem with its column', () => {
    const r = parseImportRow(
      buildCells({
        fullName: 'Nguyễn Thị 2',
        dateOfBirth: '31/02/1985',
        gender: 'Khác',
        idNumber: '0871850012345',
        phone: '024 3826 1234',
        provinceCode: '99',
        vaccineCode: 'Sinovac',
        lotNumber: 'L'.repeat(41),
        administeredOn: '20/08/2030',
        facilityId: '',
        districtCode: '86a',
        communeCode: '123456',
        doseNumber: '12',
        doseKind: 'Mũi thứ ba',
      }),
      ctx,
    );
    expect(codes(r)).toEqual([
      'fullName:name_contains_digits',
      'dateOfBirth:import_date_invalid',
      'gender:import_gender_invalid',
      'idNumber:id_number_wrong_length',
      'phone:phone_landline',
      'provinceCode:import_province_unknown',
      'vaccineCode:unknown_vaccine',
      'lotNumber:import_value_too_long',
      'facilityId:import_value_required',
      'administeredOn:date_in_future',
      'districtCode:import_unit_code_invalid',
      'communeCode:import_unit_code_invalid',
      'doseNumber:import_dose_number_invalid',
      'doseKind:import_dose_kind_invalid',
    ]);
  });

  it('a date of birth in the future, or before 1900, is refused', () => {
    expect(codes(parseImportRow(buildCells({ dateOfBirth: '11/01/2022', idNumber: '' }), ctx))).toEqual([
      'dateOfBirth:date_of_birth_in_future',
    ]);
    expect(codes(parseImportRow(buildCells({ dateOfBirth: '31/12/1899', idNumber: '' }), ctx))).toEqual([
      'dateOfBirth:date_of_birth_too_early',
    ]);
    expect(
      rowOf(
        parseImportRow(
          buildCells({ dateOfBirth: '10/01/2022', idNumber: '', administeredOn: '10/01/2022', vaccineCode: 'Pfizer' }),
          ctx,
        ),
      ).dateOfBirth,
    ).toBe('2022-01-10');
  });

  it('a dose before the date of birth, in the future, or before its vaccine was approved, is refused', () => {
    expect(codes(parseImportRow(buildCells({ dateOfBirth: '21/08/2021', idNumber: '' }), ctx))).toEqual([
      'administeredOn:date_before_birth',
    ]);
    expect(codes(parseImportRow(buildCells({ administeredOn: '11/01/2022' }), ctx))).toEqual([
      'administeredOn:date_in_future',
    ]);
    expect(rowOf(parseImportRow(buildCells({ administeredOn: '10/01/2022' }), ctx)).administeredOn).toBe('2022-01-10');
    // Comirnaty was approved in Vietnam on 12 Jun 2021.
    expect(codes(parseImportRow(buildCells({ vaccineCode: 'Pfizer', administeredOn: '11/06/2021' }), ctx))).toEqual([
      'administeredOn:date_before_approval',
    ]);
    expect(
      rowOf(parseImportRow(buildCells({ vaccineCode: 'Pfizer', administeredOn: '12/06/2021' }), ctx)).vaccineCode,
    ).toBe('EU/1/20/1528');
  });

  it('a CCCD whose digits disagree with the row’s sex or year of birth is refused', () => {
    expect(codes(parseImportRow(buildCells({ gender: 'Nam' }), ctx))).toEqual(['idNumber:id_number_sex_mismatch']);
    expect(codes(parseImportRow(buildCells({ dateOfBirth: '05/03/1986' }), ctx))).toEqual([
      'idNumber:id_number_birth_year_mismatch',
    ]);
    expect(codes(parseImportRow(buildCells({ dateOfBirth: '05/03/2001' }), ctx))).toEqual([
      'idNumber:id_number_century_mismatch',
    ]);
  });

  it('a CCCD is still checked for what it can be when the date of birth or the sex cannot be read', () => {
    expect(codes(parseImportRow(buildCells({ dateOfBirth: 'x', gender: 'x' }), ctx))).toEqual([
      'dateOfBirth:import_date_invalid',
      'gender:import_gender_invalid',
    ]);
    expect(codes(parseImportRow(buildCells({ dateOfBirth: 'x', idNumber: '003185001234' }), ctx))).toEqual([
      'dateOfBirth:import_date_invalid',
      'idNumber:id_number_province_unknown',
    ]);
  });

  it('every reason is a code of the error catalogue, with a message in both languages', () => {
    const r = reasonsOf(
      parseImportRow(buildCells({ fullName: '', gender: 'x', vaccineCode: 'x', dateOfBirth: '32/01/2000' }), ctx),
    );
    for (const reason of r) {
      expect(ERROR_CATALOGUE, reason.code).toHaveProperty(reason.code);
      expect(reason.message.vi.length).toBeGreaterThan(5);
      expect(reason.message.en.length).toBeGreaterThan(5);
      expect(reason.message.vi).not.toMatch(/\{\w+\}/);
    }
    for (const code of IMPORT_ROW_CODES) expect(ERROR_CATALOGUE, code).toHaveProperty(code);
  });

  it('a row’s reasons are written for the rejected rows’ file after their column’s name', () => {
    const r = reasonsOf(parseImportRow(buildCells({ gender: 'x', administeredOn: '' }), ctx));
    expect(formatRejections(r)).toBe(
      'Giới tính: Giới tính "x" không hợp lệ; ghi Nam hoặc Nữ.\nNgày tiêm: Chưa có ngày tiêm.',
    );
    expect(formatRejections(r, 'en')).toBe(
      'Sex: Sex "x" is not valid; write Nam (male) or Nữ (female).\nDate of the dose: The date of the dose is empty.',
    );
  });

  it('the summary counts rejected rows by reason, a row once per code', () => {
    const a = reasonsOf(parseImportRow(buildCells({ gender: 'x', administeredOn: '', lotNumber: '' }), ctx));
    const b = reasonsOf(parseImportRow(buildCells({ gender: 'y' }), ctx));
    expect(countByReason([a, b])).toEqual({ import_gender_invalid: 2, import_value_required: 1 });
    // By column too: the empty date and the empty lot are two columns of one code.
    expect(countByColumn([a, b])).toEqual({
      import_gender_invalid: { gender: 2 },
      import_value_required: { administeredOn: 1, lotNumber: 1 },
    });
  });

  it('a bad `today` is the caller’s bug', () => {
    expect(() => parseImportRow(buildCells(), { today: '10/01/2022' })).toThrow(RangeError);
  });
});

describe('Rows keep one identity, so importing them again adds nothing', () => {
  const row = rowOf(parseImportRow(buildCells(), ctx));

  it('a dose is its person, its day and its vaccine', () => {
    expect(importPersonKey(row)).toBe('id:087185001234');
    expect(importRowKey(row)).toBe('id:087185001234|2021-08-20|EU/1/21/1529');
    expect(importRowKey(row, 'person:p1')).toBe('person:p1|2021-08-20|EU/1/21/1529');
  });

  it('a person without an ID number is their name, date of birth and phone', () => {
    const legacy = rowOf(parseImportRow(buildCells({ idNumber: '' }), ctx));
    expect(importPersonKey(legacy)).toBe('legacy:Nguyễn Thị Hoa|1985-03-05|0912345678');
    const noPhone = rowOf(parseImportRow(buildCells({ idNumber: '', phone: '' }), ctx));
    expect(importPersonKey(noPhone)).toBe('legacy:Nguyễn Thị Hoa|1985-03-05|');
  });

  it('two people whose names differ only by a tone mark are two people', () => {
    const le = rowOf(parseImportRow(buildCells({ idNumber: '', fullName: 'Trần Thị Lê' }), ctx));
    const le2 = rowOf(parseImportRow(buildCells({ idNumber: '', fullName: 'Trần Thị Lệ' }), ctx));
    expect(importRowKey(le)).not.toBe(importRowKey(le2));
    // …but they are flagged as possible duplicates of each other.
    expect(duplicateCandidateKey(le)).toBe(duplicateCandidateKey(le2));
  });

  it('another day, another vaccine or another person is another dose; another lot is not', () => {
    const key = importRowKey(row);
    expect(importRowKey(rowOf(parseImportRow(buildCells({ administeredOn: '21/08/2021' }), ctx)))).not.toBe(key);
    expect(importRowKey(rowOf(parseImportRow(buildCells({ vaccineCode: 'Pfizer' }), ctx)))).not.toBe(key);
    expect(importRowKey(rowOf(parseImportRow(buildCells({ idNumber: '087185001235' }), ctx)))).not.toBe(key);
    expect(importRowKey(rowOf(parseImportRow(buildCells({ lotNumber: 'AB1234' }), ctx)))).toBe(key);
  });

  it('the duplicate-candidate key is the name without diacritics, the date of birth and the phone; none without a phone', () => {
    expect(duplicateCandidateKey(row)).toBe('nguyen thi hoa|1985-03-05|0912345678');
    const ascii = rowOf(parseImportRow(buildCells({ fullName: 'NGUYEN THI HOA', idNumber: '' }), ctx));
    expect(duplicateCandidateKey(ascii)).toBe(duplicateCandidateKey(row));
    expect(duplicateCandidateKey({ ...row, phone: null })).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: any valid person and dose, written any way a spreadsheet may, is the same row.
// ---------------------------------------------------------------------------------------------

const TONES = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
const wordArb = fc
  .tuple(
    fc.constantFrom('ng', 'tr', 'h', 'l', 'th', 'đ', 'b', 'm', 'ph', 'qu', 'x'),
    fc.constantFrom('a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'uyê'),
    fc.constantFrom(...TONES),
    fc.constantFrom('', 'n', 'ng', 'nh', 't', 'c', 'm'),
  )
  .map(([c, v, t, f]) => `${c}${v}${t}${f}`.normalize('NFC'));
const nameArb = fc.array(wordArb, { minLength: 2, maxLength: 4 }).map((ws) => ws.join(' '));

const dayArb = (min: string, max: string) =>
  fc
    .date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

interface Truth {
  fullName: string;
  dateOfBirth: string;
  gender: 'male' | 'female';
  idNumber: string | null;
  phone: string | null;
  provinceCode: string;
  vaccineCode: string;
  administeredOn: string;
}

const truthArb: fc.Arbitrary<Truth> = fc
  .record({
    fullName: nameArb,
    dateOfBirth: dayArb('1920-01-01', '2009-12-31'),
    gender: fc.constantFrom<'male' | 'female'>('male', 'female'),
    hasId: fc.boolean(),
    serial: fc.integer({ min: 0, max: 999_999 }),
    phone: fc.option(
      fc
        .tuple(fc.constantFrom(...VN_MOBILE_PREFIXES), fc.integer({ min: 0, max: 9_999_999 }))
        .map(([p, n]) => `${p}${String(n).padStart(7, '0')}`),
    ),
    province: fc.constantFrom(...PROVINCES_2021),
    vaccine: fc.constantFrom(...VACCINES),
    administeredOn: dayArb('2021-09-17', TODAY),
  })
  .map((t) => {
    const year = Number(t.dateOfBirth.slice(0, 4));
    const digit = cccdCenturySexDigit(year, t.gender);
    const idNumber = t.hasId
      ? `0${t.province.code}${digit}${String(year % 100).padStart(2, '0')}${String(t.serial).padStart(6, '0')}`
      : null;
    return {
      fullName: t.fullName,
      dateOfBirth: t.dateOfBirth,
      gender: t.gender,
      idNumber,
      phone: t.phone,
      provinceCode: t.province.code,
      vaccineCode: t.vaccine.code,
      administeredOn: t.administeredOn,
    };
  });

const DAY_MS = 86_400_000;
const serialOf = (iso: string) => (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / DAY_MS;
const vnOf = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** One way a spreadsheet may hold the truth, chosen by `w` (a cell's writing each). */
function written(t: Truth, w: readonly number[]): ImportCells {
  const pick = <T>(i: number, options: readonly T[]): T => options[w[i]! % options.length]!;
  const phone = t.phone;
  const capitalised = t.fullName.replace(/(^|\s)(\S)/g, (_m, s: string, c: string) => s + c.toUpperCase());
  return {
    fullName: pick(0, [t.fullName, t.fullName.toUpperCase(), capitalised.normalize('NFD'), `  ${t.fullName}  `]),
    dateOfBirth: pick<unknown>(1, [
      vnOf(t.dateOfBirth),
      t.dateOfBirth,
      new Date(`${t.dateOfBirth}T00:00:00Z`),
      serialOf(t.dateOfBirth),
    ]),
    gender: pick(2, t.gender === 'male' ? ['Nam', 'NAM', ' nam', 'M', 'Male'] : ['Nữ', 'nữ ', 'NU', 'F', 'Female']),
    idNumber:
      t.idNumber === null
        ? pick<unknown>(3, ['', undefined, '  '])
        : pick<unknown>(3, [
            t.idNumber,
            `${t.idNumber.slice(0, 3)} ${t.idNumber.slice(3, 6)} ${t.idNumber.slice(6)}`,
            Number(t.idNumber),
          ]),
    phone:
      phone === null
        ? ''
        : pick<unknown>(4, [
            phone,
            `+84 ${phone.slice(1, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`,
            `${phone.slice(0, 4)}.${phone.slice(4, 7)}.${phone.slice(7)}`,
            `84${phone.slice(1)}`,
            Number(phone),
          ]),
    provinceCode: pick<unknown>(5, [t.provinceCode, Number(t.provinceCode)]),
    vaccineCode: pick(6, [
      t.vaccineCode,
      t.vaccineCode.toLowerCase(),
      VACCINES.find((v) => v.code === t.vaccineCode)!.localName,
    ]),
    lotNumber: ' LOT-1 ',
    administeredOn: pick<unknown>(7, [
      vnOf(t.administeredOn),
      `${t.administeredOn}T00:00:00.000Z`,
      serialOf(t.administeredOn),
      String(serialOf(t.administeredOn)),
    ]),
    facilityId: 'DT-CL-01',
  };
}

const writingsArb = fc.array(fc.nat(), { minLength: 8, maxLength: 8 });

describe('Rows written any way a spreadsheet may (property)', () => {
  it('a valid person and dose is taken, equal to the truth', () => {
    fc.assert(
      fc.property(truthArb, writingsArb, (t, w) => {
        const row = rowOf(parseImportRow(written(t, w), ctx));
        expect(row).toMatchObject({
          dateOfBirth: t.dateOfBirth,
          gender: t.gender,
          idNumber: t.idNumber,
          idType: t.idNumber === null ? null : 'cccd',
          phone: t.phone,
          provinceCode: t.provinceCode,
          vaccineCode: t.vaccineCode,
          lotNumber: 'LOT-1',
          administeredOn: t.administeredOn,
          retroactive: t.administeredOn < '2021-11-01',
        });
        expect(row.fullName).toBe(row.fullName.normalize('NFC'));
      }),
      { numRuns: 500 },
    );
  });

  it('two writings of the same dose have the same row key and the same duplicate-candidate key', () => {
    fc.assert(
      fc.property(truthArb, writingsArb, writingsArb, (t, w1, w2) => {
        const a = rowOf(parseImportRow(written(t, w1), ctx));
        const b = rowOf(parseImportRow(written(t, w2), ctx));
        expect(importRowKey(a)).toBe(importRowKey(b));
        expect(duplicateCandidateKey(a)).toBe(duplicateCandidateKey(b));
        expect(a).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });

  it('whatever is in the cells, a row is taken or refused with reasons, never thrown (property)', () => {
    const anyCell = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.constant(null),
      fc.constant(undefined),
      fc.date(),
      fc.boolean(),
    );
    fc.assert(
      fc.property(
        fc.record({
          fullName: anyCell,
          dateOfBirth: anyCell,
          gender: anyCell,
          idNumber: anyCell,
          phone: anyCell,
          provinceCode: anyCell,
          vaccineCode: anyCell,
          lotNumber: anyCell,
          administeredOn: anyCell,
          facilityId: anyCell,
          doseNumber: anyCell,
          doseKind: anyCell,
          districtCode: anyCell,
          communeCode: anyCell,
        }),
        (cells) => {
          const r = parseImportRow(cells, ctx);
          if (!r.ok) expect(r.reasons.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
