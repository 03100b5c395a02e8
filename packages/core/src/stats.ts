import { ageOn, daysBetween } from './doses/calendar.js';
import type { Localized } from './i18n.js';

/**
 * Statistics (SPEC: Statistics; issue 15): the rules every figure shares — age bands, the levels of
 * the unit tree in the 2021 and the 2025 schemes, which new unit a 2021 unit counts in, coverage
 * and the small-number suppression of the public page. Server and web import them from here.
 */

/** Age bands of the vaccination programme (children 5–11 and adolescents 12–17 were added in 2022). */
export const AGE_BANDS = ['0-4', '5-11', '12-17', '18-49', '50-64', '65+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** The lowest age of each band, in {@link AGE_BANDS} order. */
const BAND_FLOORS = [0, 5, 12, 18, 50, 65] as const;

/** The band of an age in whole years (a negative age, a date before birth, counts as 0–4). */
export function ageBandOf(age: number): AgeBand {
  let i = BAND_FLOORS.length - 1;
  while (i > 0 && age < (BAND_FLOORS[i] as number)) i--;
  return AGE_BANDS[i] as AgeBand;
}

/** The age band of a dose: the person's age on the day it was given (fixed forever). */
export function doseAgeBand(dateOfBirth: string, administeredOn: string): AgeBand {
  return ageBandOf(ageOn(dateOfBirth, administeredOn));
}

/**
 * The age band of people born in `birthYear`, in the year `year`: the age they reach that year
 * (the convention of population tables by single year of birth). People are counted by birth
 * year, so that the figures move to the next band on 1 January without a rewrite.
 */
export function birthYearBand(birthYear: number, year: number): AgeBand {
  return ageBandOf(year - birthYear);
}

/** The birth years in an age band in `year`, inclusive (the oldest band open-ended at 1900). */
export function birthYearsOfBand(band: AgeBand, year: number): { from: number; to: number } {
  const i = AGE_BANDS.indexOf(band);
  const floor = BAND_FLOORS[i] as number;
  const next = BAND_FLOORS[i + 1];
  return { from: next === undefined ? 1900 : year - next + 1, to: year - floor };
}

/** Labels of the age bands. */
export const AGE_BAND_LABELS: Readonly<Record<AgeBand, Localized>> = {
  '0-4': { vi: 'Dưới 5 tuổi', en: 'Under 5' },
  '5-11': { vi: '5–11 tuổi', en: '5–11 years' },
  '12-17': { vi: '12–17 tuổi', en: '12–17 years' },
  '18-49': { vi: '18–49 tuổi', en: '18–49 years' },
  '50-64': { vi: '50–64 tuổi', en: '50–64 years' },
  '65+': { vi: 'Từ 65 tuổi', en: '65 and over' },
};

/** The two unit schemes: 63 provinces, districts and communes (2021); 34 provinces and communes (from 1 July 2025). */
export const UNIT_SCHEMES = ['2021', '2025'] as const;
export type UnitScheme = (typeof UNIT_SCHEMES)[number];

/**
 * The levels figures are kept at. A 2021 record counts in the 2021 units it names and, through the
 * official mapping, in a 2025 province and commune. Facilities sit under both.
 */
export const STATS_LEVELS = [
  'nation',
  'province',
  'district',
  'commune',
  'facility',
  'province2025',
  'commune2025',
] as const;
export type StatsLevel = (typeof STATS_LEVELS)[number];

/** The levels of a scheme, from the nation down to the facility (a drill-down's path). */
export const SCHEME_LEVELS: Readonly<Record<UnitScheme, readonly StatsLevel[]>> = {
  '2021': ['nation', 'province', 'district', 'commune', 'facility'],
  '2025': ['nation', 'province2025', 'commune2025', 'facility'],
};

/** One new unit an old one was split into (the official list's `splits`). */
export interface UnitSplit {
  readonly code: string;
  readonly name: string;
}

/**
 * The new (2025) unit a 2021 unit's records count in. Most old communes went whole into one new
 * commune; where one was split, the records carry no finer address, so they count in the new unit
 * that kept the old code, else the one with the old name, else the one with the lowest code (a
 * choice that does not depend on the order a list was stored in). Provinces were never split.
 */
export function primarySplit(oldCode: string, oldName: string, splits: readonly UnitSplit[]): UnitSplit | undefined {
  const bare = (s: string) => s.normalize('NFC').replace(/^(Phường|Xã|Thị trấn|Đặc khu)\s+/u, '');
  const lowest = [...splits].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))[0];
  return splits.find((s) => s.code === oldCode) ?? splits.find((s) => bare(s.name) === bare(oldName)) ?? lowest;
}

/** The certificate statuses a person is counted under (none before any dose). */
export const COVERAGE_STATUSES = ['none', 'partial', 'complete', 'booster'] as const;
export type CoverageStatus = (typeof COVERAGE_STATUSES)[number];

/** People at or beyond a status: "at least one dose" counts partial, complete and booster. */
export function atLeast(counts: Readonly<Record<CoverageStatus, number>>, status: Exclude<CoverageStatus, 'none'>) {
  const order = COVERAGE_STATUSES.indexOf(status);
  return COVERAGE_STATUSES.slice(order).reduce((sum, s) => sum + counts[s], 0);
}

/** Coverage as a percentage with one decimal, or null when there is no population to divide by. */
export function coveragePercent(people: number, population: number | null | undefined): number | null {
  if (!population || population <= 0) return null;
  return Math.round((people / population) * 1000) / 10;
}

/**
 * The public page and the open data never show a count below this (a commune with three people
 * vaccinated on a day would single them out): such a cell is published as null, "suppressed".
 */
export const PUBLIC_MIN_CELL = 10;

/** A count as the public may see it: null below {@link PUBLIC_MIN_CELL} (but 0 stays 0). */
export function publicCount(n: number): number | null {
  return n > 0 && n < PUBLIC_MIN_CELL ? null : n;
}

/** The priority groups a person is counted under; `unknown` when no registration or record names one. */
export const STATS_PRIORITY_UNKNOWN = 'unknown';

/** Monday of the ISO week of a date (`YYYY-MM-DD`), the key of a weekly breakdown. */
export function isoWeekStart(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - dow);
  return d.toISOString().slice(0, 10);
}

/** The longest date range `GET /api/stats/unrecorded` reads at once, in days (both ends counted). */
export const UNRECORDED_MAX_DAYS = 366;

/** A statistics date range: `YYYY-MM-DD`, both ends inclusive; either end may be open. */
export interface StatsDateRange {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** What is wrong with a statistics date range: its catalogue code, the field at fault and the message's values. */
export type StatsRangeProblem =
  | { readonly code: 'stats_range_invalid'; readonly field: 'from'; readonly params: { from: string; to: string } }
  | { readonly code: 'stats_range_too_long'; readonly field: 'from'; readonly params: { maxDays: number } };

/**
 * The rule of every statistics date range (the server's routes and the web's date pickers): the
 * start is on or before the end (a single day is a range: `from` = `to`), and, where the figures
 * are read from the records (`maxDays`), the range spans at most that many days. Null when the
 * range is good; an open end is never wrong.
 */
export function statsRangeProblem(range: StatsDateRange, maxDays?: number): StatsRangeProblem | null {
  const { from, to } = range;
  if (!from || !to) return null;
  if (from > to) return { code: 'stats_range_invalid', field: 'from', params: { from, to } };
  if (maxDays !== undefined && daysBetween(from, to) + 1 > maxDays) {
    return { code: 'stats_range_too_long', field: 'from', params: { maxDays } };
  }
  return null;
}
