import type { Facility } from '@tiemchung/core';
import type { Kysely, Transaction } from 'kysely';
import type { DB, FacilityRow } from '../../db/schema.js';
import { findFacility, insertFacility, listFacilities } from './facilities.queries.js';

type Executor = Kysely<DB> | Transaction<DB>;

/** Never return a raw row. */
export function presentFacility(f: FacilityRow): Facility {
  return {
    id: f.id,
    name: f.name,
    kind: f.kind,
    provinceCode: f.province_code,
    districtCode: f.district_code,
    communeCode: f.commune_code,
    address: f.address,
  };
}

/** The facility with this id, or undefined. */
export function getFacility(db: Executor, id: string): Promise<FacilityRow | undefined> {
  return findFacility(db, id);
}

export { insertFacility, listFacilities };
