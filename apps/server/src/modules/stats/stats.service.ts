import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { type Actor, NO_MATCH } from '../../lib/authz.js';

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * The headline figures (api-contract.md, Statistics), straight from the records: people in the
 * caller's units (by residence) and the doses given at facilities in them, by dose number and by
 * vaccine. Duplicate entries found by a merge are not counted.
 */
export async function summary(db: Executor, actor: Actor) {
  const s = actor.scope;
  let people = db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('merged_into', 'is', null);
  let doses = db.selectFrom('doses').where('duplicate_of', 'is', null);
  if (s.level === 'province') {
    people = people.where('province_code', '=', s.provinceCode ?? NO_MATCH);
    doses = doses.where('province_code', '=', s.provinceCode ?? NO_MATCH);
  } else if (s.level === 'district' || s.level === 'commune') {
    people = people.where('district_code', '=', s.districtCode ?? NO_MATCH);
    doses = doses.where('district_code', '=', s.districtCode ?? NO_MATCH);
  } else if (s.level === 'facility') {
    people = people.where('registered_facility_id', '=', s.facilityId ?? NO_MATCH);
    doses = doses.where('facility_id', '=', s.facilityId ?? NO_MATCH);
  }
  const [p, byNumber, byVaccine] = [
    await people.executeTakeFirstOrThrow(),
    await doses
      .select(['dose_number', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('dose_number')
      .orderBy('dose_number')
      .execute(),
    await doses
      .select(['vaccine_code', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('vaccine_code')
      .orderBy('vaccine_code')
      .execute(),
  ];
  return {
    people: Number(p.n),
    doses: byNumber.reduce((sum, r) => sum + Number(r.n), 0),
    byDoseNumber: Object.fromEntries(byNumber.map((r) => [String(r.dose_number), Number(r.n)])),
    byVaccine: Object.fromEntries(byVaccine.map((r) => [r.vaccine_code, Number(r.n)])),
  };
}
