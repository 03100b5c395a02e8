import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFullDate } from './schema.js';

/** The reference: what a calendar (Date) says about `YYYY-MM-DD`. */
function byCalendar(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

describe('isFullDate (JSON Schema format: date)', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['1900-02-29', false],
    ['2000-02-29', true],
    ['2021-04-31', false],
    ['2021-12-31', true],
    ['2021-13-01', false],
    ['2021-00-10', false],
    ['2021-01-00', false],
    ['2021-1-01', false],
    ['', false],
  ])('%j → %s', (s, expected) => {
    expect(isFullDate(s)).toBe(expected);
  });

  it('agrees with the calendar on any YYYY-MM-DD', () => {
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), two, two, (y, m, d) => {
        const s = `${y}-${m}-${d}`;
        expect(isFullDate(s)).toBe(byCalendar(s));
      }),
      { numRuns: 2000 },
    );
  });
});
