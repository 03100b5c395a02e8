import { z } from 'zod';
import { districtCodeSchema, isoDateSchema } from './common.js';

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

/** `GET /api/registrations`: by status, by the day invited for, by the facility assigned. */
export const registrationsQuerySchema = z.object({
  status: z.enum(STAFF_REGISTRATION_STATUSES).optional(),
  /** Invited for this day (a session board's list of the day). */
  invitedFor: isoDateSchema.optional(),
  /** Assigned to this facility. */
  facilityId: z.string().min(1).max(40).optional(),
});
export type RegistrationsQuery = z.input<typeof registrationsQuerySchema>;

/** `POST /api/registrations/{id}/assign`: a district or a facility. */
export const assignRegistrationBodySchema = z.object({
  districtCode: districtCodeSchema.optional(),
  facilityId: z.string().min(1).max(40).optional(),
});
export type AssignRegistrationBody = z.infer<typeof assignRegistrationBodySchema>;

/** `POST /api/registrations/{id}/invite`: the day the registrant is invited for. */
export const inviteRegistrationBodySchema = z.object({ date: isoDateSchema });
export type InviteRegistrationBody = z.infer<typeof inviteRegistrationBodySchema>;
