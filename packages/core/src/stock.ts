/**
 * Vaccine stock: when doses of a lot can be passed down. A holder (a province or a district) can
 * allocate doses only from the day it received them, and not on a day still to come.
 */

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
