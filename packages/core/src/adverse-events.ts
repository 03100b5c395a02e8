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

/**
 * Why an adverse event cannot follow the dose given on `administeredOn` (`YYYY-MM-DD`), or null
 * when it can: it started on a day (in Vietnam) before that dose (`aefi_before_dose`). The day of the
 * dose itself is taken, whatever the hour (the dose's time of day is not recorded).
 */
export function adverseEventDoseProblem(occurredAt: Date, administeredOn: string): 'aefi_before_dose' | null {
  return vietnamDay(occurredAt) < administeredOn ? 'aefi_before_dose' : null;
}
