import type { Executor } from '../../db/transaction.js';

export function findFacility(db: Executor, id: string) {
  return db.selectFrom('facilities').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listFacilities(db: Executor, f: { provinceCode?: string; districtCode?: string; ids?: string[] }) {
  let q = db.selectFrom('facilities').selectAll().where('active', '=', true);
  if (f.provinceCode) q = q.where('province_code', '=', f.provinceCode);
  if (f.districtCode) q = q.where('district_code', '=', f.districtCode);
  if (f.ids) q = q.where('id', 'in', f.ids.length ? f.ids : ['']);
  return q.orderBy('province_code').orderBy('name').limit(2000).execute();
}

export function insertFacility(
  db: Executor,
  f: {
    id: string;
    name: string;
    kind: string;
    province_code: string;
    district_code: string | null;
    commune_code: string | null;
    address: string | null;
  },
) {
  return db
    .insertInto('facilities')
    .values(f)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
