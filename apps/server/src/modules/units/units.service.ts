import type { AdminUnit } from '@tiemchung/core';
import type { AdminUnitRow } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';
import { findUnit, listUnits } from './units.queries.js';

/** Never return a raw row. */
export function presentUnit(u: AdminUnitRow): AdminUnit {
  return {
    code: u.code,
    scheme: u.scheme,
    level: u.level === 'province' ? 1 : u.level === 'district' ? 2 : 3,
    name: u.name,
    type: u.type,
    parentCode: u.parent_code,
    provinceCode: u.province_code,
  };
}

/** The 2021 unit (province, district or commune) with this code, the scheme records use. */
export function getUnit2021(db: Executor, code: string): Promise<AdminUnitRow | undefined> {
  return findUnit(db, '2021', code);
}

/** Where a 2021 unit sits: its province, district and commune codes (those that apply). */
export function unitPath(u: AdminUnitRow): {
  provinceCode: string;
  districtCode: string | null;
  communeCode: string | null;
} {
  return {
    provinceCode: u.province_code,
    districtCode: u.level === 'province' ? null : u.level === 'district' ? u.code : u.district_code,
    communeCode: u.level === 'commune' ? u.code : null,
  };
}

export { listUnits };
