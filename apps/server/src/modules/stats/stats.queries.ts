import type { StatsLevel } from '@tiemchung/core';
import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.js';
import { FRESHNESS_COLUMNS, type FreshnessColumns } from './stats.fold.js';

/** A unit of the aggregates: its level and code ('' for the nation). */
export interface UnitKeyRef {
  readonly level: StatsLevel;
  readonly code: string;
}

/**
 * The summary's figures of a unit and the freshness of the figures, in one statement (one round
 * trip and one connection per request: the national summary is the most read figure).
 */
export async function summaryOf(db: Executor, unit: UnitKeyRef) {
  const { rows } = await sql<
    FreshnessColumns & {
      people: number | string | null;
      doses: { vaccine_code: string; dose_number: number; n: number | string }[] | null;
    }
  >`
    select
      (select sum(n) from stats_unit_people where level = ${unit.level} and unit_code = ${unit.code}) as people,
      (select json_agg(d) from (
        select vaccine_code, dose_number, sum(n) as n from stats_dose_totals
        where level = ${unit.level} and unit_code = ${unit.code}
        group by vaccine_code, dose_number
      ) d) as doses,
      ${FRESHNESS_COLUMNS}
  `.execute(db);
  return rows[0];
}

/** The column a unit's children name it by: the 2021 tree's parent or the 2025 tree's. */
export interface ChildrenRef {
  readonly column: 'parent_code' | 'parent_2025';
  readonly code: string;
  /** The levels of the children (the next level down, and facilities hanging directly below). */
  readonly levels: readonly StatsLevel[];
}

/** The filters of the dose totals (none has a day). */
export interface DoseCellFilter {
  readonly vaccine?: string | undefined;
  readonly doseNumber?: number | undefined;
  readonly doseKind?: string | undefined;
  readonly sex?: string | undefined;
  readonly ageBand?: string | undefined;
}

/** A unit's doses by vaccine, dose number and kind, sex and age band (one indexed read of its rows). */
export function doseCellsOf(db: Executor, unit: UnitKeyRef, f: DoseCellFilter = {}) {
  let q = db
    .selectFrom('stats_dose_totals')
    .select(['vaccine_code', 'dose_number', 'dose_kind', 'sex', 'age_band', 'n'])
    .where('level', '=', unit.level)
    .where('unit_code', '=', unit.code)
    .where('n', '<>', 0);
  if (f.vaccine !== undefined) q = q.where('vaccine_code', '=', f.vaccine);
  if (f.doseNumber !== undefined) q = q.where('dose_number', '=', f.doseNumber);
  if (f.doseKind !== undefined) q = q.where('dose_kind', '=', f.doseKind);
  if (f.sex !== undefined) q = q.where('sex', '=', f.sex);
  if (f.ageBand !== undefined) q = q.where('age_band', '=', f.ageBand);
  return q.execute();
}

/** The day range and dose number a by-day figure is filtered by. */
export interface DayFilter {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly doseNumber?: number | undefined;
}

/** A unit's doses by day and dose number (its rows of the by-day aggregate, in the range). */
export function doseDaysOf(db: Executor, unit: UnitKeyRef, f: DayFilter = {}) {
  let q = db
    .selectFrom('stats_dose_days')
    .select(['day', 'dose_number', 'n'])
    .where('level', '=', unit.level)
    .where('unit_code', '=', unit.code)
    .where('n', '<>', 0);
  if (f.from !== undefined) q = q.where('day', '>=', f.from);
  if (f.to !== undefined) q = q.where('day', '<=', f.to);
  if (f.doseNumber !== undefined) q = q.where('dose_number', '=', f.doseNumber);
  return q.orderBy('day').execute();
}

/** The latest day with doses in a unit, and how many (a backward read of the unit's days). */
export async function lastDoseDayOf(db: Executor, unit: UnitKeyRef): Promise<{ day: string; n: number } | null> {
  const row = await db
    .selectFrom('stats_dose_days')
    .select(['day', (eb) => eb.fn.sum<number | string>('n').as('n')])
    .where('level', '=', unit.level)
    .where('unit_code', '=', unit.code)
    .groupBy('day')
    .having((eb) => eb.fn.sum('n'), '<>', 0)
    .orderBy('day', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { day: String(row.day), n: Number(row.n) } : null;
}

/** The children's doses by dose number: from the totals, or — with a day filter — from the by-day aggregate. */
export function childDoses(db: Executor, parent: ChildrenRef, f: DayFilter = {}) {
  if (f.from === undefined && f.to === undefined) {
    // The narrow aggregate: one row a child and dose number.
    let q = db
      .selectFrom('stats_unit_doses')
      .select(['level', 'unit_code', 'dose_number', 'n'])
      .where('level', 'in', parent.levels)
      .where(parent.column, '=', parent.code);
    if (f.doseNumber !== undefined) q = q.where('dose_number', '=', f.doseNumber);
    return q.execute();
  }
  let q = db
    .selectFrom('stats_dose_days')
    .select(['level', 'unit_code', 'dose_number', (eb) => eb.fn.sum<number | string>('n').as('n')])
    .where('level', 'in', parent.levels)
    .where(parent.column, '=', parent.code);
  if (f.from !== undefined) q = q.where('day', '>=', f.from);
  if (f.to !== undefined) q = q.where('day', '<=', f.to);
  if (f.doseNumber !== undefined) q = q.where('dose_number', '=', f.doseNumber);
  return q.groupBy(['level', 'unit_code', 'dose_number']).execute();
}

/** A unit's people by sex, birth year, status and priority group. */
export function peopleCellsOf(db: Executor, unit: UnitKeyRef) {
  return db
    .selectFrom('stats_people_totals')
    .select(['sex', 'birth_year', 'status', 'priority_group', 'n'])
    .where('level', '=', unit.level)
    .where('unit_code', '=', unit.code)
    .where('n', '<>', 0)
    .execute();
}

/** The children's people by status (the narrow aggregate: one row a child and status). */
export function childPeople(db: Executor, parent: ChildrenRef) {
  return db
    .selectFrom('stats_unit_people')
    .select(['level', 'unit_code', 'status', 'n'])
    .where('level', 'in', parent.levels)
    .where(parent.column, '=', parent.code)
    .execute();
}

/** Reports received in a range: by state, on time and hours to resolve, with how many open ones are past due at `now`. */
export function reportCells(
  db: Executor,
  where: { unit: UnitKeyRef } | { parent: ChildrenRef },
  f: { from?: string | undefined; to?: string | undefined },
  now: Date,
) {
  let q = db
    .selectFrom('stats_report_totals')
    .select((eb) => [
      'level',
      'unit_code',
      'state',
      'on_time',
      'resolve_hours',
      eb.fn.sum<number | string>('n').as('n'),
      eb.fn
        .sum<number | string>(eb.case().when('due_at', '<', now).then(eb.ref('n')).else(sql.lit(0)).end())
        .as('past_due'),
    ]);
  if ('unit' in where) q = q.where('level', '=', where.unit.level).where('unit_code', '=', where.unit.code);
  else q = q.where('level', 'in', where.parent.levels).where(where.parent.column, '=', where.parent.code);
  if (f.from !== undefined) q = q.where('day', '>=', f.from);
  if (f.to !== undefined) q = q.where('day', '<=', f.to);
  return q.groupBy(['level', 'unit_code', 'state', 'on_time', 'resolve_hours']).execute();
}
