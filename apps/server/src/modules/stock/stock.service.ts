import {
  addDays,
  dosesRemaining,
  isProvinceCode,
  provinceByCode,
  type StockHolder,
  type UnitStock,
} from '@tiemchung/core';
import type { Executor } from '../../db/transaction.js';
import { type Actor, requireScope, scopeFilter } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { recordedPerLot } from '../doses/doses.service.js';
import { listFacilities } from '../facilities/facilities.service.js';
import {
  EXPIRY_WARNING_DAYS,
  type Holder,
  holdersWithMovements,
  lotsByIds,
  movementTotals,
  movementTotalsOf,
} from '../lots/lots.service.js';
import { usedPerLot } from '../sessions/sessions.service.js';
import { getUnit2021, listUnits } from '../units/units.service.js';

/**
 * Stock and reconciliation: a read model above lots (doses moved in and down), sessions (vials
 * opened at close) and doses (doses recorded). It reads each through its owner's service and owns
 * no table; none of the three imports it.
 */

/**
 * Stock per lot held by `holder`: doses received (or allocated to it), passed further down, and —
 * for facilities — used in closed sessions (vials opened × doses per vial).
 */
export async function stockOf(db: Executor, holder: Holder, vaccineCode?: string) {
  const rows = await movementTotals(db, holder, vaccineCode);
  const used =
    holder.startsWith('F:') && rows.length
      ? await usedPerLot(db, { facilityId: holder.slice(2), lotIds: rows.map((r) => r.id) })
      : new Map<string, number>();
  return rows.map((r) => {
    const dosesUsed = used.get(r.id) ?? 0;
    return {
      ...r,
      doses_used: dosesUsed,
      remaining: dosesRemaining({ dosesIn: r.doses_in, dosesOut: r.doses_out, dosesUsed }),
    };
  });
}

export function presentStockRow(r: Awaited<ReturnType<typeof stockOf>>[number], today: string) {
  return {
    id: r.id,
    lotNumber: r.lot_number,
    vaccineCode: r.vaccine_code,
    expiresOn: r.expires_on,
    dosesPerVial: r.doses_per_vial,
    dosesReceived: r.doses_in,
    dosesAllocated: r.doses_out,
    dosesUsed: r.doses_used,
    dosesRemaining: r.remaining,
    expired: r.expires_on < today,
    expiresSoon: r.expires_on >= today && r.expires_on <= addDays(today, EXPIRY_WARNING_DAYS),
  };
}

/** The stock of a holder (province, district or facility), with expiry warnings. */
export async function stockOfHolder(db: Executor, holder: Holder, today: string, vaccineCode?: string) {
  return (await stockOf(db, holder, vaccineCode)).map((r) => presentStockRow(r, today));
}

/** Per lot: doses used (vials opened × doses per vial at session close) vs doses recorded; a gap lists as possible unrecorded doses. */
export async function lotReconciliation(db: Executor, actor: Actor) {
  // Lots are counted per facility, district or province: a commune sees its district's figures.
  const scope = scopeFilter(actor.scope, { commune: 'district' });
  const f = !scope
    ? {}
    : scope.column === 'facility_id'
      ? { facilityId: scope.value }
      : scope.column === 'district_code'
        ? { districtCode: scope.value }
        : { provinceCode: scope.value };
  const [used, recorded] = [await usedPerLot(db, f), await recordedPerLot(db, f)];
  const lots = await lotsByIds(db, [...new Set([...used.keys(), ...recorded.keys()])]);
  return [...lots.values()]
    .map((lot) => {
      const dosesUsed = used.get(lot.id) ?? 0;
      const dosesRecorded = recorded.get(lot.id) ?? 0;
      return {
        lotNumber: lot.lot_number,
        lotId: lot.id,
        expiresOn: lot.expires_on,
        dosesPerVial: lot.doses_per_vial,
        vaccineCode: lot.vaccine_code,
        dosesUsed,
        dosesRecorded,
        possibleUnrecorded: Math.max(0, dosesUsed - dosesRecorded),
      };
    })
    .sort((a, b) => b.possibleUnrecorded - a.possibleUnrecorded);
}

/** The unit whose stock is shown: the one asked (within the caller's units), else the caller's own. */
async function stockUnit(db: Executor, actor: Actor, unitCode: string | undefined) {
  if (unitCode === undefined) {
    switch (actor.scope.level) {
      case 'nation':
        return { level: 'nation' as const, code: null, provinceCode: null, name: 'Toàn quốc' };
      case 'province':
        return stockUnit(db, actor, actor.scope.provinceCode ?? '#none');
      case 'district':
        return stockUnit(db, actor, actor.scope.districtCode ?? '#none');
      default:
        throw new AppError('forbidden');
    }
  }
  if (unitCode.length === 2) {
    if (!isProvinceCode(unitCode)) throw new AppError('unknown_unit', { field: 'unitCode' });
    requireScope(actor, { provinceCode: unitCode }, 'unitCode');
    return {
      level: 'province' as const,
      code: unitCode,
      provinceCode: unitCode,
      name: provinceByCode(unitCode)?.name ?? unitCode,
    };
  }
  const d = await getUnit2021(db, unitCode);
  if (d?.level !== 'district') throw new AppError('unknown_unit', { field: 'unitCode' });
  requireScope(actor, { provinceCode: d.province_code, districtCode: d.code }, 'unitCode');
  return { level: 'district' as const, code: d.code, provinceCode: d.province_code, name: d.name };
}

const HOLDER_LEVEL = { P: 'province', D: 'district', F: 'facility' } as const;

/**
 * The stock of a unit and of the holders below it (`GET /api/stock`): for the nation, each
 * province's own; for a province, its own, its districts' and its facilities'; for a district, its
 * own and its facilities'. Per holder, each lot it received: in, passed down, used in sessions,
 * left, and whether it expires within EXPIRY_WARNING_DAYS of `today` or has expired.
 */
export async function unitStock(
  db: Executor,
  actor: Actor,
  q: { unitCode?: string | undefined; vaccineCode?: string | undefined },
  today: string,
): Promise<UnitStock> {
  const unit = await stockUnit(db, actor, q.unitCode);
  let holders: Holder[];
  if (unit.level === 'nation') holders = await holdersWithMovements(db, { level: 'province' });
  else holders = await holdersWithMovements(db, { provinceCode: unit.provinceCode! });

  // What each holder is: names and, for facilities, their district.
  const facilityIds = holders.filter((h) => h.startsWith('F:')).map((h) => h.slice(2));
  const facilities = new Map(
    (facilityIds.length ? await listFacilities(db, { ids: facilityIds }) : []).map((f) => [f.id, f]),
  );
  const districts =
    unit.level === 'nation'
      ? new Map<string, string>()
      : new Map(
          (await listUnits(db, { scheme: '2021', level: 'district', parentCode: unit.provinceCode! })).map((d) => [
            d.code,
            d.name,
          ]),
        );
  if (unit.level === 'district') {
    holders = holders.filter(
      (h) => h === `D:${unit.code}` || (h.startsWith('F:') && facilities.get(h.slice(2))?.district_code === unit.code),
    );
  }
  const own: Holder | null =
    unit.level === 'province' ? `P:${unit.code}` : unit.level === 'district' ? `D:${unit.code}` : null;
  if (own && !holders.includes(own)) holders.unshift(own);

  const totals = await movementTotalsOf(db, holders, q.vaccineCode);
  const byHolder = new Map<Holder, typeof totals>();
  for (const r of totals) byHolder.set(r.holder, [...(byHolder.get(r.holder) ?? []), r]);

  const items: StockHolder[] = [];
  for (const holder of holders) {
    const rows = byHolder.get(holder) ?? [];
    const level = HOLDER_LEVEL[holder[0] as 'P' | 'D' | 'F'];
    const code = holder.slice(2);
    const used =
      level === 'facility' && rows.length
        ? await usedPerLot(db, { facilityId: code, lotIds: rows.map((r) => r.id) })
        : new Map<string, number>();
    const lots = rows.map((r) => {
      const dosesUsed = used.get(r.id) ?? 0;
      return presentStockRow({ ...r, doses_used: dosesUsed, remaining: r.doses_in - r.doses_out - dosesUsed }, today);
    });
    const facility = level === 'facility' ? facilities.get(code) : undefined;
    items.push({
      holder,
      level,
      code,
      name:
        level === 'province'
          ? (provinceByCode(code)?.name ?? code)
          : level === 'district'
            ? (districts.get(code) ?? code)
            : (facility?.name ?? code),
      districtCode: level === 'district' ? code : (facility?.district_code ?? null),
      lots,
      dosesRemaining: lots.reduce((n, l) => n + l.dosesRemaining, 0),
      lotsExpiringSoon: lots.filter((l) => l.expiresSoon && l.dosesRemaining > 0).length,
      lotsExpired: lots.filter((l) => l.expired && l.dosesRemaining > 0).length,
    });
  }
  const rank = { province: 0, district: 1, facility: 2 } as const;
  items.sort(
    (a, b) =>
      rank[a.level] - rank[b.level] ||
      (a.districtCode ?? '').localeCompare(b.districtCode ?? '') ||
      a.name.localeCompare(b.name, 'vi'),
  );
  return {
    unit: { level: unit.level, code: unit.code, name: unit.name },
    expiryWarningDays: EXPIRY_WARNING_DAYS,
    items,
  };
}
