import { ERROR_CATALOGUE } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import {
  facilitiesInScope,
  facilityQueryOf,
  formatCount,
  formatDuration,
  formatRate,
  isCancellable,
  isFinal,
  jobIdOf,
  progressPercent,
  reasonLabel,
  reasonsOf,
} from './logic';

describe('the job in the address', () => {
  it('reads ?id= when it looks like an id, else nothing', () => {
    expect(jobIdOf(new URLSearchParams('id=01970c7e-5b2a-7cc3-9d1e-3f4a5b6c7d8e'))).toBe(
      '01970c7e-5b2a-7cc3-9d1e-3f4a5b6c7d8e',
    );
    expect(jobIdOf(new URLSearchParams(''))).toBeNull();
    expect(jobIdOf(new URLSearchParams('id='))).toBeNull();
    expect(jobIdOf(new URLSearchParams('id=../../x'))).toBeNull();
    expect(jobIdOf(new URLSearchParams(`id=${'a'.repeat(65)}`))).toBeNull();
  });

  it('knows which states end a job and which can be cancelled', () => {
    expect(['queued', 'running', 'done', 'failed', 'cancelled'].map((s) => isFinal(s as never))).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
    expect(isCancellable('queued')).toBe(true);
    expect(isCancellable('running')).toBe(true);
    expect(isCancellable('done')).toBe(false);
    expect(isCancellable('cancelled')).toBe(false);
  });
});

describe('progress', () => {
  it('is the rows read over the file’s rows, in whole percent', () => {
    expect(progressPercent({ status: 'running', rowsRead: 500, totalRows: 1000 })).toBe(50);
    expect(progressPercent({ status: 'running', rowsRead: 1, totalRows: 3 })).toBe(33);
    expect(progressPercent({ status: 'queued', rowsRead: 0, totalRows: 1000 })).toBe(0);
  });

  it('never says 100 % before the job is done, and 100 % once it is', () => {
    expect(progressPercent({ status: 'running', rowsRead: 1000, totalRows: 1000 })).toBe(99);
    expect(progressPercent({ status: 'running', rowsRead: 999_999, totalRows: 1_000_000 })).toBe(99);
    expect(progressPercent({ status: 'done', rowsRead: 7, totalRows: 7 })).toBe(100);
    expect(progressPercent({ status: 'done', rowsRead: 7, totalRows: null })).toBe(100);
  });

  it('is unknown while the rows are not counted; a stopped job shows where it stopped', () => {
    expect(progressPercent({ status: 'running', rowsRead: 20, totalRows: null })).toBeNull();
    expect(progressPercent({ status: 'queued', rowsRead: 0, totalRows: 0 })).toBeNull();
    expect(progressPercent({ status: 'cancelled', rowsRead: 2, totalRows: 4 })).toBe(50);
    expect(progressPercent({ status: 'failed', rowsRead: 0, totalRows: 10 })).toBe(0);
  });
});

describe('numbers, speed and time left in words', () => {
  it('groups thousands the Vietnamese way (English: commas)', () => {
    expect(formatCount(1_234_567, 'vi')).toBe('1.234.567');
    expect(formatCount(1_234_567, 'en')).toBe('1,234,567');
    expect(formatCount(0, 'vi')).toBe('0');
  });

  it('writes rows per second with a decimal comma below 10, whole above', () => {
    expect(formatRate(2.54, 'vi')).toBe('2,5');
    expect(formatRate(2.54, 'en')).toBe('2.5');
    expect(formatRate(1234.6, 'vi')).toBe('1.235');
    expect(formatRate(0, 'vi')).toBe('0');
    expect(formatRate(-1, 'vi')).toBe('0');
  });

  it('says the time left in Vietnamese units, to a useful precision', () => {
    expect(formatDuration(0.2, 'vi')).toBe('1 giây');
    expect(formatDuration(45, 'vi')).toBe('45 giây');
    expect(formatDuration(60, 'vi')).toBe('1 phút');
    expect(formatDuration(125, 'vi')).toBe('2 phút 5 giây');
    expect(formatDuration(754, 'vi')).toBe('13 phút');
    expect(formatDuration(3_600, 'vi')).toBe('1 giờ');
    expect(formatDuration(3_900, 'vi')).toBe('1 giờ 5 phút');
    expect(formatDuration(7_190, 'vi')).toBe('2 giờ');
  });

  it('and in English words when the screen is in English', () => {
    expect(formatDuration(1, 'en')).toBe('1 second');
    expect(formatDuration(125, 'en')).toBe('2 minutes 5 seconds');
    expect(formatDuration(3_900, 'en')).toBe('1 hour 5 minutes');
  });
});

describe('rejections by reason', () => {
  it('are labelled with the error catalogue’s own message', () => {
    expect(reasonLabel('unknown_lot', 'vi')).toBe(ERROR_CATALOGUE.unknown_lot.vi);
    expect(reasonLabel('unknown_lot', 'en')).toBe(ERROR_CATALOGUE.unknown_lot.en);
    expect(reasonLabel('phone_wrong_length', 'vi')).toBe(ERROR_CATALOGUE.phone_wrong_length.vi);
  });

  it('a message naming a row’s value or column shows "…" in its place', () => {
    expect(reasonLabel('import_value_required', 'vi')).toBe('Chưa có …');
    expect(reasonLabel('import_date_invalid', 'vi')).toMatch(/^"…" không phải ngày hợp lệ/);
    expect(reasonLabel('import_date_invalid', 'vi')).not.toMatch(/[{}]/);
    expect(reasonLabel('import_value_too_long', 'en')).toBe('Longer than … characters.');
  });

  it('with the column at fault, as the rejected rows’ file writes it: the column’s name filled in', () => {
    expect(reasonLabel('import_value_required', 'vi', 'administeredOn')).toBe('Ngày tiêm: Chưa có ngày tiêm.');
    expect(reasonLabel('import_value_required', 'en', 'administeredOn')).toBe(
      'Date of the dose: The date of the dose is empty.',
    );
    expect(reasonLabel('import_date_invalid', 'vi', 'dateOfBirth')).toMatch(/^Ngày sinh: "…" không phải ngày hợp lệ/);
  });

  it('a code the catalogue does not know is shown as it is', () => {
    expect(reasonLabel('something_new', 'vi')).toBe('something_new');
  });

  it('are listed most frequent first, without the zero counts', () => {
    const list = reasonsOf(
      { unknown_lot: 1, import_date_invalid: 3, import_value_required: 1, name_required: 0 },
      'vi',
    );
    expect(list.map((r) => [r.code, r.count])).toEqual([
      ['import_date_invalid', 3],
      ['import_value_required', 1],
      ['unknown_lot', 1],
    ]);
    expect(list[2]!.label).toBe(ERROR_CATALOGUE.unknown_lot.vi);
  });

  it('are listed by reason and column when the server counts them so', () => {
    const list = reasonsOf({ import_value_required: 5, unknown_lot: 1 }, 'vi', {
      import_value_required: { administeredOn: 2, dateOfBirth: 3 },
      unknown_lot: { lotNumber: 1 },
    });
    expect(list.map((r) => [r.code, r.column, r.count])).toEqual([
      ['import_value_required', 'dateOfBirth', 3],
      ['import_value_required', 'administeredOn', 2],
      ['unknown_lot', 'lotNumber', 1],
    ]);
    expect(list[0]!.label).toBe('Ngày sinh: Chưa có ngày sinh.');
  });
});

describe('the facilities one may import for', () => {
  const f = (
    id: string,
    name: string,
    provinceCode: string,
    districtCode: string | null,
    communeCode: string | null,
  ) => ({
    id,
    name,
    provinceCode,
    districtCode,
    communeCode,
  });
  const all = [
    f('DT-SD-01', 'Bệnh viện Đa khoa Sa Đéc', '87', '867', null),
    f('DT-CL-01', 'Trạm Y tế Phường 1, TP Cao Lãnh', '87', '866', '29866'),
    f('HN-BD-01', 'Trạm Y tế Phường Phúc Xá', '01', '001', '00001'),
    f('DT-CL-02', 'Bệnh viện Đa khoa Đồng Tháp', '87', '866', null),
  ];
  const ids = (user: { unitCode: string | null; facilityId: string | null }) =>
    facilitiesInScope(user, all).map((x) => x.id);

  it('a site: its own; a district, a province: theirs, by name; the nation: all', () => {
    expect(ids({ unitCode: null, facilityId: 'DT-CL-01' })).toEqual(['DT-CL-01']);
    expect(ids({ unitCode: '866', facilityId: null })).toEqual(['DT-CL-02', 'DT-CL-01']);
    expect(ids({ unitCode: '87', facilityId: null })).toEqual(['DT-CL-02', 'DT-SD-01', 'DT-CL-01']);
    expect(ids({ unitCode: '29866', facilityId: null })).toEqual(['DT-CL-01']);
    expect(ids({ unitCode: null, facilityId: null })).toHaveLength(4);
  });

  it('asks the server for the province’s or the district’s facilities only', () => {
    expect(facilityQueryOf({ unitCode: '87', facilityId: null })).toEqual({ provinceCode: '87' });
    expect(facilityQueryOf({ unitCode: '866', facilityId: null })).toEqual({ districtCode: '866' });
    expect(facilityQueryOf({ unitCode: null, facilityId: 'DT-CL-01' })).toEqual({});
    expect(facilityQueryOf({ unitCode: null, facilityId: null })).toEqual({});
  });
});
