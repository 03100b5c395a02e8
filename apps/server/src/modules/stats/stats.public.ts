import { createHash } from 'node:crypto';
import {
  atLeast,
  COVERAGE_STATUSES,
  type CoverageStatus,
  coveragePercent,
  PUBLIC_DAILY_COLUMNS,
  PUBLIC_MIN_CELL,
  PUBLIC_NATION_CODE,
  PUBLIC_PROVINCE_COLUMNS,
  type PublicDailyFile,
  type PublicProvincesFile,
  type PublicStats,
  type PublicStatsDay,
  type PublicStatsProvince,
  publicCount,
  type StatsLevel,
  type UnitScheme,
} from '@tiemchung/core';
import type { Executor } from '../../db/transaction.js';
import { AppError } from '../../lib/errors.js';
import { listUnits } from '../units/units.service.js';
import { freshness } from './stats.fold.js';
import { activePopulationSource, populationOf } from './stats.population.js';

/**
 * The public statistics (issue 15, deliverable 6): national and provincial doses, coverage and
 * doses per day for everyone, read only from the aggregates — no personal data, and no count
 * below PUBLIC_MIN_CELL (core's `publicCount`), so that nobody is singled out. The same figures
 * are the open data files (docs/open-data.md).
 */

/** The province level of each scheme's tree. */
const PROVINCE_LEVEL: Record<UnitScheme, StatsLevel> = { '2021': 'province', '2025': 'province2025' };

/** The name of the nation's row. */
export const NATION_NAME = 'Việt Nam';

/**
 * Hides, besides the cells below the threshold, what subtraction would reveal: when exactly one
 * cell of a group whose total is published is hidden, the total minus the others gives it, so the
 * smallest other non-zero cell is hidden too ("secondary suppression").
 */
export function suppressGroup(cells: readonly number[]): (number | null)[] {
  const out = cells.map(publicCount);
  if (out.filter((v) => v === null).length !== 1) return out;
  let smallest = -1;
  cells.forEach((v, i) => {
    if (out[i] !== null && v > 0 && (smallest < 0 || v < (cells[smallest] as number))) smallest = i;
  });
  if (smallest >= 0) out[smallest] = null;
  return out;
}

/** A percentage of a published count over a published population; null when either is hidden. */
function publicPercent(people: number | null, population: number | null): number | null {
  return people === null || population === null ? null : coveragePercent(people, population);
}

interface RawUnit {
  code: string;
  name: string;
  doses: number;
  people: Record<CoverageStatus, number>;
  population: number | null;
}

const noPeople = (): Record<CoverageStatus, number> =>
  Object.fromEntries(COVERAGE_STATUSES.map((s) => [s, 0])) as Record<CoverageStatus, number>;

/** The figures of the public page, computed from the aggregates (uncached). */
export async function computePublicStats(
  db: Executor,
  query: { scheme: UnitScheme; province?: string | undefined },
  now: Date,
): Promise<PublicStats> {
  const level = PROVINCE_LEVEL[query.scheme];
  const [units, doseRows, peopleRows, source, fresh] = await Promise.all([
    listUnits(db, { scheme: query.scheme, level: 'province' }),
    db
      .selectFrom('stats_unit_doses')
      .select(['level', 'unit_code', (eb) => eb.fn.sum<number | string>('n').as('n')])
      .where('level', 'in', ['nation', level])
      .groupBy(['level', 'unit_code'])
      .execute(),
    db
      .selectFrom('stats_unit_people')
      .select(['level', 'unit_code', 'status', 'n'])
      .where('level', 'in', ['nation', level])
      .execute(),
    activePopulationSource(db),
    freshness(db, now),
  ]);

  const names = new Map(units.map((u) => [u.code, u.name]));
  // A unit the aggregates count in but the list does not name (a list not loaded yet) keeps its code.
  for (const r of [...doseRows, ...peopleRows])
    if (r.level === level && !names.has(r.unit_code)) names.set(r.unit_code, r.unit_code);
  if (query.province !== undefined && !names.has(query.province))
    throw new AppError('unknown_unit', { field: 'province' });

  const raw = new Map<string, RawUnit>();
  const unitOf = (lvl: string, code: string): RawUnit => {
    const key = lvl === 'nation' ? PUBLIC_NATION_CODE : code;
    let u = raw.get(key);
    if (!u) {
      u = {
        code: key,
        name: key === PUBLIC_NATION_CODE ? NATION_NAME : (names.get(code) ?? code),
        doses: 0,
        people: noPeople(),
        population: null,
      };
      raw.set(key, u);
    }
    return u;
  };
  unitOf('nation', '');
  for (const code of [...names.keys()].sort()) unitOf(level, code);
  for (const r of doseRows) unitOf(r.level, r.unit_code).doses += Number(r.n);
  for (const r of peopleRows)
    if ((COVERAGE_STATUSES as readonly string[]).includes(r.status))
      unitOf(r.level, r.unit_code).people[r.status as CoverageStatus] += Number(r.n);

  const provinceCodes = [...names.keys()].sort();
  const [population, nationPopulation] = await Promise.all([
    populationOf(db, level, provinceCodes),
    populationOf(db, 'nation', ['']),
  ]);
  for (const code of provinceCodes) {
    const p = population.get(code);
    if (p) unitOf(level, code).population = p.total;
  }
  const nationRaw = unitOf('nation', '');
  nationRaw.population =
    nationPopulation.get('')?.total ??
    (population.size ? [...population.values()].reduce((s, p) => s + p.total, 0) : null);

  const provincesRaw = provinceCodes.map((c) => raw.get(c) as RawUnit);
  // Each measure is suppressed across the provinces together: the nation's total is published.
  const measures = {
    doses: suppressGroup(provincesRaw.map((u) => u.doses)),
    atLeastOne: suppressGroup(provincesRaw.map((u) => atLeast(u.people, 'partial'))),
    complete: suppressGroup(provincesRaw.map((u) => atLeast(u.people, 'complete'))),
    booster: suppressGroup(provincesRaw.map((u) => atLeast(u.people, 'booster'))),
  };
  const present = (
    u: RawUnit,
    counts: { doses: number | null; atLeastOne: number | null; complete: number | null; booster: number | null },
  ): PublicStatsProvince => {
    const population = u.population === null ? null : publicCount(u.population);
    return {
      code: u.code,
      name: u.name,
      ...counts,
      population,
      atLeastOnePercent: publicPercent(counts.atLeastOne, population),
      completePercent: publicPercent(counts.complete, population),
      boosterPercent: publicPercent(counts.booster, population),
    };
  };
  const nation = present(nationRaw, {
    doses: publicCount(nationRaw.doses),
    atLeastOne: publicCount(atLeast(nationRaw.people, 'partial')),
    complete: publicCount(atLeast(nationRaw.people, 'complete')),
    booster: publicCount(atLeast(nationRaw.people, 'booster')),
  });
  const provinces = provincesRaw.map((u, i) =>
    present(u, {
      doses: measures.doses[i] ?? null,
      atLeastOne: measures.atLeastOne[i] ?? null,
      complete: measures.complete[i] ?? null,
      booster: measures.booster[i] ?? null,
    }),
  );

  const daily = await dailySeries(
    db,
    query.province === undefined ? { level: 'nation', code: '' } : { level, code: query.province },
  );
  const asOf = new Date(now.getTime() - fresh.lagSeconds * 1000).toISOString();
  return {
    asOf,
    scheme: query.scheme,
    nation,
    provinces,
    daily,
    populationSource: source ? { source: source.source, year: source.year } : null,
    minCell: PUBLIC_MIN_CELL,
  };
}

/**
 * Doses per day of one unit, by first, second and later doses. The days of a series add up to a
 * published total, and a day's three parts to the day: each is suppressed as a group, and a day
 * hidden only to protect another day hides its parts too.
 */
async function dailySeries(db: Executor, unit: { level: StatsLevel; code: string }): Promise<PublicStatsDay[]> {
  const rows = await db
    .selectFrom('stats_dose_days')
    .select(['day', 'dose_number', (eb) => eb.fn.sum<number | string>('n').as('n')])
    .where('level', '=', unit.level)
    .where('unit_code', '=', unit.code)
    .groupBy(['day', 'dose_number'])
    .execute();
  const byDay = new Map<string, [number, number, number]>();
  for (const r of rows) {
    const day = String(r.day).slice(0, 10);
    const parts = byDay.get(day) ?? [0, 0, 0];
    const i = r.dose_number <= 1 ? 0 : r.dose_number === 2 ? 1 : 2;
    parts[i] += Number(r.n);
    byDay.set(day, parts);
  }
  const days = [...byDay.entries()].filter(([, p]) => p[0] + p[1] + p[2] !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
  const totals = suppressGroup(days.map(([, p]) => p[0] + p[1] + p[2]));
  return days.map(([date, p], i) => {
    const doses = totals[i] ?? null;
    const [first, second, later] = doses === null ? [null, null, null] : suppressGroup(p);
    return { date, doses, firstDoses: first ?? null, secondDoses: second ?? null, laterDoses: later ?? null };
  });
}

/** The public figures with their ETag, kept ~30 s per (scheme, province) on this node. */
export interface CachedPublicStats {
  readonly stats: PublicStats;
  readonly etag: string;
}

const PUBLIC_CACHE_MS = 30_000;
/** Per database (tests and benchmarks open several in one process): key → the figures being or already read. */
const cache = new WeakMap<object, Map<string, { value: Promise<CachedPublicStats>; until: number }>>();

/**
 * The public figures, read at most once per ~30 s per database, scheme and province on this node
 * (concurrent requests share one read); an error is not kept.
 */
export function publicStats(
  db: Executor,
  query: { scheme: UnitScheme; province?: string | undefined },
  now: Date,
): Promise<CachedPublicStats> {
  let entries = cache.get(db);
  if (!entries) {
    entries = new Map();
    cache.set(db, entries);
  }
  const key = `${query.scheme}:${query.province ?? ''}`;
  const at = Date.now();
  const hit = entries.get(key);
  if (hit && hit.until > at) return hit.value;
  if (entries.size >= 500) entries.clear();
  const value = computePublicStats(db, query, now).then((stats) => ({ stats, etag: etagOf(JSON.stringify(stats)) }));
  const entry = { value, until: at + PUBLIC_CACHE_MS };
  entries.set(key, entry);
  value.catch(() => {
    if (entries.get(key) === entry) entries.delete(key);
  });
  return value;
}

/** Forgets this database's cached public figures (tests read figures right after changing records). */
export function forgetPublicStats(db: Executor): void {
  cache.delete(db);
}

/** A strong validator of a body. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

const meta = (s: PublicStats) => ({
  scheme: s.scheme,
  as_of: s.asOf,
  min_cell: s.minCell,
  population_source: s.populationSource?.source ?? null,
  population_year: s.populationSource?.year ?? null,
});

/** The provinces file: the nation (row VN) then every province, columns PUBLIC_PROVINCE_COLUMNS. */
export function provincesFile(s: PublicStats): PublicProvincesFile {
  return {
    ...meta(s),
    rows: [s.nation, ...s.provinces].map((p) => ({
      province_code: p.code,
      province_name: p.name,
      population: p.population,
      doses: p.doses,
      people_at_least_one_dose: p.atLeastOne,
      people_complete: p.complete,
      people_booster: p.booster,
      coverage_at_least_one_pct: p.atLeastOnePercent,
      coverage_complete_pct: p.completePercent,
      coverage_booster_pct: p.boosterPercent,
    })),
  };
}

/** The daily file of the nation (row code VN) or of the province asked for, columns PUBLIC_DAILY_COLUMNS. */
export function dailyFile(s: PublicStats, province: string | undefined): PublicDailyFile {
  const unit = province === undefined ? s.nation : (s.provinces.find((p) => p.code === province) ?? s.nation);
  return {
    ...meta(s),
    rows: s.daily.map((d) => ({
      date: d.date,
      province_code: unit.code,
      province_name: unit.name,
      doses: d.doses,
      first_doses: d.firstDoses,
      second_doses: d.secondDoses,
      later_doses: d.laterDoses,
    })),
  };
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A file's rows as CSV: UTF-8 with a byte-order mark (spreadsheets read the diacritics), CRLF lines, empty = suppressed. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, string | number | null>[]): string {
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c] ?? null)).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export { PUBLIC_DAILY_COLUMNS, PUBLIC_PROVINCE_COLUMNS };
