import { nameSearchKey } from '@tiemchung/core';
import type { Updateable } from 'kysely';
import type { FacilityTable } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';

/** What a facility is found by: its name and address without diacritics, lower case. */
export function facilitySearchKey(name: string, address: string | null): string {
  return nameSearchKey(`${name} ${address ?? ''}`);
}

export function findFacility(db: Executor, id: string) {
  return db.selectFrom('facilities').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The facility locked for this transaction (an edit or a change of status waits for the one before). */
export function findFacilityForUpdate(db: Executor, id: string) {
  return db.selectFrom('facilities').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * Facilities by province or district (active ones only: the public list, the sites' choice), or by
 * id (any, deactivated too: a dose given at a facility since deactivated still names it).
 */
export function listFacilities(db: Executor, f: { provinceCode?: string; districtCode?: string; ids?: string[] }) {
  let q = db.selectFrom('facilities').selectAll();
  if (f.ids) q = q.where('id', 'in', f.ids.length ? f.ids : ['']);
  else q = q.where('active', '=', true);
  if (f.provinceCode) q = q.where('province_code', '=', f.provinceCode);
  if (f.districtCode) q = q.where('district_code', '=', f.districtCode);
  return q.orderBy('province_code').orderBy('name').limit(2000).execute();
}

/** Facilities for their administrators: active and deactivated, by unit, status and text. */
export function listManagedFacilities(
  db: Executor,
  f: {
    scope: { column: 'province_code' | 'district_code' | 'commune_code' | 'id'; value: string } | null;
    provinceCode?: string | undefined;
    districtCode?: string | undefined;
    status: 'all' | 'active' | 'inactive';
    q?: string | undefined;
  },
) {
  let q = db.selectFrom('facilities').selectAll();
  if (f.scope) q = q.where(f.scope.column, '=', f.scope.value);
  if (f.provinceCode) q = q.where('province_code', '=', f.provinceCode);
  if (f.districtCode) q = q.where('district_code', '=', f.districtCode);
  if (f.status !== 'all') q = q.where('active', '=', f.status === 'active');
  const key = f.q ? nameSearchKey(f.q) : '';
  // Facilities are few per unit (hundreds per province): the key is compared without an index.
  if (key) {
    const pattern = `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('search_key', 'like', pattern), eb('id', '=', f.q ?? '')]));
  }
  return q.orderBy('active', 'desc').orderBy('province_code').orderBy('name').limit(2000).execute();
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
    created_by?: string | null;
  },
) {
  return db
    .insertInto('facilities')
    .values({ ...f, search_key: facilitySearchKey(f.name, f.address) })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export function updateFacilityRow(db: Executor, id: string, set: Updateable<FacilityTable>) {
  return db.updateTable('facilities').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
