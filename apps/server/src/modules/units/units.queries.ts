import type { NewAdminUnit } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';

export function findUnit(db: Executor, scheme: '2021' | '2025', code: string) {
  return db
    .selectFrom('admin_units')
    .selectAll()
    .where('scheme', '=', scheme)
    .where('code', '=', code)
    .executeTakeFirst();
}

export function listUnits(
  db: Executor,
  f: { scheme: '2021' | '2025'; level?: 'province' | 'district' | 'commune'; parentCode?: string },
) {
  let q = db.selectFrom('admin_units').selectAll().where('scheme', '=', f.scheme);
  if (f.level) q = q.where('level', '=', f.level);
  if (f.parentCode) q = q.where('parent_code', '=', f.parentCode);
  return q.orderBy('code').execute();
}

/** Inserts or refreshes units by (scheme, code); re-running with the same list changes nothing. */
export async function upsertUnits(db: Executor, rows: NewAdminUnit[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await db
      .insertInto('admin_units')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['scheme', 'code']).doUpdateSet((eb) => ({
          level: eb.ref('excluded.level'),
          name: eb.ref('excluded.name'),
          type: eb.ref('excluded.type'),
          parent_code: eb.ref('excluded.parent_code'),
          province_code: eb.ref('excluded.province_code'),
          district_code: eb.ref('excluded.district_code'),
          name_key: eb.ref('excluded.name_key'),
          valid_from: eb.ref('excluded.valid_from'),
          valid_to: eb.ref('excluded.valid_to'),
        })),
      )
      .execute();
  }
}

export async function upsertMappings(
  db: Executor,
  rows: { level: 'province' | 'commune'; old_code: string; new_code: string; old_name: string; new_name: string }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('admin_unit_mappings')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) =>
        oc.columns(['level', 'old_code', 'new_code']).doUpdateSet((eb) => ({
          old_name: eb.ref('excluded.old_name'),
          new_name: eb.ref('excluded.new_name'),
        })),
      )
      .execute();
  }
}

export async function countUnits(db: Executor) {
  return db
    .selectFrom('admin_units')
    .select(['scheme', 'level', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['scheme', 'level'])
    .orderBy('scheme')
    .orderBy('level')
    .execute();
}
