import { describe, expect, it } from 'vitest';
import {
  addDays,
  coverageCounts,
  dashboardSearch,
  doseNumbersOf,
  effectiveRange,
  mayOpen,
  mayUseScheme2025,
  ownLevel,
  readParams,
} from './logic';

describe('dashboard address', () => {
  it('reads a unit and days and writes them back the same', () => {
    const params = readParams(new URLSearchParams('scheme=2021&level=province&code=87&from=2026-01-01&to=2026-01-31'));
    expect(params).toEqual({
      unit: { scheme: '2021', level: 'province', code: '87' },
      range: { from: '2026-01-01', to: '2026-01-31' },
    });
    expect(dashboardSearch(params)).toBe('?scheme=2021&level=province&code=87&from=2026-01-01&to=2026-01-31');
  });

  it('drops what is not valid: a level of the other scheme, a level without a code, bad dates', () => {
    expect(readParams(new URLSearchParams('scheme=2025&level=district&code=866')).unit).toEqual({
      scheme: '2025',
      level: undefined,
      code: undefined,
    });
    expect(readParams(new URLSearchParams('level=commune')).unit.level).toBeUndefined();
    expect(readParams(new URLSearchParams('scheme=1999&from=01/02/2026')).unit.scheme).toBe('2021');
    expect(readParams(new URLSearchParams('from=01/02/2026')).range.from).toBeUndefined();
    expect(readParams(new URLSearchParams('level=nation&code=x')).unit).toEqual({
      scheme: '2021',
      level: 'nation',
      code: undefined,
    });
  });
});

describe('scope', () => {
  it('places a user at the level of their unit', () => {
    expect(ownLevel({ role: 'national_admin', unitCode: null, facilityId: null })).toBe('nation');
    expect(ownLevel({ role: 'province_admin', unitCode: '87', facilityId: null })).toBe('province');
    expect(ownLevel({ role: 'district_admin', unitCode: '866', facilityId: null })).toBe('district');
    expect(ownLevel({ role: 'site_staff', unitCode: '866', facilityId: 'DT-CL-01' })).toBe('facility');
  });

  it('lets a user open their own unit and below, and the 2025 units only from a province up', () => {
    expect(mayOpen('nation', 'province', '2021')).toBe(false);
    expect(mayOpen('province', 'province', '2021')).toBe(true);
    expect(mayOpen('commune', 'district', '2021')).toBe(true);
    expect(mayOpen('nation', 'province', '2025')).toBe(false);
    expect(mayOpen('province2025', 'province', '2025')).toBe(true);
    expect(mayOpen('nation', 'nation', '2025')).toBe(true);
    expect(mayUseScheme2025('province')).toBe(true);
    expect(mayUseScheme2025('district')).toBe(false);
  });
});

describe('figures', () => {
  it('counts people at or beyond a status', () => {
    expect(coverageCounts({ byStatus: { none: 5, partial: 3, complete: 2, booster: 1 } })).toEqual({
      atLeastOne: 6,
      complete: 3,
      booster: 1,
    });
  });

  it('lists dose numbers in numeric order', () => {
    expect(doseNumbersOf([{ byDoseNumber: { '10': 1, '2': 1 } }, { byDoseNumber: { '1': 4 } }, {}])).toEqual([
      '1',
      '2',
      '10',
    ]);
  });

  it('charts the last 90 days by default', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(effectiveRange({}, '2026-03-31')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(effectiveRange({ from: '2026-03-01' }, '2026-03-31')).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    expect(effectiveRange({ from: '2026-03-31', to: '2026-03-31' }, '2026-04-30')).toEqual({
      from: '2026-03-31',
      to: '2026-03-31',
    });
  });

  it('ignores a range whose start is after its end (the server refuses it): the last 90 days instead', () => {
    expect(effectiveRange({ from: '2026-03-31', to: '2026-03-01' }, '2026-04-30')).toEqual({
      from: '2026-01-31',
      to: '2026-04-30',
    });
    // A start after today with no end: the end is today, so the start is after it.
    expect(effectiveRange({ from: '2026-05-01' }, '2026-04-30')).toEqual({ from: '2026-01-31', to: '2026-04-30' });
  });
});
