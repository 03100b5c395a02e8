/**
 * Vaccine stock: when doses of a lot can be passed down. A holder (a province or a district) can
 * allocate doses only from the day it received them, and not on a day still to come.
 */

import { FIRST_VACCINE_APPROVAL } from './vaccines.js';

/**
 * Why an allocation cannot be dated `movedOn`, or null when it can: after `today` (the calendar
 * day in Vietnam, `vietnamDay`: `allocation_date_in_future`), or before `receivedOn`, the first
 * day the holder received doses of the lot (`allocation_before_receipt`). Dates are `YYYY-MM-DD`.
 */
export function allocationDateProblem(
  movedOn: string,
  at: { readonly today: string; readonly receivedOn: string },
): 'allocation_date_in_future' | 'allocation_before_receipt' | null {
  if (movedOn > at.today) return 'allocation_date_in_future';
  if (movedOn < at.receivedOn) return 'allocation_before_receipt';
  return null;
}

/**
 * The days a lot can be received on (`POST /api/lots`, 400 `lot_receipt_date_out_of_range`): from
 * the day the first COVID-19 vaccine was approved in Vietnam to `today` (the day in Vietnam,
 * `vietnamDay`). A receipt counts in stock at once: it cannot be dated ahead, as an allocation
 * cannot. Dates are `YYYY-MM-DD`.
 */
export function receiptDateRange(today: string): { readonly from: string; readonly to: string } {
  return { from: FIRST_VACCINE_APPROVAL, to: today };
}

/** Can a lot be received on `date`, `today` being the day in Vietnam? */
export function isReceiptDateAllowed(date: string, today: string): boolean {
  const { from, to } = receiptDateRange(today);
  return date >= from && date <= to;
}

/**
 * The doses a holder has left of a lot: received (or allocated to it), less passed further down,
 * less used in closed sessions (vials opened × doses per vial; facilities only).
 */
export function dosesRemaining(t: { readonly dosesIn: number; readonly dosesOut: number; readonly dosesUsed: number }) {
  return t.dosesIn - t.dosesOut - t.dosesUsed;
}

/**
 * Can a session's close count `vialsOpened` vials of a lot (`dosesPerVial` each) against the
 * `remaining` doses its facility holds of it (`dosesRemaining`, before this session)? More is
 * 422 `vials_exceed_stock`: the stock would go below zero.
 */
export function vialsWithinStock(vialsOpened: number, dosesPerVial: number, remaining: number): boolean {
  return vialsOpened * dosesPerVial <= Math.max(0, remaining);
}
