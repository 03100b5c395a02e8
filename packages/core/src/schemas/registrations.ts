import { z } from 'zod';

/**
 * Registrations from the portal as staff work them (`/api/registrations`): the server's answer and
 * the web app's list, from one definition.
 */

/** Where a registration is: waiting for its OTP, confirmed, assigned, invited, checked in, or cancelled. */
export const REGISTRATION_STATUSES = [
  'unconfirmed',
  'confirmed',
  'assigned',
  'invited',
  'checked_in',
  'cancelled',
] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** The statuses staff see and filter by (an unconfirmed registration is the citizen's until the OTP). */
export const STAFF_REGISTRATION_STATUSES = [
  'confirmed',
  'assigned',
  'invited',
  'checked_in',
  'cancelled',
] as const satisfies readonly RegistrationStatus[];

export const registrationSchema = z.object({
  id: z.string(),
  code: z.string(),
  fullName: z.string(),
  dateOfBirth: z.string(),
  gender: z.string(),
  phone: z.string(),
  priorityGroup: z.string(),
  provinceCode: z.string(),
  districtCode: z.string().nullable(),
  preferredDate: z.string().nullable(),
  status: z.enum(REGISTRATION_STATUSES),
  assignedDistrictCode: z.string().nullable(),
  assignedFacilityId: z.string().nullable(),
  invitedFor: z.string().nullable(),
  createdAt: z.string(),
});
export type Registration = z.infer<typeof registrationSchema>;
