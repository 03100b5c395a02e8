/**
 * Registration for a dose through the portal (Đăng ký tiêm): the constants the server, the portal's
 * form and the contract share. Free of zod, so that the public pages can use them.
 */

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
