import {
  AGE_BANDS,
  atLeast,
  birthYearBand,
  COVERAGE_STATUSES,
  type CoverageBreakdown,
  type CoverageFigures,
  type CoverageStatus,
  coveragePercent,
  DOSE_KINDS,
  type DoseBreakdown,
  isoWeekStart,
  type ReportFigures,
  SCHEME_LEVELS,
  type StatsCoverage,
  type StatsCoverageRow,
  type StatsDateRange,
  type StatsDoseRow,
  type StatsDoses,
  type StatsLevel,
  type StatsOverview,
  type StatsReports,
  type StatsUnit,
  type StatsUnitRef,
  type StatsUnitRow,
  type StatsUnits,
  statsRangeProblem,
  type UnitScheme,
} from '@tiemchung/core';
import type { Executor } from '../../db/transaction.js';
import { type Actor, covers, NO_MATCH } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { getFacility, listFacilities } from '../facilities/facilities.service.js';
import { getUnit2021, getUnit2025, unitNames2021, unitNames2025, unitPath } from '../units/units.service.js';
import {
  ageBandLabel,
  doseKindLabel,
  doseNumberLabel,
  NATION_NAME,
  priorityGroupLabel,
  sexLabel,
  vaccineLabel,
  viDate,
  weekLabel,
} from './stats.api.labels.js';
import { freshness, mapping2025 } from './stats.fold.js';
import { activePopulationSource, type PopulationCells, populationOf } from './stats.population.js';
import {
  type ChildrenRef,
  childDoses,
  childPeople,
  type DayFilter,
  type DoseCellFilter,
  doseCellsOf,
  doseDaysOf,
  lastDoseDayOf,
  peopleCellsOf,
  reportCells,
  type UnitKeyRef,
} from './stats.queries.js';
import { ownUnit } from './stats.service.js';

/**
 * The staff statistics API (issue 15, deliverable 4): a unit's KPI tiles, its children (the
 * drill-down), doses and coverage by one dimension, report handling — each read from the
 * aggregates (a few indexed rows of one unit or of one parent's children), never from the records.
 */

/** Which unit the figures are asked for (the query's scheme, level and code). */
export interface UnitQuery {
  readonly scheme: UnitScheme;
  readonly level?: StatsLevel | undefined;
  readonly code?: string | undefined;
}

/** A unit the caller may see: its key in the aggregates, its reference (name, path) and its children. */
export interface ResolvedUnit {
  readonly scheme: UnitScheme;
  readonly key: UnitKeyRef;
  readonly ref: StatsUnitRef;
  /** Null for a facility (no children). */
  readonly children: ChildrenRef | null;
}

const CHILD_LEVELS: Readonly<Record<UnitScheme, Partial<Record<StatsLevel, readonly StatsLevel[]>>>> = {
  '2021': {
    nation: ['province'],
    province: ['district', 'commune', 'facility'],
    district: ['commune', 'facility'],
    commune: ['facility'],
  },
  '2025': {
    nation: ['province2025'],
    province2025: ['commune2025', 'facility'],
    commune2025: ['facility'],
  },
};

function childrenOf(scheme: UnitScheme, key: UnitKeyRef): ChildrenRef | null {
  const levels = CHILD_LEVELS[scheme][key.level];
  if (!levels) return null;
  return { column: scheme === '2021' ? 'parent_code' : 'parent_2025', code: key.code, levels };
}

/**
 * A statistics date range checked by core's rule (`statsRangeProblem`): a start after the end is a
 * 400 `stats_range_invalid`, a range over `maxDays` a 400 `stats_range_too_long` — never figures of
 * zero. Every statistics route taking `from`/`to` calls it before reading anything.
 */
export function checkStatsRange(range: StatsDateRange, maxDays?: number): void {
  const problem = statsRangeProblem(range, maxDays);
  if (problem?.code === 'stats_range_invalid')
    throw new AppError(problem.code, { field: problem.field, params: problem.params });
  if (problem) throw new AppError(problem.code, { field: problem.field, params: problem.params });
}

const unknownUnit = () => new AppError('stats_unknown_unit', { field: 'code' });
const outOfScope = () => new AppError('out_of_scope', { field: 'code' });

/**
 * The unit asked for, checked: it exists (404 `stats_unknown_unit`), its level belongs to the
 * scheme (400), it is within the caller's units (403 `out_of_scope`). Without a level: the caller's
 * own unit. Scheme 2025 is for national and province accounts (403 `stats_scheme_scope`): a
 * province account sees the 2025 province its province went into, and the units below it.
 */
export async function resolveUnit(db: Executor, actor: Actor, q: UnitQuery): Promise<ResolvedUnit> {
  const scheme = q.scheme;
  const scope = actor.scope;
  if (scheme === '2025' && scope.level !== 'nation' && scope.level !== 'province')
    throw new AppError('stats_scheme_scope', { field: 'scheme' });
  const map = scheme === '2025' ? await mapping2025(db) : null;
  const own2025 = map && scope.level === 'province' ? (map.province.get(scope.provinceCode ?? '') ?? NO_MATCH) : null;

  let level = q.level;
  let code = q.code;
  if (level === undefined) {
    if (code !== undefined) throw new AppError('validation_failed', { field: 'level' });
    if (scheme === '2021') ({ level, code } = ownUnit(actor));
    else if (scope.level === 'nation') level = 'nation';
    else {
      level = 'province2025';
      code = own2025 ?? NO_MATCH;
    }
  }
  if (!SCHEME_LEVELS[scheme].includes(level)) throw new AppError('validation_failed', { field: 'level' });
  if (level === 'nation') {
    if (code) throw new AppError('validation_failed', { field: 'code' });
    if (scope.level !== 'nation') throw outOfScope();
    const key = { level, code: '' } as const;
    return {
      scheme,
      key,
      ref: { scheme, level, code: '', name: NATION_NAME, path: [] },
      children: childrenOf(scheme, key),
    };
  }
  if (!code) throw new AppError('validation_failed', { field: 'code' });
  const nation: StatsUnit = { level: 'nation', code: '', name: NATION_NAME };
  const key: UnitKeyRef = { level, code };
  const done = (name: string, path: StatsUnit[]): ResolvedUnit => ({
    scheme,
    key,
    ref: { scheme, level, code, name, path: [nation, ...path] },
    children: childrenOf(scheme, key),
  });

  if (level === 'facility') {
    const f = await getFacility(db, code);
    if (!f) throw unknownUnit();
    if (scheme === '2021') {
      if (
        !covers(scope, {
          provinceCode: f.province_code,
          districtCode: f.district_code,
          communeCode: f.commune_code,
          facilityId: f.id,
        })
      )
        throw outOfScope();
      const parents = [f.province_code, f.district_code, f.commune_code].filter((c): c is string => !!c);
      const names = await unitNames2021(db, parents);
      const levels: StatsLevel[] = ['province', 'district', 'commune'];
      const path = [f.province_code, f.district_code, f.commune_code].flatMap((c, i) =>
        c ? [{ level: levels[i] as StatsLevel, code: c, name: names.get(c) ?? c }] : [],
      );
      return done(f.name, path);
    }
    const p25 = map?.province.get(f.province_code);
    const c25 = f.commune_code ? map?.commune.get(f.commune_code) : undefined;
    if (own2025 !== null && p25 !== own2025) throw outOfScope();
    const names = await unitNames2025(
      db,
      [p25, c25].filter((c): c is string => !!c),
    );
    const path: StatsUnit[] = [];
    if (p25) path.push({ level: 'province2025', code: p25, name: names.get(p25) ?? p25 });
    if (c25) path.push({ level: 'commune2025', code: c25, name: names.get(c25) ?? c25 });
    return done(f.name, path);
  }

  if (scheme === '2021') {
    const u = await getUnit2021(db, code);
    if (!u || u.level !== level) throw unknownUnit();
    const place = unitPath(u);
    if (!covers(scope, place)) throw outOfScope();
    const parents = [
      ...(level !== 'province' ? [place.provinceCode] : []),
      ...(level === 'commune' && u.district_code ? [u.district_code] : []),
    ];
    const names = await unitNames2021(db, parents);
    return done(
      u.name,
      parents.map((c, i) => ({ level: i === 0 ? 'province' : 'district', code: c, name: names.get(c) ?? c })),
    );
  }

  const u = await getUnit2025(db, code);
  if (!u || `${u.level}2025` !== level) throw unknownUnit();
  if (own2025 !== null && u.province_code !== own2025) throw outOfScope();
  if (level === 'province2025') return done(u.name, []);
  const names = await unitNames2025(db, [u.province_code]);
  return done(u.name, [
    { level: 'province2025', code: u.province_code, name: names.get(u.province_code) ?? u.province_code },
  ]);
}

/** The names of units of one level (2021 or 2025 units, or facilities), by code. */
async function namesOf(db: Executor, level: StatsLevel, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  if (level === 'facility') return new Map((await listFacilities(db, { ids: [...codes] })).map((f) => [f.id, f.name]));
  if (level === 'province2025' || level === 'commune2025') return unitNames2025(db, codes);
  if (level === 'nation') return new Map([['', NATION_NAME]]);
  return unitNames2021(db, codes);
}

const zeroStatus = (): Record<CoverageStatus, number> =>
  Object.fromEntries(COVERAGE_STATUSES.map((s) => [s, 0])) as Record<CoverageStatus, number>;

/** People by status against a population: the coverage figures. */
export function coverageFigures(byStatus: Record<CoverageStatus, number>, population: number | null): CoverageFigures {
  const people = COVERAGE_STATUSES.reduce((n, s) => n + byStatus[s], 0);
  return {
    people,
    byStatus,
    population,
    atLeastOnePercent: coveragePercent(atLeast(byStatus, 'partial'), population),
    completePercent: coveragePercent(atLeast(byStatus, 'complete'), population),
    boosterPercent: coveragePercent(byStatus.booster, population),
  };
}

type ReportCell = Awaited<ReturnType<typeof reportCells>>[number];

/**
 * Report handling from the aggregate's cells: received, resolved (and within the deadline), open,
 * overdue (open and past due), the share on time and the median hours to resolve — the lower
 * middle of the resolved reports' hours (percentile_disc 0.5), from their histogram.
 */
export function reportFigures(cells: readonly ReportCell[]): ReportFigures {
  let received = 0;
  let resolved = 0;
  let resolvedOnTime = 0;
  let open = 0;
  let overdue = 0;
  const hours = new Map<number, number>();
  for (const c of cells) {
    const n = Number(c.n);
    received += n;
    if (c.state === 'resolved') {
      resolved += n;
      if (c.on_time) resolvedOnTime += n;
      hours.set(c.resolve_hours, (hours.get(c.resolve_hours) ?? 0) + n);
    } else {
      open += n;
      overdue += Number(c.past_due);
    }
  }
  let median: number | null = null;
  if (resolved > 0) {
    const rank = Math.ceil(resolved / 2);
    let seen = 0;
    for (const h of [...hours.keys()].sort((a, b) => a - b)) {
      seen += hours.get(h) ?? 0;
      if (seen >= rank) {
        median = h;
        break;
      }
    }
  }
  return {
    received,
    resolved,
    resolvedOnTime,
    open,
    overdue,
    onTimePercent: resolved > 0 ? Math.round((resolvedOnTime / resolved) * 1000) / 10 : null,
    medianHoursToResolve: median,
  };
}

const add = (m: Record<string, number>, k: string | number, n: number) => {
  m[String(k)] = (m[String(k)] ?? 0) + n;
};

/** The year age bands are counted in: the calendar year in Vietnam at `now`. */
const vnYear = (now: Date) => new Date(now.getTime() + 7 * 3_600_000).getUTCFullYear();

/** `GET /api/stats/overview`: the unit's KPI tiles. */
export async function statsOverview(db: Executor, unit: ResolvedUnit, now: Date): Promise<StatsOverview> {
  const [cells, last, people, reports, population, source, fresh] = await Promise.all([
    doseCellsOf(db, unit.key),
    lastDoseDayOf(db, unit.key),
    peopleCellsOf(db, unit.key),
    reportCells(db, { unit: unit.key }, {}, now),
    populationOf(db, unit.key.level, [unit.key.code]),
    activePopulationSource(db),
    freshness(db, now),
  ]);
  const doses = {
    total: 0,
    byDoseNumber: {} as Record<string, number>,
    byDoseKind: {} as Record<string, number>,
    byVaccine: {} as Record<string, number>,
    bySex: {} as Record<string, number>,
    byAgeBand: {} as Record<string, number>,
    lastDay: { date: last?.day ?? null, doses: last?.n ?? 0 },
  };
  for (const c of cells) {
    const n = Number(c.n);
    doses.total += n;
    add(doses.byDoseNumber, c.dose_number, n);
    add(doses.byDoseKind, c.dose_kind, n);
    add(doses.byVaccine, c.vaccine_code, n);
    add(doses.bySex, c.sex, n);
    add(doses.byAgeBand, c.age_band, n);
  }
  const byStatus = zeroStatus();
  for (const p of people) byStatus[p.status as CoverageStatus] += Number(p.n);
  return {
    ...fresh,
    unit: unit.ref,
    doses,
    coverage: coverageFigures(byStatus, population.get(unit.key.code)?.total ?? null),
    reports: reportFigures(reports),
    populationSource: source,
  };
}

/** The children of a unit with their names, in order: units by code, then facilities by name. */
async function childList(
  db: Executor,
  keys: Iterable<string>,
): Promise<{ level: StatsLevel; code: string; name: string }[]> {
  const byLevel = new Map<StatsLevel, string[]>();
  for (const k of keys) {
    const [level, code] = k.split('\u0000') as [StatsLevel, string];
    byLevel.set(level, [...(byLevel.get(level) ?? []), code]);
  }
  const out: { level: StatsLevel; code: string; name: string }[] = [];
  for (const [level, codes] of byLevel) {
    const names = await namesOf(db, level, codes);
    for (const code of codes) out.push({ level, code, name: names.get(code) ?? code });
  }
  const rank = (l: StatsLevel) => (l === 'facility' ? 1 : 0);
  return out.sort(
    (a, b) =>
      rank(a.level) - rank(b.level) ||
      (a.level === 'facility' ? a.name.localeCompare(b.name, 'vi') : a.code.localeCompare(b.code)) ||
      a.code.localeCompare(b.code),
  );
}

const childKey = (level: string, code: string) => `${level}\u0000${code}`;

/** The population of children of several levels, by `level\0code`. */
async function childPopulation(db: Executor, keys: Iterable<string>): Promise<Map<string, PopulationCells>> {
  const byLevel = new Map<StatsLevel, string[]>();
  for (const k of keys) {
    const [level, code] = k.split('\u0000') as [StatsLevel, string];
    if (level !== 'facility') byLevel.set(level, [...(byLevel.get(level) ?? []), code]);
  }
  const out = new Map<string, PopulationCells>();
  for (const [level, codes] of byLevel)
    for (const [code, cells] of await populationOf(db, level, codes)) out.set(childKey(level, code), cells);
  return out;
}

/** `GET /api/stats/units`: the unit's children with their doses (in the dates, of the dose number) and coverage. */
export async function statsUnits(db: Executor, unit: ResolvedUnit, f: DayFilter, now: Date): Promise<StatsUnits> {
  const fresh = await freshness(db, now);
  if (!unit.children) return { ...fresh, unit: unit.ref, rows: [] };
  const [doses, people] = await Promise.all([childDoses(db, unit.children, f), childPeople(db, unit.children)]);
  const dosesOf = new Map<string, { total: number; byDoseNumber: Record<string, number> }>();
  for (const d of doses) {
    const n = Number(d.n);
    if (n === 0) continue;
    const k = childKey(d.level, d.unit_code);
    const e = dosesOf.get(k) ?? { total: 0, byDoseNumber: {} };
    e.total += n;
    add(e.byDoseNumber, d.dose_number, n);
    dosesOf.set(k, e);
  }
  const statusOf = new Map<string, Record<CoverageStatus, number>>();
  for (const p of people) {
    const n = Number(p.n);
    if (n === 0 || p.level === 'facility') continue;
    const k = childKey(p.level, p.unit_code);
    const e = statusOf.get(k) ?? zeroStatus();
    e[p.status as CoverageStatus] += n;
    statusOf.set(k, e);
  }
  const keys = new Set([...dosesOf.keys(), ...statusOf.keys()]);
  const [list, population] = await Promise.all([childList(db, keys), childPopulation(db, statusOf.keys())]);
  const rows: StatsUnitRow[] = list.map((c) => {
    const k = childKey(c.level, c.code);
    const d = dosesOf.get(k);
    return {
      ...c,
      hasChildren: c.level !== 'facility',
      doses: d?.total ?? 0,
      byDoseNumber: d?.byDoseNumber ?? {},
      coverage:
        c.level === 'facility'
          ? null
          : coverageFigures(statusOf.get(k) ?? zeroStatus(), population.get(k)?.total ?? null),
    };
  });
  return { ...fresh, unit: unit.ref, rows };
}

/** The filters of `GET /api/stats/doses`. */
export interface DosesQuery extends DoseCellFilter, DayFilter {
  readonly by: DoseBreakdown;
}

/**
 * `GET /api/stats/doses?by=…`: the unit's doses by one dimension. By day or week, from the by-day
 * aggregate (dates and dose number only); by the others, from the totals (no dates): a filter the
 * figures cannot apply is a 400 `stats_filter_unsupported`, never ignored.
 */
export async function statsDoses(db: Executor, unit: ResolvedUnit, q: DosesQuery, now: Date): Promise<StatsDoses> {
  const byDay = q.by === 'day' || q.by === 'week';
  const unsupported = byDay
    ? (['vaccine', 'doseKind', 'sex', 'ageBand'] as const).find((k) => q[k] !== undefined)
    : (['from', 'to'] as const).find((k) => q[k] !== undefined);
  if (unsupported)
    throw new AppError('stats_filter_unsupported', { field: unsupported, params: { filter: unsupported } });
  const fresh = await freshness(db, now);
  const rows = new Map<string, StatsDoseRow>();
  const row = (key: string, label: string, withDoseNumbers: boolean) => {
    let r = rows.get(key);
    if (!r) {
      r = { key, label, doses: 0, ...(withDoseNumbers ? { byDoseNumber: {} } : {}) };
      rows.set(key, r);
    }
    return r;
  };
  if (byDay) {
    for (const d of await doseDaysOf(db, unit.key, q)) {
      const day = String(d.day);
      const key = q.by === 'day' ? day : isoWeekStart(day);
      const r = row(key, q.by === 'day' ? viDate(key) : weekLabel(key), true);
      r.doses += Number(d.n);
      add(r.byDoseNumber as Record<string, number>, d.dose_number, Number(d.n));
    }
    return { ...fresh, unit: unit.ref, by: q.by, rows: [...rows.values()].sort((a, b) => a.key.localeCompare(b.key)) };
  }
  for (const c of await doseCellsOf(db, unit.key, q)) {
    const n = Number(c.n);
    const [key, label] =
      q.by === 'vaccine'
        ? [c.vaccine_code, vaccineLabel(c.vaccine_code)]
        : q.by === 'doseNumber'
          ? [String(c.dose_number), doseNumberLabel(c.dose_number)]
          : q.by === 'doseKind'
            ? [c.dose_kind, doseKindLabel(c.dose_kind)]
            : q.by === 'sex'
              ? [c.sex, sexLabel(c.sex)]
              : [c.age_band, ageBandLabel(c.age_band)];
    row(key, label, false).doses += n;
  }
  const order: Record<string, (a: StatsDoseRow, b: StatsDoseRow) => number> = {
    vaccine: (a, b) => b.doses - a.doses || a.key.localeCompare(b.key),
    doseNumber: (a, b) => Number(a.key) - Number(b.key),
    doseKind: (a, b) => DOSE_KINDS.indexOf(a.key as never) - DOSE_KINDS.indexOf(b.key as never),
    ageBand: (a, b) => AGE_BANDS.indexOf(a.key as never) - AGE_BANDS.indexOf(b.key as never),
    sex: (a, b) => a.key.localeCompare(b.key),
  };
  return { ...fresh, unit: unit.ref, by: q.by, rows: [...rows.values()].sort(order[q.by]) };
}

/**
 * `GET /api/stats/coverage?by=…`: the unit's people by status against the population — by child
 * unit, by age band (the band people are in this year, from their birth year), by sex or by
 * priority group (no population figures: percentages null).
 */
export async function statsCoverage(
  db: Executor,
  unit: ResolvedUnit,
  by: CoverageBreakdown,
  now: Date,
): Promise<StatsCoverage> {
  const [people, population, source, fresh] = await Promise.all([
    peopleCellsOf(db, unit.key),
    populationOf(db, unit.key.level, [unit.key.code]),
    activePopulationSource(db),
    freshness(db, now),
  ]);
  const pop = population.get(unit.key.code);
  const total = zeroStatus();
  for (const p of people) total[p.status as CoverageStatus] += Number(p.n);
  let rows: StatsCoverageRow[] = [];
  if (by === 'unit') {
    const children = await statsUnits(db, unit, {}, now);
    rows = children.rows.flatMap((r) => (r.coverage ? [{ key: r.code, label: r.name, ...r.coverage }] : []));
  } else {
    const year = vnYear(now);
    const groups = new Map<string, Record<CoverageStatus, number>>();
    for (const p of people) {
      const key =
        by === 'ageBand' ? birthYearBand(p.birth_year, year) : by === 'sex' ? p.sex : String(p.priority_group);
      const g = groups.get(key) ?? zeroStatus();
      g[p.status as CoverageStatus] += Number(p.n);
      groups.set(key, g);
    }
    const keys =
      by === 'ageBand'
        ? [...AGE_BANDS]
        : [...groups.keys()].sort((a, b) =>
            (by === 'priorityGroup' ? priorityGroupLabel(a) : a).localeCompare(
              by === 'priorityGroup' ? priorityGroupLabel(b) : b,
              'vi',
            ),
          );
    rows = keys.map((key) => {
      const denominator =
        by === 'ageBand'
          ? (pop?.byAgeBand[key as keyof PopulationCells['byAgeBand']] ?? null)
          : by === 'sex'
            ? (pop?.bySex[key as 'male' | 'female'] ?? null)
            : null;
      const label = by === 'ageBand' ? ageBandLabel(key) : by === 'sex' ? sexLabel(key) : priorityGroupLabel(key);
      return { key, label, ...coverageFigures(groups.get(key) ?? zeroStatus(), denominator) };
    });
  }
  return {
    ...fresh,
    unit: unit.ref,
    by,
    rows,
    total: coverageFigures(total, pop?.total ?? null),
    populationSource: source,
  };
}

/** `GET /api/stats/reports`: report handling in the unit and in each child unit, for reports received in the dates. */
export async function statsReports(
  db: Executor,
  unit: ResolvedUnit,
  f: { from?: string | undefined; to?: string | undefined },
  now: Date,
): Promise<StatsReports> {
  const [own, children, fresh] = await Promise.all([
    reportCells(db, { unit: unit.key }, f, now),
    unit.children ? reportCells(db, { parent: unit.children }, f, now) : Promise.resolve([]),
    freshness(db, now),
  ]);
  const byChild = new Map<string, ReportCell[]>();
  for (const c of children) {
    if (Number(c.n) === 0) continue;
    const k = childKey(c.level, c.unit_code);
    byChild.set(k, [...(byChild.get(k) ?? []), c]);
  }
  const list = await childList(db, byChild.keys());
  return {
    ...fresh,
    unit: unit.ref,
    total: reportFigures(own),
    rows: list.map((c) => ({ ...c, ...reportFigures(byChild.get(childKey(c.level, c.code)) ?? []) })),
  };
}
