import type { StatsLevel } from '@tiemchung/core';
import type { Executor } from '../../db/transaction.js';

/** A unit of the aggregates: its level and code ('' for the nation). */
export interface UnitKeyRef {
  readonly level: StatsLevel;
  readonly code: string;
}

/** A unit's doses by vaccine and dose number (one indexed read of its rows). */
export function doseTotalsOf(db: Executor, unit: UnitKeyRef) {
  return db
    .selectFrom('stats_dose_totals')
    .select(['vaccine_code', 'dose_number', (eb) => eb.fn.sum<number | string>('n').as('n')])
    .where('level', '=', unit.level)
    .where('unit_code', '=', unit.code)
    .groupBy(['vaccine_code', 'dose_number'])
    .execute();
}

/** A unit's people (merged duplicates are not counted). */
export async function peopleTotalOf(db: Executor, unit: UnitKeyRef): Promise<number> {
  const row = await db
    .selectFrom('stats_people_totals')
    .select((eb) => eb.fn.sum<number | string | null>('n').as('n'))
    .where('level', '=', unit.level)
    .where('unit_code', '=', unit.code)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
