import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROVINCES_2021 } from '../provinces.js';
import { type CccdQrData, parseCccdQr } from './cccd-qr.js';
import { cccdCenturySexDigit, type Sex } from './id-number.js';
import type { RuleResult } from './result.js';

function codeOf<T>(r: RuleResult<T>): string {
  return r.ok ? 'ok' : r.error.code;
}

const EXAMPLE = '087095001234|341234567|Nguyễn Văn An|15031995|Nam|Phường 1, Thành phố Cao Lãnh, Đồng Tháp|20042021';

const EXAMPLE_DATA: CccdQrData = {
  idNumber: '087095001234',
  oldIdNumber: '341234567',
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1995-03-15',
  gender: 'male',
  address: 'Phường 1, Thành phố Cao Lãnh, Đồng Tháp',
  issuedOn: '2021-04-20',
};

/** The example QR with field `index` replaced. */
function withField(index: number, value: string): string {
  const parts = EXAMPLE.split('|');
  parts[index] = value;
  return parts.join('|');
}

/** A woman born 1 January 2001 in Hà Nội, card issued 2021. */
const WOMAN_2001 = '001301000042||Trần Thị Bích Ngọc|01012001|Nữ|Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội|10052021';

describe('A vaccination desk scans the QR code on a chip CCCD card', () => {
  it('reads the holder of the example card', () => {
    expect(parseCccdQr(EXAMPLE)).toEqual({ ok: true, value: EXAMPLE_DATA });
  });

  it('reads a card without an old CMND number as oldIdNumber null', () => {
    const r = parseCccdQr(WOMAN_2001);
    expect(r).toEqual({
      ok: true,
      value: {
        idNumber: '001301000042',
        oldIdNumber: null,
        fullName: 'Trần Thị Bích Ngọc',
        dateOfBirth: '2001-01-01',
        gender: 'female',
        address: 'Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội',
        issuedOn: '2021-05-10',
      },
    });
  });

  it('reads an old 12-digit CMND number', () => {
    const r = parseCccdQr(withField(1, '025123456789'));
    expect(r.ok && r.value.oldIdNumber).toBe('025123456789');
  });

  it('reads "Nữ" whether the scanner sends it composed (NFC) or decomposed (NFD), in any case', () => {
    for (const nu of ['Nữ', 'Nữ'.normalize('NFD'), 'NỮ', 'nữ'.normalize('NFD')]) {
      const r = parseCccdQr(WOMAN_2001.replace('Nữ', nu));
      expect(r.ok && r.value.gender).toBe('female');
    }
    expect(parseCccdQr(withField(4, 'NAM')).ok).toBe(true);
  });

  it('reads a whole QR text sent decomposed (NFD) as the same, composed, data', () => {
    expect(parseCccdQr(EXAMPLE.normalize('NFD'))).toEqual({ ok: true, value: EXAMPLE_DATA });
  });

  it.each([
    ['a newline', `${EXAMPLE}\n`],
    ['a carriage return and newline', `${EXAMPLE}\r\n`],
    ['trailing spaces and a tab', `${EXAMPLE}  \t`],
    ['leading spaces', `   ${EXAMPLE}`],
    ['a byte-order mark', `\uFEFF${EXAMPLE}`],
    ['a trailing separator', `${EXAMPLE}|`],
    ['two trailing separators', `${EXAMPLE}||\n`],
    ['spaces around fields', EXAMPLE.split('|').join(' | ')],
  ])('ignores %s that a USB scanner adds', (_what, scanned) => {
    expect(parseCccdQr(scanned)).toEqual({ ok: true, value: EXAMPLE_DATA });
  });

  it('stores the name normalised and the address with single spaces', () => {
    const r = parseCccdQr(withField(2, 'NGUYỄN  VĂN AN').replace('Phường 1, ', 'Phường  1,   '));
    expect(r.ok && [r.value.fullName, r.value.address]).toEqual(['Nguyễn Văn An', EXAMPLE_DATA.address]);
  });

  it('keeps the foreign birth registration flag of the CCCD number', () => {
    const r = parseCccdQr(withField(0, '250095001234'));
    expect(r.ok && r.flags).toEqual(['foreign_birth_registration']);
  });

  it('rejects an empty scan', () => {
    expect(parseCccdQr(' \r\n')).toEqual({
      ok: false,
      error: {
        code: 'qr_empty',
        field: 'qr',
        message: { vi: 'Mã QR không có nội dung.', en: 'The QR code is empty.' },
      },
    });
  });

  it.each([
    ['another QR code, e.g. a web address', 'https://tiemchung.gov.vn', 1],
    ['six parts', '087095001234|341234567|Nguyễn Văn An|15031995|Nam|Đồng Tháp', 6],
    ['eight non-empty parts', `${EXAMPLE}|extra`, 8],
  ])('rejects %s as not a CCCD QR code', (_what, scanned, count) => {
    const r = parseCccdQr(scanned);
    expect(codeOf(r)).toBe('qr_field_count');
    if (!r.ok) {
      expect(r.error.field).toBe('qr');
      expect(r.error.message.vi).toBe(
        `Mã QR không phải mã QR trên thẻ CCCD: cần 7 phần ngăn cách bởi dấu |, đọc được ${count}.`,
      );
    }
  });

  it('rejects a CCCD number with an unknown province, keeping the CCCD rule code on the qr field', () => {
    expect(parseCccdQr(withField(0, '003095001234'))).toEqual({
      ok: false,
      error: {
        code: 'id_number_province_unknown',
        field: 'qr',
        message: {
          vi: 'Mã QR: Ba chữ số đầu (003) không phải mã tỉnh, thành phố nào.',
          en: 'QR code: The first three digits (003) are not the code of any province or city.',
        },
      },
    });
  });

  it.each([
    ['a short CCCD number', withField(0, '08709500123'), 'id_number_wrong_length'],
    ['an empty CCCD number', withField(0, ''), 'id_number_required'],
    ['a card of a woman read as "Nam"', withField(4, 'Nữ'), 'id_number_sex_mismatch'],
    ['a date of birth in another year', withField(3, '15031996'), 'id_number_birth_year_mismatch'],
    ['a date of birth in another century', withField(3, '15031895'), 'id_number_century_mismatch'],
    ['an old CMND number of 5 digits', withField(1, '12345'), 'qr_old_id_number_invalid'],
    ['an old CMND number with letters', withField(1, '34123456A'), 'qr_old_id_number_invalid'],
    ['a name with digits', withField(2, 'Nguyễn Văn 1'), 'name_contains_digits'],
    ['an empty name', withField(2, ''), 'name_required'],
    ['31 February', withField(3, '31021995'), 'qr_date_of_birth_invalid'],
    ['a 7-digit date of birth', withField(3, '1503199'), 'qr_date_of_birth_invalid'],
    ['an ISO date of birth', withField(3, '1995-03-15'), 'qr_date_of_birth_invalid'],
    ['a sex written without accents', withField(4, 'Nu'), 'qr_gender_invalid'],
    ['a sex in English', withField(4, 'Male'), 'qr_gender_invalid'],
    ['no address', withField(5, ''), 'qr_address_missing'],
    ['31 April as issue date', withField(6, '31042021'), 'qr_issue_date_invalid'],
    ['an issue date before birth', withField(6, '14031995'), 'qr_issue_date_before_birth'],
  ])('rejects %s', (_what, scanned, code) => {
    const r = parseCccdQr(scanned);
    expect(codeOf(r)).toBe(code);
    if (!r.ok) {
      expect(r.error.field).toBe('qr');
      expect(r.error.message.vi.startsWith('Mã QR')).toBe(true);
      expect(r.error.message.en.startsWith('QR code')).toBe(true);
    }
  });

  it('rejects 31 February 2000 as a date of birth, saying which date is wrong', () => {
    const r = parseCccdQr('087300001234||Nguyễn Thị Hoa|31022000|Nữ|Đồng Tháp|20042021');
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'qr_date_of_birth_invalid',
        field: 'qr',
        message: {
          vi: 'Mã QR: ngày sinh (31022000) không phải ngày hợp lệ (dạng ddMMyyyy).',
          en: 'QR code: the date of birth (31022000) is not a valid ddMMyyyy date.',
        },
      },
    });
  });

  it('reads 29 February of a leap year', () => {
    const r = parseCccdQr('087300001234||Nguyễn Thị Hoa|29022000|Nữ|Đồng Tháp|20042021');
    expect(r.ok && r.value.dateOfBirth).toBe('2000-02-29');
  });

  it('rejects dates after today when today is known', () => {
    expect(codeOf(parseCccdQr(EXAMPLE, { today: '2021-04-20' }))).toBe('ok');
    expect(codeOf(parseCccdQr(EXAMPLE, { today: '2021-04-19' }))).toBe('qr_issue_date_in_future');
    const baby = '001321000042||Lê Minh Anh|01122021|Nữ|Hà Nội|02122021';
    expect(codeOf(parseCccdQr(baby, { today: '2021-11-30' }))).toBe('qr_date_of_birth_in_future');
    expect(codeOf(parseCccdQr(baby, { today: '2021-12-02' }))).toBe('ok');
    expect(() => parseCccdQr(EXAMPLE, { today: '20/04/2021' })).toThrow(RangeError);
  });

  it('reads back every well-formed card QR (property)', () => {
    const card = fc.record({
      province: fc.constantFrom(...PROVINCES_2021.map((p) => p.code)),
      birth: fc.date({
        min: new Date('1900-01-01T00:00:00Z'),
        max: new Date('2021-12-31T00:00:00Z'),
        noInvalidDate: true,
      }),
      issuedAfterDays: fc.integer({ min: 0, max: 40_000 }),
      gender: fc.constantFrom<Sex>('male', 'female'),
      serial: fc.integer({ min: 0, max: 999_999 }).map((n) => String(n).padStart(6, '0')),
      oldId: fc.option(
        fc.integer({ min: 0, max: 999_999_999 }).map((n) => String(n).padStart(9, '0')),
        { nil: null },
      ),
      nameNfd: fc.boolean(),
    });
    fc.assert(
      fc.property(card, ({ province, birth, issuedAfterDays, gender, serial, oldId, nameNfd }) => {
        const issued = new Date(birth.getTime() + issuedAfterDays * 86_400_000);
        const iso = (d: Date) => d.toISOString().slice(0, 10);
        const vn = (d: Date) => `${iso(d).slice(8, 10)}${iso(d).slice(5, 7)}${iso(d).slice(0, 4)}`;
        const year = birth.getUTCFullYear();
        const id = `0${province}${cccdCenturySexDigit(year, gender)}${String(year % 100).padStart(2, '0')}${serial}`;
        const name = nameNfd ? 'phạm thị hường'.normalize('NFD') : 'PHẠM THỊ HƯỜNG';
        const sex = gender === 'male' ? 'Nam' : 'Nữ';
        const qr = [id, oldId ?? '', name, vn(birth), sex, 'Xã Mỹ Hiệp, Cao Lãnh, Đồng Tháp', vn(issued)].join('|');
        expect(parseCccdQr(`${qr}\r\n`)).toEqual({
          ok: true,
          value: {
            idNumber: id,
            oldIdNumber: oldId,
            fullName: 'Phạm Thị Hường',
            dateOfBirth: iso(birth),
            gender,
            address: 'Xã Mỹ Hiệp, Cao Lãnh, Đồng Tháp',
            issuedOn: iso(issued),
          },
        });
      }),
    );
  });

  it('never throws and always answers on the qr field, whatever is scanned (property)', () => {
    const pipeHeavy = fc
      .array(fc.oneof(fc.constant('|'), fc.string({ maxLength: 12 }), fc.stringMatching(/^\d{8,12}$/)), {
        maxLength: 12,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), pipeHeavy), (scanned) => {
        const r = parseCccdQr(scanned);
        if (!r.ok) expect(r.error.field).toBe('qr');
      }),
    );
  });
});
