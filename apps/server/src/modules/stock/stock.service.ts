import { addDays } from '@tiemchung/core';
import type { Executor } from '../../db/transaction.js';
import { type Actor, scopeFilter } from '../../lib/authz.js';
import { recordedPerLot } from '../doses/doses.service.js';
import { EXPIRY_WARNING_DAYS, type Holder, lotsByIds, movementTotals } from '../lots/lots.service.js';
import { usedPerLot } from '../sessions/sessions.service.js';

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
    return { ...r, doses_used: dosesUsed, remaining: r.doses_in - r.doses_out - dosesUsed };
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
        vaccineCode: lot.vaccine_code,
        dosesUsed,
        dosesRecorded,
        possibleUnrecorded: Math.max(0, dosesUsed - dosesRecorded),
      };
    })
    .sort((a, b) => b.possibleUnrecorded - a.possibleUnrecorded);
}
