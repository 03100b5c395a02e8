import { vietnamDay } from './doses/calendar.js';

/**
 * Adverse events after immunisation (phản ứng sau tiêm): when one can have happened. The desk's
 * clock may run a little ahead of the server's, so a time up to {@link AEFI_CLOCK_SKEW_MS} after
 * now is taken as now.
 */
export const AEFI_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Why an adverse event cannot have happened at `occurredAt`, or null when it can: after now
 * (`aefi_in_future`), or on a day (in Vietnam) before the person's date of birth
 * (`aefi_before_birth`).
 */
export function adverseEventTimeProblem(
  occurredAt: Date,
  at: { readonly now: Date; readonly dateOfBirth: string },
): 'aefi_in_future' | 'aefi_before_birth' | null {
  if (occurredAt.getTime() > at.now.getTime() + AEFI_CLOCK_SKEW_MS) return 'aefi_in_future';
  if (vietnamDay(occurredAt) < at.dateOfBirth) return 'aefi_before_birth';
  return null;
}
