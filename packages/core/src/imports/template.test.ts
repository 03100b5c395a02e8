import { describe, expect, it } from 'vitest';
import { VACCINES } from '../vaccines.js';
import { ALL_IMPORT_COLUMNS, IMPORT_COLUMNS, matchHeader, TEMPLATE_CSV_HEADER } from './columns.js';
import { CsvReader } from './csv.js';
import { parseImportRow } from './row.js';
import {
  REJECTED_EXTRA_HEADERS,
  rejectedHeaderRow,
  rejectedRow,
  templateCsv,
  templateGuideRows,
  templateHeaderRow,
} from './template.js';

describe('A clerk downloads the template', () => {
  it('the CSV template is UTF-8 with a BOM and the contract’s header row exactly', () => {
    const csv = templateCsv();
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toBe(`\uFEFF${TEMPLATE_CSV_HEADER}\r\n`);
    const reader = new CsvReader();
    const rows = [...reader.push(csv), ...reader.end()];
    expect(rows).toEqual([TEMPLATE_CSV_HEADER.split(',')]);
    expect(matchHeader(rows[0]!).ok).toBe(true);
  });

  it('the XLSX template’s first sheet has the same columns', () => {
    expect(templateHeaderRow().join(',')).toBe(TEMPLATE_CSV_HEADER);
  });

  it('the guide explains every column, then lists the vaccine codes and the caller’s facilities', () => {
    const rows = templateGuideRows([
      { id: 'DT-CL-01', name: 'Trạm Y tế Phường 1, TP Cao Lãnh' },
      { id: 'DT-SD-01', name: 'Bệnh viện Đa khoa Sa Đéc' },
    ]);
    expect(rows[0]).toEqual(['Cột', 'Bắt buộc', 'Cách ghi', 'Ví dụ']);
    for (const c of ALL_IMPORT_COLUMNS) {
      expect(rows).toContainEqual([c.header, c.required ? 'Bắt buộc' : 'Không bắt buộc', c.explanation, c.example]);
    }
    for (const v of VACCINES) expect(rows.some((r) => r[0] === v.code)).toBe(true);
    expect(rows.at(-2)).toEqual(['DT-CL-01', 'Trạm Y tế Phường 1, TP Cao Lãnh']);
    expect(rows.at(-1)).toEqual(['DT-SD-01', 'Bệnh viện Đa khoa Sa Đéc']);
  });

  it('the examples of the guide, put in a row, make a row that imports', () => {
    const cells = Object.fromEntries(ALL_IMPORT_COLUMNS.map((c) => [c.key, c.example]));
    const r = parseImportRow(cells, { today: '2022-01-10' });
    expect(r.ok ? [] : r.reasons.map((x) => x.code)).toEqual([]);
  });
});

describe('A clerk downloads the rejected rows, fixes them and imports them again', () => {
  const header = matchHeader([...TEMPLATE_CSV_HEADER.split(','), 'Ghi chú']).header;

  it('the file has the original columns as they were, then the row number and the reasons', () => {
    expect(rejectedHeaderRow(header)).toEqual([
      ...TEMPLATE_CSV_HEADER.split(','),
      'Ghi chú',
      ...REJECTED_EXTRA_HEADERS.vi,
    ]);
  });

  it('each row keeps its cells as they were, lined up under the header, with its reasons in Vietnamese', () => {
    const cells = ['An', '31/02/1985', 'Nam', '', '', '87', 'AZ', 'FF2587', '20/08/2021', 'DT-CL-01'];
    const r = parseImportRow(
      {
        fullName: 'An',
        dateOfBirth: '31/02/1985',
        gender: 'Nam',
        provinceCode: '87',
        vaccineCode: 'AZ',
        lotNumber: 'FF2587',
        administeredOn: '20/08/2021',
        facilityId: 'DT-CL-01',
      },
      { today: '2022-01-10' },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const out = rejectedRow(header, cells, 7, r.reasons);
    expect(out).toHaveLength(header.cells.length + 2);
    expect(out.slice(0, 10)).toEqual(cells);
    expect(out[10]).toBe('');
    expect(out[11]).toBe(7);
    expect(out[12]).toBe(
      'Ngày sinh: "31/02/1985" không phải ngày hợp lệ; ghi ngày theo dạng ngày/tháng/năm dd/MM/yyyy (ví dụ 05/03/1985).\nMã vắc xin: Không có vắc xin với mã này trong danh mục.',
    );
  });

  it('imported again, the added columns are unknown columns and the header still matches', () => {
    const again = matchHeader(rejectedHeaderRow(header));
    expect(again.ok).toBe(true);
    expect(again.header.unknown.map((u) => u.header)).toEqual(['Ghi chú', ...REJECTED_EXTRA_HEADERS.vi]);
    expect(matchHeader(rejectedHeaderRow(header, 'en')).ok).toBe(true);
  });

  it('a rejected rows’ file imported again and rejected again: its old row numbers and reasons replaced, not kept beside the new', () => {
    const again = matchHeader(rejectedHeaderRow(header)).header;
    expect(rejectedHeaderRow(again)).toEqual(rejectedHeaderRow(header));
    // The old file's row: its cells, its old row number (7) and old reasons, then (padded) nothing.
    const oldRow = [...Array(10).keys()].map(String).concat('ghi chú', '7', 'lý do cũ');
    const out = rejectedRow(again, oldRow, 3, []);
    expect(out).toEqual([...oldRow.slice(0, 11), 3, '']);
    // In English too, and whatever the case and spacing of the old headers.
    const en = matchHeader([...header.cells, ' ROW IN THE ORIGINAL FILE ', 'Why it was rejected']).header;
    expect(rejectedHeaderRow(en, 'en')).toEqual([...header.cells, ...REJECTED_EXTRA_HEADERS.en]);
  });

  it('a row longer than the header is cut to it, so the reasons stay in their column', () => {
    const short = matchHeader(IMPORT_COLUMNS.map((c) => c.header)).header;
    const out = rejectedRow(short, [...Array(12).keys()], 2, []);
    expect(out).toHaveLength(12);
    expect(out[10]).toBe(2);
  });
});
