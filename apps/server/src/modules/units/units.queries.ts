import { sql } from 'kysely';
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

/** Rows per statement of an import (also the step of its progress). */
const UPSERT_CHUNK = 1000;

/** Inserts or refreshes units by (scheme, code); re-running with the same list changes nothing. */
export async function upsertUnits(
  db: Executor,
  rows: NewAdminUnit[],
  onRows?: (written: number) => void,
): Promise<void> {
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    const chunk = rows.slice(i, i + UPSERT_CHUNK);
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
    onRows?.(chunk.length);
  }
}

export async function upsertMappings(
  db: Executor,
  rows: { level: 'province' | 'commune'; old_code: string; new_code: string; old_name: string; new_name: string }[],
  onRows?: (written: number) => void,
): Promise<void> {
  for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
    const chunk = rows.slice(i, i + UPSERT_CHUNK);
    await db
      .insertInto('admin_unit_mappings')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['level', 'old_code', 'new_code']).doUpdateSet((eb) => ({
          old_name: eb.ref('excluded.old_name'),
          new_name: eb.ref('excluded.new_name'),
        })),
      )
      .execute();
    onRows?.(chunk.length);
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

/** The names of these units of one list, by code. */
export async function namesByCode(db: Executor, scheme: '2021' | '2025', codes: readonly string[]) {
  if (codes.length === 0) return [];
  return db
    .selectFrom('admin_units')
    .select(['code', 'name'])
    .where('scheme', '=', scheme)
    .where('code', 'in', codes)
    .execute();
}

/**
 * Units whose name (without diacritics) contains the key, or whose code begins with the digits,
 * with the names of their parent and province; provinces first, then districts, then communes.
 */
export function searchUnits(
  db: Executor,
  f: { key: string; digits: string | null; scheme?: '2021' | '2025' | undefined; limit: number },
) {
  let q = db
    .selectFrom('admin_units as u')
    .leftJoin('admin_units as parent', (j) =>
      j.onRef('parent.scheme', '=', 'u.scheme').onRef('parent.code', '=', 'u.parent_code'),
    )
    .leftJoin('admin_units as province', (j) =>
      j
        .onRef('province.scheme', '=', 'u.scheme')
        .onRef('province.code', '=', 'u.province_code')
        .on('province.level', '=', 'province'),
    )
    .selectAll('u')
    .select(['parent.name as parent_name', 'province.name as province_name']);
  if (f.scheme) q = q.where('u.scheme', '=', f.scheme);
  const pattern = `%${f.key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  q = f.digits ? q.where('u.code', 'like', `${f.digits}%`) : q.where('u.name_key', 'like', pattern);
  return q
    .orderBy(sql`case u.level when 'province' then 1 when 'district' then 2 else 3 end`)
    .orderBy('u.name_key')
    .orderBy('u.scheme')
    .orderBy('u.code')
    .limit(f.limit)
    .execute();
}

/** Mapping pairs from these old (2021) codes, or to these new (2025) codes, of one level. */
export function mappingPairs(
  db: Executor,
  f: { level: 'province' | 'commune'; oldCodes?: readonly string[]; newCodes?: readonly string[] },
) {
  let q = db.selectFrom('admin_unit_mappings').selectAll().where('level', '=', f.level);
  if (f.oldCodes) q = q.where('old_code', 'in', f.oldCodes.length ? f.oldCodes : ['']);
  if (f.newCodes) q = q.where('new_code', 'in', f.newCodes.length ? f.newCodes : ['']);
  return q.orderBy('old_code').orderBy('new_code').limit(5000).execute();
}

/** The codes of the 2021 communes of a district. */
export async function communeCodesOfDistrict(db: Executor, districtCode: string): Promise<string[]> {
  const rows = await db
    .selectFrom('admin_units')
    .select('code')
    .where('scheme', '=', '2021')
    .where('level', '=', 'commune')
    .where('district_code', '=', districtCode)
    .execute();
  return rows.map((r) => r.code);
}

export async function countMappings(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('admin_unit_mappings')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The stored record of an import job (files as the job shows them). */
export interface StoredImportFile {
  name: string;
  kind: 'units-2021' | 'units-2025' | 'mapping-2025';
  status: 'waiting' | 'running' | 'done' | 'failed' | 'skipped';
  rows: number | null;
}

export function insertImportJob(
  db: Executor,
  job: { id: string; files: StoredImportFile[]; createdBy: string | null; createdAt: Date },
) {
  return db
    .insertInto('unit_import_jobs')
    .values({
      id: job.id,
      status: 'queued',
      files: JSON.stringify(job.files),
      created_by: job.createdBy,
      created_at: job.createdAt,
    })
    .execute();
}

export function updateImportJob(
  db: Executor,
  id: string,
  set: {
    status?: 'queued' | 'running' | 'done' | 'failed';
    files?: StoredImportFile[];
    errorCode?: string | null;
    errorParams?: Record<string, string> | null;
    finishedAt?: Date | null;
  },
) {
  return db
    .updateTable('unit_import_jobs')
    .set({
      ...(set.status ? { status: set.status } : {}),
      ...(set.files ? { files: JSON.stringify(set.files) } : {}),
      ...(set.errorCode !== undefined ? { error_code: set.errorCode } : {}),
      ...(set.errorParams !== undefined
        ? { error_params: set.errorParams ? JSON.stringify(set.errorParams) : null }
        : {}),
      ...(set.finishedAt !== undefined ? { finished_at: set.finishedAt } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export function findImportJob(db: Executor, id: string) {
  return db.selectFrom('unit_import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every mapping pair of a level (old code order), for the statistics' 2021 → 2025 map. */
export function allMappingPairs(db: Executor, level: 'province' | 'commune') {
  return db
    .selectFrom('admin_unit_mappings')
    .select(['old_code', 'old_name', 'new_code', 'new_name'])
    .where('level', '=', level)
    .orderBy('old_code')
    .orderBy('new_code')
    .execute();
}
