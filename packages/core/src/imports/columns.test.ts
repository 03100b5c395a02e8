import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_IMPORT_COLUMNS,
  cellsByColumn,
  columnOfHeader,
  headerKey,
  IMPORT_COLUMNS,
  IMPORT_EXTRA_COLUMNS,
  IMPORT_MAX_COLUMNS,
  matchHeader,
  TEMPLATE_CSV_HEADER,
} from './columns.js';

const CONTRACT_HEADER =
  'Họ và tên,Ngày sinh,Giới tính,Số CCCD/CMND,Số điện thoại,Mã tỉnh,Mã vắc xin,Số lô,Ngày tiêm,Mã cơ sở tiêm';

/** Removes Vietnamese diacritics the way a clerk without a Vietnamese keyboard types. */
function withoutDiacritics(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

describe('The template’s columns', () => {
  it('are the contract’s ten columns, in its order, and its header line exactly', () => {
    expect(TEMPLATE_CSV_HEADER).toBe(CONTRACT_HEADER);
    expect(IMPORT_COLUMNS.map((c) => c.header).join(',')).toBe(CONTRACT_HEADER);
    expect(IMPORT_COLUMNS.map((c) => c.key)).toEqual([
      'fullName',
      'dateOfBirth',
      'gender',
      'idNumber',
      'phone',
      'provinceCode',
      'vaccineCode',
      'lotNumber',
      'administeredOn',
      'facilityId',
    ]);
    expect(TEMPLATE_CSV_HEADER).toBe(TEMPLATE_CSV_HEADER.normalize('NFC'));
  });

  it('require every cell but the ID number and the phone (a row without an ID number is a legacy record)', () => {
    expect(IMPORT_COLUMNS.filter((c) => !c.required).map((c) => c.key)).toEqual(['idNumber', 'phone']);
    expect(IMPORT_EXTRA_COLUMNS.every((c) => !c.required)).toBe(true);
  });

  it('offer the district, commune, dose number and dose kind as optional columns', () => {
    expect(IMPORT_EXTRA_COLUMNS.map((c) => [c.key, c.header])).toEqual([
      ['districtCode', 'Mã huyện'],
      ['communeCode', 'Mã xã'],
      ['doseNumber', 'Mũi số'],
      ['doseKind', 'Loại mũi'],
    ]);
  });

  it('each have an English label, a Vietnamese explanation and an example for the template’s guide', () => {
    for (const c of ALL_IMPORT_COLUMNS) {
      expect(c.label, c.key).toMatch(/^[A-Z][\x20-\x7e]+$/);
      expect(c.explanation.length, c.key).toBeGreaterThan(15);
      expect(c.explanation, c.key).toBe(c.explanation.normalize('NFC'));
      expect(c.example, c.key).not.toBe('');
    }
  });
});

describe('A clerk’s header row is matched to the columns', () => {
  it('the template’s header matches every column in place, with nothing unknown', () => {
    const m = matchHeader(CONTRACT_HEADER.split(','));
    expect(m.ok).toBe(true);
    expect(m.header.columns).toEqual(IMPORT_COLUMNS.map((c) => c.key));
    expect(m.header.unknown).toEqual([]);
    expect(m.header.indexOf.administeredOn).toBe(8);
  });

  it('the header ends at its last named cell, and at most at column 256: cells past it are under no column', () => {
    const template = CONTRACT_HEADER.split(',');
    expect(matchHeader([...template, '', ' ', '']).header.cells).toEqual(template);
    const wide = [...template, ...Array.from({ length: 300 }, (_, i) => `Ghi chú ${i + 1}`)];
    const m = matchHeader(wide);
    expect(m.ok).toBe(true);
    expect(m.header.cells).toHaveLength(IMPORT_MAX_COLUMNS);
    expect(m.header.unknown.at(-1)).toEqual({
      index: IMPORT_MAX_COLUMNS - 1,
      header: `Ghi chú ${IMPORT_MAX_COLUMNS - 10}`,
    });
  });

  it.each([
    ['HỌ VÀ TÊN', 'fullName'],
    ['  họ   và  tên ', 'fullName'],
    ['Ho va ten', 'fullName'],
    ['ho va ten', 'fullName'],
    ['Họ và tên'.normalize('NFD'), 'fullName'],
    ['Họ và tên *', 'fullName'],
    ['Ngày sinh (dd/MM/yyyy)', 'dateOfBirth'],
    ['NGAY SINH', 'dateOfBirth'],
    ['So CCCD/CMND', 'idNumber'],
    ['Số CCCD / CMND', 'idNumber'],
    ['SO CCCD - CMND', 'idNumber'],
    ['Gioi tinh', 'gender'],
    ['Ma co so tiem', 'facilityId'],
    ['Ma vac xin', 'vaccineCode'],
    ['\uFEFFHọ và tên', 'fullName'],
    ['Mã quận huyện', 'districtCode'],
    ['Mã quận/huyện', 'districtCode'],
    ['Ma huyen', 'districtCode'],
    ['Mã phường xã', 'communeCode'],
    ['Mã phường/xã', 'communeCode'],
    ['Mũi thứ', 'doseNumber'],
    ['MŨI SỐ', 'doseNumber'],
    ['Loai mui', 'doseKind'],
    ['Date of birth', 'dateOfBirth'],
    ['administeredOn', 'administeredOn'],
  ])('"%s" is the column %s', (header, key) => {
    expect(columnOfHeader(header)).toBe(key);
  });

  it.each(['Ghi chú', 'Địa chỉ', '', 'Họ', 'Ngày'])('"%s" is none of the columns', (header) => {
    expect(columnOfHeader(header)).toBeNull();
  });

  it('any header written in any case, spacing, Unicode form, with or without diacritics, is its column (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL_IMPORT_COLUMNS),
        fc.constantFrom<(s: string) => string>(
          (s) => s,
          (s) => s.toUpperCase(),
          (s) => s.toLowerCase(),
          (s) => s.normalize('NFD'),
          withoutDiacritics,
          (s) => withoutDiacritics(s).toUpperCase(),
        ),
        fc.constantFrom('', ' ', '  ', '\t', '\u00a0'),
        (column, transform, pad) => {
          const written = `${pad}${transform(column.header).replace(/ /g, `${pad} `)}${pad}`;
          expect(columnOfHeader(written)).toBe(column.key);
        },
      ),
    );
  });

  it('keeps unknown columns with their place and their header as written, and the extra columns it knows', () => {
    const cells = [...CONTRACT_HEADER.split(','), 'Ghi chú', 'Mã quận huyện', 'Mũi thứ', 'Người nhập'];
    const m = matchHeader(cells);
    expect(m.ok).toBe(true);
    expect(m.header.unknown).toEqual([
      { index: 10, header: 'Ghi chú' },
      { index: 13, header: 'Người nhập' },
    ]);
    expect(m.header.indexOf).toMatchObject({ districtCode: 11, doseNumber: 12 });
    expect(m.header.cells).toEqual(cells);
  });

  it('takes the columns in any order', () => {
    const cells = [...CONTRACT_HEADER.split(',')].reverse();
    const m = matchHeader(cells);
    expect(m.ok).toBe(true);
    expect(m.header.indexOf.fullName).toBe(9);
    expect(cellsByColumn(m.header, ['DT-CL-01', '20/08/2021', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'An'])).toMatchObject({
      fullName: 'An',
      facilityId: 'DT-CL-01',
      administeredOn: '20/08/2021',
    });
  });

  it('refuses a header without required columns, naming them in both languages', () => {
    const m = matchHeader(['Họ và tên', 'Ngày sinh', 'Số CCCD/CMND', 'Ghi chú']);
    expect(m.ok).toBe(false);
    if (m.ok) return;
    expect(m.error.code).toBe('import_columns_missing');
    expect(m.error.columns).toEqual([
      'gender',
      'provinceCode',
      'vaccineCode',
      'lotNumber',
      'administeredOn',
      'facilityId',
    ]);
    expect(m.error.message.vi).toBe(
      'Dòng tiêu đề thiếu cột bắt buộc: Giới tính, Mã tỉnh, Mã vắc xin, Số lô, Ngày tiêm, Mã cơ sở tiêm. Hãy dùng tệp mẫu.',
    );
    expect(m.error.message.en).toContain('Ngày tiêm (Date of the dose)');
    expect(m.error.params.columns.vi).toBe('Giới tính, Mã tỉnh, Mã vắc xin, Số lô, Ngày tiêm, Mã cơ sở tiêm');
  });

  it('accepts a header without the optional ID number and phone columns', () => {
    const m = matchHeader(CONTRACT_HEADER.split(',').filter((h) => h !== 'Số CCCD/CMND' && h !== 'Số điện thoại'));
    expect(m.ok).toBe(true);
  });

  it('refuses a column given twice under two names (which one to believe?)', () => {
    const m = matchHeader([...CONTRACT_HEADER.split(','), 'Mũi số', 'Mũi thứ']);
    expect(m.ok).toBe(false);
    if (m.ok) return;
    expect(m.error.code).toBe('import_columns_duplicated');
    expect(m.error.columns).toEqual(['doseNumber']);
    expect(m.header.columns[10]).toBe('doseNumber');
    expect(m.header.columns[11]).toBeNull();
  });

  it('gives a short data row only the cells it has', () => {
    const m = matchHeader(CONTRACT_HEADER.split(','));
    const cells = cellsByColumn(m.header, ['An', '05/03/1985']);
    expect(cells).toEqual({ fullName: 'An', dateOfBirth: '05/03/1985' });
  });

  it('compares headers without diacritics, case, punctuation or notes', () => {
    expect(headerKey('  Số CCCD / CMND * ')).toBe('so cccd cmnd');
    expect(headerKey('Ngày sinh (dd/MM/yyyy)')).toBe('ngay sinh');
    expect(headerKey('Mã cơ sở tiêm')).toBe('ma co so tiem');
  });
});
