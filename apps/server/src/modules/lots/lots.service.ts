import {
  allocationDateProblem,
  isReceiptDateAllowed,
  receiptDateRange,
  uuidv7,
  vaccineByCode,
  vnDate,
} from '@tiemchung/core';
import type { Kysely } from 'kysely';
import type { DB, LotRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { type Actor, provinceOfNewRecord, requireScope } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { requireActiveFacility } from '../facilities/facilities.service.js';
import { getUnit2021 } from '../units/units.service.js';
import {
  findLotById,
  findLotByNumber,
  firstReceivedOn,
  type Holder,
  holdersWithMovements,
  insertLot,
  insertMovement,
  movementTotals,
  movementTotalsOf,
} from './lots.queries.js';

/** Days before expiry from which a lot is listed with an expiry warning. */
export const EXPIRY_WARNING_DAYS = 30;

export { findLotById, findLotByNumber, type Holder, holdersWithMovements, movementTotals, movementTotalsOf };

const lotCache = new TtlCache<string, LotRow>(60_000);

/**
 * A lot by number (preferring the named vaccine), from a one-minute cache scoped to `db`; the
 * query runs on `executor` (the caller's transaction). Lots do not change once received.
 */
export function findLotByNumberCached(
  db: Kysely<DB>,
  executor: Executor,
  lotNumber: string,
  vaccineCode: string,
): Promise<LotRow | undefined> {
  return lotCache.get(db, `${vaccineCode}\u0001${lotNumber}`, () => findLotByNumber(executor, lotNumber, vaccineCode));
}

/** The lot of this vaccine and number: the one found, or a new one. */
async function ensureLot(
  trx: Trx,
  existing: LotRow | undefined,
  l: { vaccineCode: string; lotNumber: string; expiresOn: string; dosesPerVial: number; createdBy: string | null },
): Promise<LotRow> {
  if (existing?.vaccine_code === l.vaccineCode) return existing;
  return insertLot(trx, {
    id: uuidv7(),
    vaccine_code: l.vaccineCode,
    lot_number: l.lotNumber,
    expires_on: l.expiresOn,
    doses_per_vial: l.dosesPerVial,
    created_by: l.createdBy,
  });
}

/** The stock holder an actor manages: its province, district or facility. */
export function holderOf(actor: Actor): Holder | null {
  switch (actor.scope.level) {
    case 'province':
      return `P:${actor.scope.provinceCode}`;
    case 'district':
      return `D:${actor.scope.districtCode}`;
    case 'facility':
      return `F:${actor.scope.facilityId}`;
    default:
      return null;
  }
}

/**
 * A province receives doses of a lot (the lot is created on first receipt; a lot number is the
 * manufacturer's, unique per vaccine), on a day from the first vaccine approval to `today` (the day
 * in Vietnam; 400 `lot_receipt_date_out_of_range`). Audited.
 */
export async function receiveLot(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: {
    vaccineCode: string;
    lotNumber: string;
    expiresOn: string;
    doses: number;
    receivedOn: string;
    dosesPerVial?: number;
    provinceCode?: string;
  },
  today: string,
): Promise<LotRow> {
  const vaccine = vaccineByCode(input.vaccineCode);
  if (!vaccine) throw new AppError('lot_vaccine_unknown', { field: 'vaccineCode' });
  if (actor.scope.level !== 'nation' && actor.scope.level !== 'province') throw new AppError('forbidden');
  const provinceCode = provinceOfNewRecord(actor, input.provinceCode);
  if (!provinceCode) throw new AppError('validation_failed', { field: 'provinceCode' });
  if (!(await getUnit2021(trx, provinceCode))) throw new AppError('unknown_unit', { field: 'provinceCode' });
  if (!isReceiptDateAllowed(input.receivedOn, today)) {
    const { from, to } = receiptDateRange(today);
    throw new AppError('lot_receipt_date_out_of_range', {
      field: 'receivedOn',
      params: { from: { vi: vnDate(from), en: from }, to: { vi: vnDate(to), en: to } },
    });
  }
  if (input.expiresOn < input.receivedOn) {
    throw new AppError('lot_received_expired', {
      field: 'expiresOn',
      params: { lotNumber: input.lotNumber, expiresOn: input.expiresOn },
    });
  }
  const existing = await findLotByNumber(trx, input.lotNumber, vaccine.code);
  if (existing && existing.vaccine_code === vaccine.code && existing.expires_on !== input.expiresOn) {
    throw new AppError('lot_expiry_mismatch', {
      field: 'expiresOn',
      params: { lotNumber: input.lotNumber, expiresOn: existing.expires_on },
    });
  }
  const lot = await ensureLot(trx, existing, {
    vaccineCode: vaccine.code,
    lotNumber: input.lotNumber,
    expiresOn: input.expiresOn,
    dosesPerVial: input.dosesPerVial ?? vaccine.dosesPerVial,
    createdBy: actor.username,
  });
  await insertMovement(trx, {
    lot_id: lot.id,
    kind: 'receipt',
    from_holder: null,
    to_holder: `P:${provinceCode}`,
    province_code: provinceCode,
    doses: input.doses,
    moved_on: input.receivedOn,
    created_by: actor.username,
  });
  await recordAudit(trx, audit, {
    action: 'lot.receive',
    entityType: 'lot',
    entityId: lot.id,
    after: {
      lotNumber: lot.lot_number,
      vaccineCode: lot.vaccine_code,
      expiresOn: lot.expires_on,
      doses: input.doses,
      receivedOn: input.receivedOn,
      provinceCode,
    },
  });
  return lot;
}

/**
 * Passes doses of a lot down: province → district or facility, district → facility. Never more
 * than the holder has left, never dated after `today` (the day in Vietnam) nor before the holder
 * received the lot. Audited.
 */
export async function allocateLot(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: { lotId: string; doses: number; toDistrictCode?: string; toFacilityId?: string; movedOn: string },
  today: string,
): Promise<void> {
  const from = holderOf(actor);
  if (!from || from.startsWith('F:')) throw new AppError('forbidden');
  let to: Holder;
  let target: { provinceCode: string; districtCode: string | null };
  if (input.toFacilityId) {
    // A deactivated facility receives no doses (409 facility_inactive).
    const f = await requireActiveFacility(trx, input.toFacilityId, 'toFacilityId');
    to = `F:${f.id}`;
    target = { provinceCode: f.province_code, districtCode: f.district_code };
  } else if (input.toDistrictCode && from.startsWith('P:')) {
    const d = await getUnit2021(trx, input.toDistrictCode);
    if (d?.level !== 'district') throw new AppError('unknown_unit', { field: 'toDistrictCode' });
    to = `D:${d.code}`;
    target = { provinceCode: d.province_code, districtCode: d.code };
  } else {
    throw new AppError('allocation_target_invalid', {
      field: input.toDistrictCode ? 'toDistrictCode' : 'toFacilityId',
    });
  }
  requireScope(actor, target);
  // Serialise allocations of one lot so two cannot both spend the last doses.
  const lot = await trx.selectFrom('lots').selectAll().where('id', '=', input.lotId).forUpdate().executeTakeFirst();
  if (!lot) throw new AppError('not_found');
  // Not dated after today, nor before the holder first received doses of the lot (none received:
  // insufficient_stock below).
  const receivedOn = (await firstReceivedOn(trx, lot.id, from)) ?? input.movedOn;
  const when = allocationDateProblem(input.movedOn, { today, receivedOn });
  if (when === 'allocation_date_in_future') throw new AppError(when, { field: 'movedOn' });
  if (when === 'allocation_before_receipt') {
    throw new AppError(when, {
      field: 'movedOn',
      params: { lotNumber: lot.lot_number, receivedOn: { vi: vnDate(receivedOn), en: receivedOn } },
    });
  }
  if (lot.expires_on < input.movedOn) {
    throw new AppError('allocation_lot_expired', {
      field: 'lotId',
      params: { lotNumber: lot.lot_number, expiresOn: lot.expires_on },
    });
  }
  // The holder is a province or a district: it passes doses on and uses none (only facilities
  // use doses, in sessions), so what it has left is what came in less what went down.
  const held = (await movementTotals(trx, from)).find((r) => r.id === lot.id);
  const remaining = held ? held.doses_in - held.doses_out : 0;
  if (!held || remaining < input.doses) {
    throw new AppError('insufficient_stock', {
      field: 'doses',
      params: { lotNumber: lot.lot_number, remaining },
    });
  }
  await insertMovement(trx, {
    lot_id: lot.id,
    kind: 'allocation',
    from_holder: from,
    to_holder: to,
    province_code: target.provinceCode,
    doses: input.doses,
    moved_on: input.movedOn,
    created_by: actor.username,
  });
  await recordAudit(trx, audit, {
    action: 'lot.allocate',
    entityType: 'lot',
    entityId: lot.id,
    after: { lotNumber: lot.lot_number, from, to, doses: input.doses },
    // Tied to where the doses went as well as to the holder that gave them (the actor's unit).
    refs: [{ ...target, facilityId: input.toFacilityId ?? null }],
  });
}

/**
 * Stock for demo and test data without an acting user: the lot (created if missing), a receipt by
 * the province, and an allocation to each facility.
 */
export async function seedLotStock(
  trx: Trx,
  input: {
    vaccineCode: string;
    lotNumber: string;
    expiresOn: string;
    provinceCode: string;
    provinceDoses: number;
    facilities: { id: string; doses: number }[];
    on: string;
  },
): Promise<LotRow> {
  const vaccine = vaccineByCode(input.vaccineCode);
  if (!vaccine) throw new Error(`unknown vaccine ${input.vaccineCode}`);
  const existing = await findLotByNumber(trx, input.lotNumber, vaccine.code);
  const lot = await ensureLot(trx, existing, {
    vaccineCode: vaccine.code,
    lotNumber: input.lotNumber,
    expiresOn: input.expiresOn,
    dosesPerVial: vaccine.dosesPerVial,
    createdBy: null,
  });
  const province: Holder = `P:${input.provinceCode}`;
  await insertMovement(trx, {
    lot_id: lot.id,
    kind: 'receipt',
    from_holder: null,
    to_holder: province,
    province_code: input.provinceCode,
    doses: input.provinceDoses,
    moved_on: input.on,
    created_by: null,
  });
  for (const f of input.facilities) {
    await insertMovement(trx, {
      lot_id: lot.id,
      kind: 'allocation',
      from_holder: province,
      to_holder: `F:${f.id}`,
      province_code: input.provinceCode,
      doses: f.doses,
      moved_on: input.on,
      created_by: null,
    });
  }
  return lot;
}

/**
 * Every lot with this number (a lot number is the manufacturer's, unique per vaccine: lots of
 * several vaccines may share it), by vaccine code — for a session's lots, named by number.
 */
export function findLotsByNumber(db: Executor, lotNumber: string): Promise<LotRow[]> {
  return db.selectFrom('lots').selectAll().where('lot_number', '=', lotNumber).orderBy('vaccine_code').execute();
}

/**
 * Locks these lots for the caller's transaction, in id order: what spends a lot's doses (an
 * allocation, a session's close) holds it while it checks and writes, so two cannot both spend
 * the last doses (concurrent lockers wait, never deadlock).
 */
export async function lockLots(trx: Trx, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  await trx
    .selectFrom('lots')
    .select('id')
    .where('id', 'in', [...new Set(ids)])
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** Lots by id (several at once). */
export async function lotsByIds(db: Executor, ids: string[]): Promise<Map<string, LotRow>> {
  if (!ids.length) return new Map();
  return new Map((await db.selectFrom('lots').selectAll().where('id', 'in', ids).execute()).map((l) => [l.id, l]));
}
