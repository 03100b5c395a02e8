import type { Executor } from '../../db/transaction.js';
import type { Actor } from '../../lib/authz.js';
import { doseCountsInScope } from '../doses/doses.service.js';
import { countPeopleInScope } from '../people/people.service.js';

/**
 * The headline figures (api-contract.md, Statistics), straight from the records, each read through
 * the module that owns it: people in the caller's units (by residence) and the doses given at
 * facilities in them, by dose number and by vaccine. Duplicate entries found by a merge are not
 * counted.
 */
export async function summary(db: Executor, actor: Actor) {
  const p = await countPeopleInScope(db, actor.scope);
  const { byNumber, byVaccine } = await doseCountsInScope(db, actor.scope);
  return {
    people: Number(p.n),
    doses: byNumber.reduce((sum, r) => sum + Number(r.n), 0),
    byDoseNumber: Object.fromEntries(byNumber.map((r) => [String(r.dose_number), Number(r.n)])),
    byVaccine: Object.fromEntries(byVaccine.map((r) => [r.vaccine_code, Number(r.n)])),
  };
}
