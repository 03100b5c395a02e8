import type { Facility } from '@tiemchung/core';
import type { Kysely } from 'kysely';
import type { DB, FacilityRow } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { findFacility, insertFacility, listFacilities } from './facilities.queries.js';

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

const facilityCache = new TtlCache<string, FacilityRow>(60_000);

/**
 * The facility, from a one-minute cache on the hot path of dose recording (facilities change
 * rarely; a renamed facility shows within a minute).
 */
export function getFacilityCached(db: Kysely<DB>, id: string): Promise<FacilityRow | undefined> {
  return facilityCache.get(db, id, () => findFacility(db, id));
}

export { insertFacility, listFacilities };
