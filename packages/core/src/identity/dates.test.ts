import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareDates,
  daysInMonth,
  formatIsoDate,
  formatVnDate,
  isLeapYear,
  isValidCalendarDate,
  parseIsoDate,
  parseVnDate,
} from './dates.js';

/** Any real day 1000-01-01 … 9999-12-31, as a JS Date at midnight UTC. */
const anyDay = fc
  .date({
    min: new Date('1000-01-01T00:00:00Z'),
    max: new Date('9999-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())));

describe('Dates typed into forms and read from cards', () => {
  it('knows which years are leap years, including the century rule', () => {
    expect([2000, 2024, 1996, 2400].map(isLeapYear)).toEqual([true, true, true, true]);
    expect([1900, 2021, 2100, 2023].map(isLeapYear)).toEqual([false, false, false, false]);
  });

  it('knows how many days each month has', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2021, m))).toEqual([
      31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
    expect(daysInMonth(2020, 2)).toBe(29);
    expect(daysInMonth(2021, 0)).toBe(0);
    expect(daysInMonth(2021, 13)).toBe(0);
  });

  it('accepts an ISO date of birth that exists', () => {
    expect(parseIsoDate('1995-03-15')).toEqual({ year: 1995, month: 3, day: 15 });
    expect(parseIsoDate('2000-02-29')).toEqual({ year: 2000, month: 2, day: 29 });
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it.each([
    ['1900-02-29', 'no 29 February in a century that is not a leap year'],
    ['2021-02-29', 'no 29 February in 2021'],
    ['2021-04-31', 'April has 30 days'],
    ['2021-13-01', 'no month 13'],
    ['2021-00-10', 'no month 0'],
    ['2021-01-00', 'no day 0'],
    ['0000-01-01', 'no year 0'],
    ['2021-4-01', 'month must have two digits'],
    ['21-04-01', 'year must have four digits'],
    ['2021/04/01', 'wrong separator'],
    [' 2021-04-01', 'surrounding spaces'],
    ['', 'empty'],
  ])('rejects the ISO date "%s" (%s)', (text) => {
    expect(parseIsoDate(text)).toBeNull();
  });

  it('reads Vietnamese day-first dates: dd/MM/yyyy, with - or ., short day/month, and ddMMyyyy', () => {
    const expected = { year: 1995, month: 3, day: 15 };
    for (const text of ['15/03/1995', '15-03-1995', '15.03.1995', '15/3/1995', '15031995', ' 15/03/1995\n']) {
      expect(parseVnDate(text)).toEqual(expected);
    }
    expect(parseVnDate('5/3/1995')).toEqual({ year: 1995, month: 3, day: 5 });
  });

  it.each([
    '31022000',
    '31/02/2000',
    '29021900',
    '15/13/1995',
    '15/03-1995',
    '1503195',
    '150319955',
    '15/03/95',
    'abc',
  ])('rejects the Vietnamese date "%s"', (text) => {
    expect(parseVnDate(text)).toBeNull();
  });

  it('validates calendar days from numbers', () => {
    expect(isValidCalendarDate(2000, 2, 29)).toBe(true);
    expect(isValidCalendarDate(2001, 2, 29)).toBe(false);
    expect(isValidCalendarDate(2001, 1, 1.5)).toBe(false);
    expect(isValidCalendarDate(10000, 1, 1)).toBe(false);
  });

  it('prints dates in ISO and Vietnamese forms and orders them', () => {
    const d = { year: 1995, month: 3, day: 5 };
    expect(formatIsoDate(d)).toBe('1995-03-05');
    expect(formatVnDate(d)).toBe('05/03/1995');
    expect(compareDates(d, { year: 1995, month: 3, day: 6 })).toBeLessThan(0);
    expect(compareDates(d, { year: 1995, month: 3, day: 5 })).toBe(0);
    expect(compareDates(d, { year: 1994, month: 12, day: 31 })).toBeGreaterThan(0);
  });

  it('agrees with the JavaScript calendar on every real day (property)', () => {
    fc.assert(
      fc.property(anyDay, (date) => {
        const iso = date.toISOString().slice(0, 10);
        const parsed = parseIsoDate(iso);
        expect(parsed).toEqual({
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          day: date.getUTCDate(),
        });
        if (!parsed) return;
        expect(formatIsoDate(parsed)).toBe(iso);
        expect(parseVnDate(formatVnDate(parsed))).toEqual(parsed);
        expect(parseVnDate(formatVnDate(parsed).replaceAll('/', ''))).toEqual(parsed);
      }),
    );
  });

  it('accepts a year-month-day triple exactly when the JavaScript calendar does not roll it over (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const js = new Date(Date.UTC(y, m - 1, d));
          const exists =
            m >= 1 && m <= 12 && js.getUTCFullYear() === y && js.getUTCMonth() === m - 1 && js.getUTCDate() === d;
          expect(isValidCalendarDate(y, m, d)).toBe(exists);
        },
      ),
    );
  });
});
