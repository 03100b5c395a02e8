import type { AdminUnit, UnitMapping, UnitSearchHit, UnitsSummary } from '@tiemchung/core';
import { nameSearchKey, primarySplit } from '@tiemchung/core';
import type { AdminUnitRow } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';
import { AppError } from '../../lib/errors.js';
import {
  allMappingPairs,
  communeCodesOfDistrict,
  countMappings,
  countUnits,
  findUnit,
  listUnits,
  mappingPairs,
  namesByCode,
  searchUnits,
} from './units.queries.js';

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

/** The names of these 2021 units, by code (codes that name none are left out). */
export async function unitNames2021(db: Executor, codes: readonly string[]): Promise<Map<string, string>> {
  return new Map((await namesByCode(db, '2021', codes)).map((r) => [r.code, r.name]));
}

/** The 2025 unit (province or commune) with this code. */
export function getUnit2025(db: Executor, code: string): Promise<AdminUnitRow | undefined> {
  return findUnit(db, '2025', code);
}

/** The names of these 2025 units, by code (codes that name none are left out). */
export async function unitNames2025(db: Executor, codes: readonly string[]): Promise<Map<string, string>> {
  return new Map((await namesByCode(db, '2025', codes)).map((r) => [r.code, r.name]));
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

/** Units by name (diacritics optional: "cao lanh" finds "Cao Lãnh") or by the digits their code begins with. */
export async function findUnits(
  db: Executor,
  query: { q: string; scheme?: '2021' | '2025' | undefined; limit: number },
): Promise<UnitSearchHit[]> {
  const text = query.q.trim();
  const digits = /^\d{1,5}$/.test(text) ? text : null;
  const key = nameSearchKey(text);
  if (!digits && !key) return [];
  const rows = await searchUnits(db, { key, digits, scheme: query.scheme, limit: query.limit });
  return rows.map((r) => ({
    ...presentUnit(r),
    parentName: r.parent_name ?? null,
    provinceName: r.province_name ?? r.name,
  }));
}

/**
 * The official old → new mapping around one unit. A 2021 province or commune: the 2025 units it
 * became part of; a 2021 district (not in the mapping, districts were abolished): its communes'
 * pairs; a 2025 province or commune: the 2021 units it was made of. 404 when the unit is unknown.
 */
export async function unitMapping(db: Executor, scheme: '2021' | '2025', code: string): Promise<UnitMapping> {
  const unit = await findUnit(db, scheme, code);
  if (!unit) throw new AppError('not_found');
  const level = unit.level === 'province' ? 'province' : 'commune';
  let rows: Awaited<ReturnType<typeof mappingPairs>>;
  if (scheme === '2025') rows = await mappingPairs(db, { level, newCodes: [code] });
  else if (unit.level === 'district')
    rows = await mappingPairs(db, { level: 'commune', oldCodes: await communeCodesOfDistrict(db, code) });
  else rows = await mappingPairs(db, { level, oldCodes: [code] });
  return {
    unit: presentUnit(unit),
    direction: scheme === '2021' ? 'old-to-new' : 'new-to-old',
    pairs: rows.map((r) => ({
      level: r.level,
      oldCode: r.old_code,
      oldName: r.old_name,
      newCode: r.new_code,
      newName: r.new_name,
    })),
  };
}

/** How many units of each list and level, and how many mapping pairs, the database holds. */
export async function unitsSummary(db: Executor): Promise<UnitsSummary> {
  const [counts, mappingPairs] = await Promise.all([countUnits(db), countMappings(db)]);
  return {
    counts: counts.map((c) => ({ scheme: c.scheme, level: c.level, count: Number(c.n) })),
    mappingPairs,
  };
}

export { listUnits };

/**
 * Each 2021 province and commune code to the one 2025 unit its records count in (core's
 * `primarySplit`: an old commune split in several counts in the part that kept its code or name,
 * else the first listed). Empty maps when no mapping is loaded.
 */
export async function unitMap2025(
  db: Executor,
): Promise<{ province: Map<string, string>; commune: Map<string, string> }> {
  const pick = async (level: 'province' | 'commune') => {
    const byOld = new Map<string, { name: string; splits: { code: string; name: string }[] }>();
    for (const r of await allMappingPairs(db, level)) {
      const entry = byOld.get(r.old_code) ?? { name: r.old_name, splits: [] };
      entry.splits.push({ code: r.new_code, name: r.new_name });
      byOld.set(r.old_code, entry);
    }
    const out = new Map<string, string>();
    for (const [old, e] of byOld) {
      const chosen = primarySplit(old, e.name, e.splits);
      if (chosen) out.set(old, chosen.code);
    }
    return out;
  };
  return { province: await pick('province'), commune: await pick('commune') };
}
