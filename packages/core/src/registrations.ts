/**
 * Registration for a dose through the portal (Đăng ký tiêm): the constants the server, the portal's
 * form and the contract share. Free of zod, so that the public pages can use them.
 */

import { daysBetween } from './doses/calendar.js';

/** Priority groups for COVID-19 vaccination (Resolution 21/NQ-CP, 2021), abridged. */
export const PRIORITY_GROUPS = [
  'health_worker',
  'frontline',
  'essential_services',
  'teacher',
  'elderly_65',
  'chronic_disease',
  'industrial_worker',
  'other',
] as const;
export type PriorityGroup = (typeof PRIORITY_GROUPS)[number];

/** The prefix of the text in a registrant's check-in QR. */
export const REGISTRATION_QR_PREFIX = 'TCDK:';

/** How far ahead a registrant may be invited: at most 90 days after today (Vietnam time). */
export const INVITE_MAX_DAYS_AHEAD = 90;

/**
 * Where `date` (`YYYY-MM-DD`) falls against the window a registrant can be invited in: `past` before
 * `today` (the calendar day in Vietnam, `vietnamDay`), `too_far` more than
 * {@link INVITE_MAX_DAYS_AHEAD} days after it, null inside.
 */
function inviteWindow(date: string, today: string): 'past' | 'too_far' | null {
  if (date < today) return 'past';
  if (daysBetween(today, date) > INVITE_MAX_DAYS_AHEAD) return 'too_far';
  return null;
}

/**
 * Why a registrant cannot be invited for `date`, or null when the day is fine: a day already past,
 * or one more than {@link INVITE_MAX_DAYS_AHEAD} days ahead. The citizen is sent the day by SMS.
 */
export function inviteDateProblem(date: string, today: string): 'invite_date_past' | 'invite_date_too_far' | null {
  const w = inviteWindow(date, today);
  return w && `invite_date_${w}`;
}

/** How far ahead a registrant may ask to be vaccinated: the same 90 days as an invitation. */
export const PREFERRED_DATE_MAX_DAYS_AHEAD = INVITE_MAX_DAYS_AHEAD;

/**
 * Why a registration's preferred day (`YYYY-MM-DD`) cannot be taken, or null when it is fine: a day
 * already past (`today` is the calendar day in Vietnam, `vietnamDay`), or one more than
 * {@link PREFERRED_DATE_MAX_DAYS_AHEAD} days ahead — the window the registrant can be invited in.
 */
export function preferredDateProblem(
  date: string,
  today: string,
): 'preferred_date_past' | 'preferred_date_too_far' | null {
  const w = inviteWindow(date, today);
  return w && `preferred_date_${w}`;
}
