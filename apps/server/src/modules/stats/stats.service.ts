import type { StatsSummary } from '@tiemchung/core';
import type { Executor } from '../../db/transaction.js';
import { type Actor, NO_MATCH } from '../../lib/authz.js';
import { freshnessOf } from './stats.fold.js';
import { summaryOf, type UnitKeyRef } from './stats.queries.js';

/** The unit a caller's own figures are: the nation, or the unit (or facility) their account is anchored to. */
export function ownUnit(actor: Actor): UnitKeyRef {
  const s = actor.scope;
  switch (s.level) {
    case 'nation':
      return { level: 'nation', code: '' };
    case 'province':
      return { level: 'province', code: s.provinceCode ?? NO_MATCH };
    case 'district':
      return { level: 'district', code: s.districtCode ?? NO_MATCH };
    case 'commune':
      return { level: 'commune', code: s.communeCode ?? NO_MATCH };
    default:
      return { level: 'facility', code: s.facilityId ?? NO_MATCH };
  }
}

/**
 * The headline figures (api-contract.md, Statistics) of the caller's units, from the aggregates:
 * people living there (a facility: registered with it), doses given at facilities there by dose
 * number and by vaccine; duplicates found by a merge are not counted. `lagSeconds` says how far
 * the figures are behind the records.
 */
export async function summary(db: Executor, actor: Actor, now: Date): Promise<StatsSummary> {
  const unit = ownUnit(actor);
  const row = await summaryOf(db, unit);
  const people = Number(row?.people ?? 0);
  const doses = row?.doses ?? [];
  const fresh = freshnessOf(row, now);
  const byDoseNumber: Record<string, number> = {};
  const byVaccine: Record<string, number> = {};
  let total = 0;
  for (const r of doses) {
    const n = Number(r.n);
    if (n === 0) continue;
    total += n;
    byDoseNumber[String(r.dose_number)] = (byDoseNumber[String(r.dose_number)] ?? 0) + n;
    byVaccine[r.vaccine_code] = (byVaccine[r.vaccine_code] ?? 0) + n;
  }
  return { people, doses: total, byDoseNumber, byVaccine, ...fresh };
}
