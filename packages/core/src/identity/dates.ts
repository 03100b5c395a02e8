/**
 * Calendar-date helpers for identity data. Dates are plain calendar days (no time, no time zone):
 * a date of birth is the same day wherever it is read. Years are four digits, 0001–9999, in the
 * proleptic Gregorian calendar.
 */

/** A day of the calendar; `month` is 1–12 and `day` 1–31. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** True for Gregorian leap years: divisible by 4, except centuries not divisible by 400. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The number of days in `month` (1–12) of `year`; 0 for a month outside 1–12. */
export function daysInMonth(year: number, month: number): number {
  if (!Number.isInteger(month) || month < 1 || month > 12) return 0;
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when year (1–9999), month and day name a day that exists, e.g. false for 2021-02-29. */
export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(day) &&
    year >= 1 &&
    year <= 9999 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

function build(year: number, month: number, day: number): CalendarDate | null {
  return isValidCalendarDate(year, month, day) ? { year, month, day } : null;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses exactly `YYYY-MM-DD` into a calendar date, or null when malformed or not a real day. */
export function parseIsoDate(text: string): CalendarDate | null {
  const m = ISO_RE.exec(text);
  if (!m) return null;
  return build(Number(m[1]), Number(m[2]), Number(m[3]));
}

const VN_SEPARATED_RE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;
const VN_COMPACT_RE = /^(\d{2})(\d{2})(\d{4})$/;

/**
 * Parses a date written the Vietnamese way, day first: `dd/MM/yyyy` (also with `-` or `.` and
 * one-digit day or month, e.g. `5/3/1995`) or the compact `ddMMyyyy` printed in CCCD QR codes.
 * Surrounding whitespace is ignored. Returns null when malformed or not a real day (31022000).
 */
export function parseVnDate(text: string): CalendarDate | null {
  const s = text.trim();
  const sep = VN_SEPARATED_RE.exec(s);
  if (sep) return build(Number(sep[4]), Number(sep[3]), Number(sep[1]));
  const compact = VN_COMPACT_RE.exec(s);
  if (compact) return build(Number(compact[3]), Number(compact[2]), Number(compact[1]));
  return null;
}

/** Formats a calendar date as `YYYY-MM-DD`. */
export function formatIsoDate(date: CalendarDate): string {
  const y = String(date.year).padStart(4, '0');
  const m = String(date.month).padStart(2, '0');
  const d = String(date.day).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Formats a calendar date as `dd/MM/yyyy`, the way Vietnamese documents print it. */
export function formatVnDate(date: CalendarDate): string {
  const y = String(date.year).padStart(4, '0');
  const m = String(date.month).padStart(2, '0');
  const d = String(date.day).padStart(2, '0');
  return `${d}/${m}/${y}`;
}

/** Negative, zero or positive as `a` is before, the same day as, or after `b`. */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}
