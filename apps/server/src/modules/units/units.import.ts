import { nameSearchKey, PROVINCES_2021 } from '@tiemchung/core';
import { z } from 'zod';
import type { NewAdminUnit } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { upsertMappings, upsertUnits } from './units.queries.js';

/**
 * Imports of the official administrative-unit lists (formats in reference/README.md): the 2021
 * three-level list, the 2025 two-level list, and the old → new mapping. Every import is an upsert
 * by (scheme, code), so re-running one changes nothing.
 */

const list2021Schema = z.object({
  data_date: z.string().optional(),
  data: z.array(
    z.object({
      level1_id: z.string().regex(/^\d{2}$/),
      name: z.string().min(1),
      type: z.string().min(1),
      level2s: z.array(
        z.object({
          level2_id: z.string().regex(/^\d{3}$/),
          name: z.string().min(1),
          type: z.string().min(1),
          level3s: z.array(
            z.object({ level3_id: z.string().regex(/^\d{5}$/), name: z.string().min(1), type: z.string().min(1) }),
          ),
        }),
      ),
    }),
  ),
});

const list2025Schema = z.array(
  z.object({
    Code: z.string().regex(/^\d{2}$/),
    FullName: z.string().min(1),
    Wards: z.array(
      z.object({ Code: z.string().regex(/^\d{5}$/), FullName: z.string().min(1), ProvinceCode: z.string() }),
    ),
  }),
);

const split = z.object({ new_id: z.string().min(1), name: z.string().min(1) });
const mappingSchema = z.object({
  data: z.array(
    z.object({
      level1_id: z.string().regex(/^\d{2}$/),
      name: z.string().min(1),
      splits: z.array(split),
      level3s: z.array(
        z.object({ level3_id: z.string().regex(/^\d{5}$/), name: z.string().min(1), splits: z.array(split) }),
      ),
    }),
  ),
});

export type UnitListKind = 'units-2021' | 'units-2025' | 'mapping-2025';

/** Which of the three official formats a parsed JSON document is in, or null. */
export function detectUnitListKind(doc: unknown): UnitListKind | null {
  if (Array.isArray(doc)) return list2025Schema.safeParse(doc.slice(0, 1)).success ? 'units-2025' : null;
  const first = (doc as { data?: unknown[] } | null)?.data?.[0] as Record<string, unknown> | undefined;
  if (!first) return null;
  if ('level2s' in first) return 'units-2021';
  if ('splits' in first) return 'mapping-2025';
  return null;
}

const TYPE_PREFIXES = ['Thành phố', 'Tỉnh', 'Phường', 'Xã', 'Đặc khu', 'Thị trấn', 'Thị xã', 'Quận', 'Huyện'];

function typeFromFullName(fullName: string): string {
  return TYPE_PREFIXES.find((p) => fullName.startsWith(`${p} `)) ?? '';
}

function vnDateToIso(d: string | undefined, fallback: string): string {
  const m = d ? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(d) : null;
  return m ? `${m[3]}-${m[2]}-${m[1]}` : fallback;
}

/** The rows of the 2021 three-level list. */
export function unitsFrom2021(doc: unknown): NewAdminUnit[] {
  const parsed = list2021Schema.parse(doc);
  const validFrom = vnDateToIso(parsed.data_date, '2021-11-01');
  const rows: NewAdminUnit[] = [];
  for (const p of parsed.data) {
    rows.push({
      scheme: '2021',
      code: p.level1_id,
      level: 'province',
      name: p.name,
      type: p.type,
      parent_code: null,
      province_code: p.level1_id,
      district_code: null,
      name_key: nameSearchKey(p.name),
      valid_from: validFrom,
      valid_to: null,
    });
    for (const d of p.level2s) {
      rows.push({
        scheme: '2021',
        code: d.level2_id,
        level: 'district',
        name: d.name,
        type: d.type,
        parent_code: p.level1_id,
        province_code: p.level1_id,
        district_code: d.level2_id,
        name_key: nameSearchKey(d.name),
        valid_from: validFrom,
        valid_to: null,
      });
      for (const c of d.level3s) {
        rows.push({
          scheme: '2021',
          code: c.level3_id,
          level: 'commune',
          name: c.name,
          type: c.type,
          parent_code: d.level2_id,
          province_code: p.level1_id,
          district_code: d.level2_id,
          name_key: nameSearchKey(c.name),
          valid_from: validFrom,
          valid_to: null,
        });
      }
    }
  }
  return rows;
}

/** The 2025 reform took effect on 1 July 2025. */
export const REFORM_2025 = '2025-07-01';

/** The rows of the 2025 two-level list. */
export function unitsFrom2025(doc: unknown): NewAdminUnit[] {
  const rows: NewAdminUnit[] = [];
  for (const p of list2025Schema.parse(doc)) {
    rows.push({
      scheme: '2025',
      code: p.Code,
      level: 'province',
      name: p.FullName,
      type: typeFromFullName(p.FullName),
      parent_code: null,
      province_code: p.Code,
      district_code: null,
      name_key: nameSearchKey(p.FullName),
      valid_from: REFORM_2025,
      valid_to: null,
    });
    for (const w of p.Wards) {
      rows.push({
        scheme: '2025',
        code: w.Code,
        level: 'commune',
        name: w.FullName,
        type: typeFromFullName(w.FullName),
        parent_code: p.Code,
        province_code: p.Code,
        district_code: null,
        name_key: nameSearchKey(w.FullName),
        valid_from: REFORM_2025,
        valid_to: null,
      });
    }
  }
  return rows;
}

/** The rows of the old → new mapping. */
export function mappingsFrom2025(doc: unknown) {
  const rows: {
    level: 'province' | 'commune';
    old_code: string;
    new_code: string;
    old_name: string;
    new_name: string;
  }[] = [];
  for (const p of mappingSchema.parse(doc).data) {
    for (const s of p.splits)
      rows.push({ level: 'province', old_code: p.level1_id, new_code: s.new_id, old_name: p.name, new_name: s.name });
    for (const c of p.level3s) {
      for (const s of c.splits)
        rows.push({ level: 'commune', old_code: c.level3_id, new_code: s.new_id, old_name: c.name, new_name: s.name });
    }
  }
  // The file may name one pair twice; the upsert needs each key once per statement.
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = `${r.level}|${r.old_code}|${r.new_code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A list read from its document, ready to be written: its kind and its rows. */
export type UnitList =
  | { kind: 'units-2021' | 'units-2025'; units: NewAdminUnit[] }
  | { kind: 'mapping-2025'; mappings: ReturnType<typeof mappingsFrom2025> };

/** Reads a document of a known kind into its rows; throws the parser's error when it is not that format. */
export function unitListOf(kind: UnitListKind, doc: unknown): UnitList {
  if (kind === 'units-2021') return { kind, units: unitsFrom2021(doc) };
  if (kind === 'units-2025') return { kind, units: unitsFrom2025(doc) };
  return { kind, mappings: mappingsFrom2025(doc) };
}

/** How many rows writing the list writes (what an import's progress counts). */
export function unitListRows(list: UnitList): number {
  return 'units' in list ? list.units.length : list.mappings.length;
}

/**
 * Writes a list in the caller's transaction (a list lands whole or not at all); `onRows` hears how
 * many rows each chunk wrote, as it is written.
 */
export async function writeUnitList(trx: Trx, list: UnitList, onRows?: (rows: number) => void): Promise<number> {
  if (list.kind === 'mapping-2025') {
    await upsertMappings(trx, list.mappings, onRows);
    return list.mappings.length;
  }
  await upsertUnits(trx, list.units, onRows);
  if (list.kind === 'units-2025') {
    // The 2021 units stop being current when the reform takes effect (they stay, for old records).
    await trx
      .updateTable('admin_units')
      .set({ valid_to: '2025-06-30' })
      .where('scheme', '=', '2021')
      .where('valid_to', 'is', null)
      .execute();
  }
  return list.units.length;
}

/**
 * Imports one official list document in the caller's transaction (the CLI opens one per file: a
 * list lands whole or not at all); returns what it was and how many rows it holds.
 */
export async function importUnitList(trx: Trx, doc: unknown): Promise<{ kind: UnitListKind; rows: number }> {
  const kind = detectUnitListKind(doc);
  if (!kind) throw new Error('not one of the official formats (2021 list, 2025 list, 2025 mapping)');
  return { kind, rows: await writeUnitList(trx, unitListOf(kind, doc)) };
}

/** Makes sure the 63 provinces of 2021 exist (shipped with the platform; needed from the first start). */
export async function ensureProvinces(db: Executor): Promise<void> {
  await db
    .insertInto('admin_units')
    .values(
      PROVINCES_2021.map((p) => ({
        scheme: '2021' as const,
        code: p.code,
        level: 'province' as const,
        name: p.name,
        type: p.type === 'city' ? 'Thành phố Trung ương' : 'Tỉnh',
        parent_code: null,
        province_code: p.code,
        district_code: null,
        name_key: nameSearchKey(p.name),
        valid_from: '2021-11-01',
        valid_to: null,
      })),
    )
    .onConflict((oc) => oc.columns(['scheme', 'code']).doNothing())
    .execute();
}
