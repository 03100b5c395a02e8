import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGE_BANDS,
  ageBandOf,
  atLeast,
  birthYearBand,
  birthYearsOfBand,
  coveragePercent,
  doseAgeBand,
  isoWeekStart,
  PUBLIC_MIN_CELL,
  primarySplit,
  publicCount,
  statsRangeProblem,
  UNRECORDED_MAX_DAYS,
} from './stats.js';

describe('age bands', () => {
  it('puts each age in the band whose range holds it', () => {
    expect([0, 4, 5, 11, 12, 17, 18, 49, 50, 64, 65, 120].map(ageBandOf)).toEqual([
      '0-4',
      '0-4',
      '5-11',
      '5-11',
      '12-17',
      '12-17',
      '18-49',
      '18-49',
      '50-64',
      '50-64',
      '65+',
      '65+',
    ]);
    expect(ageBandOf(-1)).toBe('0-4');
  });

  it('counts a dose at the age on its day (the day before the birthday is the younger band)', () => {
    expect(doseAgeBand('2009-10-02', '2021-10-01')).toBe('5-11');
    expect(doseAgeBand('2009-10-02', '2021-10-02')).toBe('12-17');
  });

  it('gives every birth year of a band back (birthYearsOfBand inverts birthYearBand)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2026 }), fc.integer({ min: 2021, max: 2030 }), (born, year) => {
        fc.pre(born <= year);
        const band = birthYearBand(born, year);
        const { from, to } = birthYearsOfBand(band, year);
        expect(born).toBeGreaterThanOrEqual(from);
        expect(born).toBeLessThanOrEqual(to);
      }),
    );
    // The bands of one year cover the birth years without a gap or an overlap.
    const ranges = AGE_BANDS.map((b) => birthYearsOfBand(b, 2026)).sort((a, b) => a.from - b.from);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.from).toBe((ranges[i - 1]?.to ?? 0) + 1);
  });
});

describe('the 2025 unit a 2021 unit counts in', () => {
  it('is the part that kept the code, else the name, else the lowest code', () => {
    const splits = [
      { code: '00070', name: 'Phường Hoàn Kiếm' },
      { code: '00004', name: 'Phường Ba Đình' },
    ];
    expect(primarySplit('00070', 'Phường Đồng Xuân', splits)?.code).toBe('00070');
    expect(primarySplit('00040', 'Phường Ba Đình', splits)?.code).toBe('00004');
    expect(primarySplit('00040', 'Xã Ba Đình', splits)?.code).toBe('00004');
    expect(primarySplit('00040', 'Phường Đồng Xuân', splits)?.code).toBe('00004');
    expect(primarySplit('00040', 'Phường Đồng Xuân', [...splits].reverse())?.code).toBe('00004');
    expect(primarySplit('00040', 'x', [])).toBeUndefined();
  });
});

describe('coverage and suppression', () => {
  it('divides by the population, null without one', () => {
    expect(coveragePercent(1234, 10000)).toBe(12.3);
    expect(coveragePercent(5, 0)).toBeNull();
    expect(coveragePercent(5, null)).toBeNull();
    expect(atLeast({ none: 9, partial: 1, complete: 2, booster: 3 }, 'partial')).toBe(6);
    expect(atLeast({ none: 9, partial: 1, complete: 2, booster: 3 }, 'complete')).toBe(5);
  });

  it('hides a count below the threshold but keeps zero', () => {
    expect(publicCount(0)).toBe(0);
    expect(publicCount(1)).toBeNull();
    expect(publicCount(PUBLIC_MIN_CELL - 1)).toBeNull();
    expect(publicCount(PUBLIC_MIN_CELL)).toBe(PUBLIC_MIN_CELL);
  });

  it('keys a week by its Monday', () => {
    expect(isoWeekStart('2021-10-03')).toBe('2021-09-27'); // a Sunday
    expect(isoWeekStart('2021-10-04')).toBe('2021-10-04'); // a Monday
  });
});

describe('a statistics date range', () => {
  it('refuses a start after the end, takes a single day and open ends', () => {
    expect(statsRangeProblem({ from: '2021-12-31', to: '2021-01-01' })).toEqual({
      code: 'stats_range_invalid',
      field: 'from',
      params: { from: '2021-12-31', to: '2021-01-01' },
    });
    expect(statsRangeProblem({ from: '2021-11-22', to: '2021-11-22' })).toBeNull();
    expect(statsRangeProblem({ from: '2021-11-22' })).toBeNull();
    expect(statsRangeProblem({ to: '2021-11-22' })).toBeNull();
  });

  it('with a longest range: both ends count, one day more is refused', () => {
    expect(statsRangeProblem({ from: '2021-01-01', to: '2022-01-01' }, UNRECORDED_MAX_DAYS)).toBeNull();
    expect(statsRangeProblem({ from: '2021-01-01', to: '2022-01-02' }, UNRECORDED_MAX_DAYS)).toEqual({
      code: 'stats_range_too_long',
      field: 'from',
      params: { maxDays: 366 },
    });
    expect(statsRangeProblem({ from: '2022-01-02', to: '2021-01-01' }, UNRECORDED_MAX_DAYS)?.code).toBe(
      'stats_range_invalid',
    );
  });
});
