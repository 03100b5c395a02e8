import { VACCINES } from '@tiemchung/core';
import type { Kysely, Transaction } from 'kysely';
import type { DB, VaccineRow } from '../../db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Brings the vaccines table in line with the catalogue in `@tiemchung/core` (the rules' source of
 * truth); the table exists so lots and doses can reference a vaccine by key.
 */
export async function syncVaccineCatalogue(db: Executor): Promise<void> {
  await db
    .insertInto('vaccines')
    .values(
      VACCINES.map((v) => ({
        code: v.code,
        name: v.name,
        local_name: v.localName,
        manufacturer: v.manufacturer,
        ma: v.ma,
        vp: v.vp,
        platform: v.platform,
        approved_on: v.approvedOn,
        primary_doses: v.primaryDoses,
        min_interval_days: v.minIntervalDays,
        recommended_interval_days: v.recommendedIntervalDays,
        doses_per_vial: v.dosesPerVial,
      })),
    )
    .onConflict((oc) =>
      oc.column('code').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        local_name: eb.ref('excluded.local_name'),
        manufacturer: eb.ref('excluded.manufacturer'),
        ma: eb.ref('excluded.ma'),
        vp: eb.ref('excluded.vp'),
        platform: eb.ref('excluded.platform'),
        approved_on: eb.ref('excluded.approved_on'),
        primary_doses: eb.ref('excluded.primary_doses'),
        min_interval_days: eb.ref('excluded.min_interval_days'),
        recommended_interval_days: eb.ref('excluded.recommended_interval_days'),
        doses_per_vial: eb.ref('excluded.doses_per_vial'),
      })),
    )
    .execute();
}

export function listVaccines(db: Executor): Promise<VaccineRow[]> {
  return db.selectFrom('vaccines').selectAll().where('active', '=', true).orderBy('approved_on').execute();
}

/** Never return a raw row. */
export function presentVaccine(v: VaccineRow) {
  return {
    code: v.code,
    name: v.name,
    localName: v.local_name,
    manufacturer: v.manufacturer,
    ma: v.ma,
    vp: v.vp,
    platform: v.platform,
    approvedOn: v.approved_on,
    primaryDoses: v.primary_doses,
    minIntervalDays: v.min_interval_days,
    recommendedIntervalDays: v.recommended_interval_days,
    dosesPerVial: v.doses_per_vial,
  };
}
