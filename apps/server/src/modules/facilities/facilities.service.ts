import type {
  CreateFacilityBody,
  Facility,
  ManagedFacilitiesQuery,
  ManagedFacility,
  UpdateFacilityBody,
} from '@tiemchung/core';
import { uuidv7 } from '@tiemchung/core';
import type { Kysely } from 'kysely';
import type { DB, FacilityRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { type Actor, covers, requireScope, scopeFilter } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { getUnit2021, unitNames2021, unitPath } from '../units/units.service.js';
import {
  facilitySearchKey,
  findFacility,
  findFacilityForUpdate,
  insertFacility,
  listFacilities,
  listManagedFacilities,
  updateFacilityRow,
} from './facilities.queries.js';

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

/** A facility as its administrators see it; `names` gives its district's and commune's names. */
export function presentManagedFacility(f: FacilityRow, names?: ReadonlyMap<string, string>): ManagedFacility {
  return {
    ...presentFacility(f),
    active: f.active,
    createdAt: f.created_at.toISOString(),
    updatedAt: f.updated_at.toISOString(),
    deactivatedAt: f.deactivated_at?.toISOString() ?? null,
    deactivationReason: f.deactivation_reason,
    districtName: f.district_code ? (names?.get(f.district_code) ?? null) : null,
    communeName: f.commune_code ? (names?.get(f.commune_code) ?? null) : null,
  };
}

/** The facility with this id, or undefined (deactivated ones too: records made there keep its name). */
export function getFacility(db: Executor, id: string): Promise<FacilityRow | undefined> {
  return findFacility(db, id);
}

/**
 * The facility where new work starts (a session opened): 400 `unknown_facility` when there is none
 * with this id, 409 `facility_inactive` when it has been deactivated. Scope is the caller's check.
 */
export async function requireActiveFacility(db: Executor, id: string, field = 'facilityId'): Promise<FacilityRow> {
  const f = await findFacility(db, id);
  if (!f) throw new AppError('unknown_facility', { field });
  if (!f.active) throw new AppError('facility_inactive', { field, params: { name: f.name } });
  return f;
}

const facilityCache = new TtlCache<string, FacilityRow>(60_000);

/**
 * The facility, from a one-minute cache on the hot path of dose recording (facilities change
 * rarely; a renamed facility shows within a minute).
 */
export function getFacilityCached(db: Kysely<DB>, id: string): Promise<FacilityRow | undefined> {
  return facilityCache.get(db, id, () => findFacility(db, id));
}

function facilityRef(f: Pick<FacilityRow, 'id' | 'province_code' | 'district_code' | 'commune_code'>) {
  return {
    provinceCode: f.province_code,
    districtCode: f.district_code,
    communeCode: f.commune_code,
    facilityId: f.id,
  };
}

/** The names of the districts and communes the facilities sit in (one query). */
async function namesOf(db: Executor, rows: readonly FacilityRow[]): Promise<Map<string, string>> {
  const codes = new Set<string>();
  for (const f of rows) {
    if (f.district_code) codes.add(f.district_code);
    if (f.commune_code) codes.add(f.commune_code);
  }
  return unitNames2021(db, [...codes]);
}

/** The caller's facilities, active and deactivated (deactivated ones after), by unit, status and text. */
export async function listFacilitiesFor(
  db: Executor,
  actor: Actor,
  query: ManagedFacilitiesQuery,
): Promise<ManagedFacility[]> {
  const filter = scopeFilter(actor.scope, { columns: { facility: 'id' } });
  const rows = await listManagedFacilities(db, {
    scope: filter as { column: 'province_code' | 'district_code' | 'commune_code' | 'id'; value: string } | null,
    provinceCode: query.provinceCode,
    districtCode: query.districtCode,
    status: query.status ?? 'all',
    q: query.q,
  });
  const names = await namesOf(db, rows);
  return rows.map((f) => presentManagedFacility(f, names));
}

/**
 * Where a facility may sit: a district or commune of the 2021 list (the one records use), within
 * the caller's units — 400 `unknown_unit` for a code that names none (or a province), 403
 * `out_of_scope` for one outside the caller's units.
 */
async function placeOf(db: Executor, actor: Actor, unitCode: string) {
  const unit = await getUnit2021(db, unitCode);
  if (!unit || unit.level === 'province') throw new AppError('unknown_unit', { field: 'unitCode' });
  const path = unitPath(unit);
  requireScope(actor, path, 'unitCode');
  return path;
}

/** A new vaccination facility under a district or commune of the caller's units (audited). */
export async function createFacility(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  body: CreateFacilityBody,
): Promise<ManagedFacility> {
  const path = await placeOf(trx, actor, body.unitCode);
  const id = uuidv7();
  await insertFacility(trx, {
    id,
    name: body.name,
    kind: body.kind,
    province_code: path.provinceCode,
    district_code: path.districtCode,
    commune_code: path.communeCode,
    address: body.address || null,
    created_by: actor.username,
  });
  const row = (await findFacility(trx, id)) as FacilityRow;
  const facility = presentManagedFacility(row, await namesOf(trx, [row]));
  await recordAudit(trx, audit, { action: 'facility.create', entityType: 'facility', entityId: id, after: facility });
  return facility;
}

/** The facility locked for a change, if it is within the caller's units; else 404. */
async function lockFacilityFor(trx: Trx, actor: Actor, id: string): Promise<FacilityRow> {
  const f = await findFacilityForUpdate(trx, id);
  if (!f || !covers(actor.scope, facilityRef(f))) throw new AppError('facility_not_found');
  return f;
}

/** Changes a facility's name, kind, address or unit (a new unit within the caller's units too); audited. */
export async function updateFacility(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  id: string,
  body: UpdateFacilityBody,
): Promise<ManagedFacility> {
  const current = await lockFacilityFor(trx, actor, id);
  const path = body.unitCode ? await placeOf(trx, actor, body.unitCode) : null;
  const name = body.name ?? current.name;
  const address = body.address === undefined ? current.address : body.address || null;
  const updated = await updateFacilityRow(trx, id, {
    name,
    kind: body.kind ?? current.kind,
    address,
    ...(path
      ? { province_code: path.provinceCode, district_code: path.districtCode, commune_code: path.communeCode }
      : {}),
    search_key: facilitySearchKey(name, address),
    updated_at: new Date(),
  });
  const names = await namesOf(trx, [current, updated]);
  const before = presentManagedFacility(current, names);
  const after = presentManagedFacility(updated, names);
  await recordAudit(trx, audit, { action: 'facility.update', entityType: 'facility', entityId: id, before, after });
  return after;
}

/**
 * Deactivates (no new session opens there; its records stay) or reactivates a facility, with the
 * reason in the audit log. 409 when it already is so.
 */
export async function setFacilityActive(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  id: string,
  active: boolean,
  reason: string,
): Promise<ManagedFacility> {
  const current = await lockFacilityFor(trx, actor, id);
  if (current.active === active) throw new AppError(active ? 'facility_already_active' : 'facility_already_inactive');
  const now = new Date();
  const updated = await updateFacilityRow(trx, id, {
    active,
    deactivated_at: active ? null : now,
    deactivated_by: active ? null : actor.username,
    deactivation_reason: active ? null : reason,
    updated_at: now,
  });
  const names = await namesOf(trx, [updated]);
  await recordAudit(trx, audit, {
    action: active ? 'facility.reactivate' : 'facility.deactivate',
    entityType: 'facility',
    entityId: id,
    before: { active: current.active },
    after: { active },
    reason,
  });
  return presentManagedFacility(updated, names);
}

export { insertFacility, listFacilities };

/** Where these facilities are (their 2021 units), by id: what statistics count a dose's place by. */
export async function facilityPlaces(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, { provinceCode: string; districtCode: string | null; communeCode: string | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('facilities')
    .select(['id', 'province_code', 'district_code', 'commune_code'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((f) => [
      f.id,
      { provinceCode: f.province_code, districtCode: f.district_code, communeCode: f.commune_code },
    ]),
  );
}
