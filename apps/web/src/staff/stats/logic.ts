import {
  atLeast,
  type CoverageFigures,
  SCHEME_LEVELS,
  STATS_LEVELS,
  type StatsLevel,
  type StatsUnit,
  statsRangeProblem,
  UNIT_SCHEMES,
  type UnitScheme,
} from '@tiemchung/core';
import type { DateRange, UnitQuery } from './api';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[\w.-]{1,40}$/;

/** What the dashboard's address says: the scheme, the unit (absent: the caller's own) and the days charted. */
export interface DashboardParams {
  unit: UnitQuery;
  range: DateRange;
}

/** Reads the dashboard's address (`?scheme=2021&level=province&code=87&from=…&to=…`), ignoring what is not valid. */
export function readParams(params: URLSearchParams): DashboardParams {
  const scheme = params.get('scheme');
  const level = params.get('level');
  const code = params.get('code');
  const from = params.get('from');
  const to = params.get('to');
  const validScheme: UnitScheme = (UNIT_SCHEMES as readonly string[]).includes(scheme ?? '')
    ? (scheme as UnitScheme)
    : '2021';
  const validLevel =
    level && (SCHEME_LEVELS[validScheme] as readonly string[]).includes(level) ? (level as StatsLevel) : undefined;
  const validCode = validLevel && validLevel !== 'nation' && code && CODE.test(code) ? code : undefined;
  return {
    unit: {
      scheme: validScheme,
      // A level other than the nation needs its code.
      level: validLevel === 'nation' || validCode ? validLevel : undefined,
      code: validCode,
    },
    range: {
      from: from && ISO_DATE.test(from) ? from : undefined,
      to: to && ISO_DATE.test(to) ? to : undefined,
    },
  };
}

/** The dashboard's address (the query string) for a unit and days. */
export function dashboardSearch({ unit, range }: DashboardParams): string {
  const params = new URLSearchParams();
  params.set('scheme', unit.scheme);
  if (unit.level) params.set('level', unit.level);
  if (unit.level && unit.level !== 'nation' && unit.code) params.set('code', unit.code);
  if (range.from) params.set('from', range.from);
  if (range.to) params.set('to', range.to);
  return `?${params.toString()}`;
}

/** The level of a signed-in user's own unit (what the server's scope gives them). */
export function ownLevel(user: { role: string; unitCode: string | null; facilityId: string | null }): StatsLevel {
  if (user.role === 'national_admin') return 'nation';
  if (user.role === 'site_staff' && user.facilityId) return 'facility';
  const code = user.unitCode ?? '';
  if (code.length === 0) return user.facilityId ? 'facility' : 'nation';
  if (code.length <= 2) return 'province';
  if (code.length === 3) return 'district';
  return 'commune';
}

/** Whether a user whose own unit is at `own` may use the 2025 units (the nation and provinces only). */
export function mayUseScheme2025(own: StatsLevel): boolean {
  return own === 'nation' || own === 'province';
}

/** The depth of a level in its scheme's tree (0 the nation, the facility deepest). */
export function depthOf(level: StatsLevel, scheme: UnitScheme): number {
  const levels = SCHEME_LEVELS[scheme];
  const i = levels.indexOf(level);
  if (i >= 0) return i;
  // A 2021 level in the 2025 tree, or the other way round: place it by its general order.
  return Math.min(STATS_LEVELS.indexOf(level), levels.length - 1);
}

/**
 * Whether a breadcrumb's unit may be opened by a user whose own unit is at `own`: a unit above the
 * user's own is not theirs to see (the server refuses it), so it is shown as text.
 */
export function mayOpen(level: StatsLevel, own: StatsLevel, scheme: UnitScheme): boolean {
  const ownInScheme = scheme === '2025' && own === 'province' ? 'province2025' : own;
  return depthOf(level, scheme) >= depthOf(ownInScheme, scheme);
}

/** The unit of a breadcrumb as the address names it. */
export function unitQueryOf(unit: Pick<StatsUnit, 'level' | 'code'>, scheme: UnitScheme): UnitQuery {
  return unit.level === 'nation' ? { scheme, level: 'nation' } : { scheme, level: unit.level, code: unit.code };
}

/** People with at least one dose, the primary series complete, a booster (from people by status). */
export function coverageCounts(c: Pick<CoverageFigures, 'byStatus'>) {
  return {
    atLeastOne: atLeast(c.byStatus, 'partial'),
    complete: atLeast(c.byStatus, 'complete'),
    booster: atLeast(c.byStatus, 'booster'),
  };
}

/** The dose numbers present in rows (`"1"`, `"2"`, …), in order. */
export function doseNumbersOf(rows: readonly { byDoseNumber?: Record<string, number> | undefined }[]): string[] {
  const set = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.byDoseNumber ?? {})) set.add(k);
  return [...set].sort((a, b) => Number(a) - Number(b));
}

/** A day `days` after `iso` (`YYYY-MM-DD`). */
export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Today in Vietnam (UTC+7), `YYYY-MM-DD`: the day the figures are counted in. */
export function vietnamToday(now = Date.now()): string {
  return new Date(now + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** The days a chart shows when the address names none: the last 90 days up to today. */
export const DEFAULT_DAYS = 90;

/**
 * The days charted: the address's, the end defaulting to today and the start to the
 * {@link DEFAULT_DAYS} before the end. A range core's rule refuses (`statsRangeProblem`: the start
 * after the end, which the server answers with a 400) is ignored, as the address's other invalid parts are.
 */
export function effectiveRange(range: DateRange, today: string): Required<DateRange> {
  const to = range.to ?? today;
  const chosen = { from: range.from ?? addDays(to, -(DEFAULT_DAYS - 1)), to };
  return statsRangeProblem(chosen) ? effectiveRange({}, today) : chosen;
}
