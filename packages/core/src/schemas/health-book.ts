import { z } from 'zod';
import { DOSE_KINDS } from '../doses/rules.js';
import { REPORT_CATEGORIES } from '../reports.js';
import { certificateSchema } from './certificates.js';
import { isoDateSchema } from './common.js';
import { portalReportStatusSchema, reportReceiptSchema } from './portal.js';

/**
 * The e-health book (Sổ sức khỏe điện tử, `/api/health-book/…`): a citizen signs in on a device
 * with their phone and an OTP; the device's session (a cookie, months long, revocable by the
 * citizen and by the server) then reaches the household — every person whose record carries that
 * phone, and members added with an OTP sent to their own phone on record.
 */

/** The text of a check-in QR starts with this: `TCSK:` + an opaque signed token, no personal data. */
export const CHECK_IN_QR_PREFIX = 'TCSK:';
/** How long a check-in QR is accepted after it is made. */
export const CHECK_IN_TOKEN_TTL_MS = 15 * 60_000;
/** How long a device stays signed in without being used. */
export const HEALTH_BOOK_DEVICE_TTL_DAYS = 180;

/** `POST /api/health-book/sign-in`: the phone to send the OTP to. */
export const healthBookSignInBodySchema = z.object({ phone: z.string().trim().min(1).max(30) });
export type HealthBookSignInBody = z.infer<typeof healthBookSignInBodySchema>;

/** The answer (202), whether or not any record carries the phone. */
export const healthBookSignInStartedSchema = z.object({ signInId: z.string() });

export const signInIdParamsSchema = z.object({ signInId: z.string().min(1).max(64) });

/** `POST /api/health-book/sign-in/{signInId}/verify`: the OTP and a name for the device. */
export const healthBookVerifyBodySchema = z.object({
  otp: z.string().trim().max(12),
  deviceName: z.string().trim().max(80).optional(),
});

/** A signed-in device of the household's phone. */
export const healthBookDeviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  /** The device making this request. */
  current: z.boolean(),
});
export type HealthBookDevice = z.infer<typeof healthBookDeviceSchema>;

export const healthBookDevicesSchema = z.object({ devices: z.array(healthBookDeviceSchema) });

/** The answer to a verified sign-in: the device (its session is the `tc_book` cookie). */
export const healthBookSignedInSchema = z.object({ device: healthBookDeviceSchema, phoneMasked: z.string() });
export type HealthBookSignedIn = z.infer<typeof healthBookSignedInSchema>;

/** Core's `nextDoseDue` as the API answers it. */
export const nextDoseSchema = z.object({
  due: z.boolean(),
  doseNumber: z.number().nullable(),
  doseKind: z.enum(DOSE_KINDS).nullable(),
  from: z.string().nullable(),
  /** Whether `from` is today or past. */
  dueNow: z.boolean(),
  vaccineCode: z.string().nullable(),
  reason: z.enum(['complete', 'too_young']).nullable(),
  message: z.object({ vi: z.string(), en: z.string() }),
});
export type NextDoseView = z.infer<typeof nextDoseSchema>;

/** One person of the household, with everything the book shows and keeps offline. */
export const householdMemberSchema = z.object({
  personId: z.string(),
  /** `phone`: the record carries the household's phone; `added`: added with the member's OTP. */
  source: z.enum(['phone', 'added']),
  certificate: certificateSchema,
  nextDose: nextDoseSchema,
  /** An SMS on the date the next dose is due, to the household's phone. */
  reminder: z.object({ enabled: z.boolean(), on: z.string().nullable() }),
});
export type HouseholdMember = z.infer<typeof householdMemberSchema>;

/** A report filed from the book, with the member it is about. */
export const householdReportSchema = portalReportStatusSchema.extend({
  personId: z.string().nullable(),
  fullName: z.string(),
});
export type HouseholdReport = z.infer<typeof householdReportSchema>;

/** `GET /api/health-book/household`. */
export const householdSchema = z.object({
  phoneMasked: z.string(),
  /** When the server answered: the book shows "cập nhật lúc …" offline. */
  syncedAt: z.string(),
  members: z.array(householdMemberSchema),
  reports: z.array(householdReportSchema),
});
export type Household = z.infer<typeof householdSchema>;

/** `POST /api/health-book/members`: who to add; an OTP goes to the phone on their record. */
export const addMemberBodySchema = z.object({
  idNumber: z.string().trim().min(1).max(30),
  dateOfBirth: isoDateSchema,
});
export type AddMemberBody = z.infer<typeof addMemberBodySchema>;

/**
 * The answer (202), the same whether or not the details matched a record with a phone: the OTP
 * goes to the phone on the member's record (a child without one: the parent's phone on it).
 */
export const addMemberStartedSchema = z.object({ requestId: z.string() });

export const memberRequestParamsSchema = z.object({ requestId: z.string().min(1).max(64) });
export const memberParamsSchema = z.object({ personId: z.string().min(1).max(64) });

/** `POST /api/health-book/members/{personId}/check-in-token`. */
export const checkInTokenSchema = z.object({ qr: z.string(), expiresAt: z.string() });
export type CheckInToken = z.infer<typeof checkInTokenSchema>;

/** `PUT /api/health-book/members/{personId}/reminder`. */
export const reminderBodySchema = z.object({ enabled: z.boolean() });
export const reminderSchema = z.object({ enabled: z.boolean(), on: z.string().nullable() });

/**
 * `POST /api/health-book/members/{personId}/reports`: a report about a member, pre-filled from
 * the record (name, date of birth, sex, ID number, the household's phone); the dose it is about by
 * its id, when it is about one.
 */
export const householdReportBodySchema = z.object({
  category: z.enum(REPORT_CATEGORIES),
  description: z.string().trim().min(1).max(2000),
  doseId: z.string().min(1).max(64).optional(),
  /** A missing dose: when and where the member says it was given. */
  dose: z
    .object({
      administeredOn: isoDateSchema.optional(),
      vaccineCode: z.string().max(40).optional(),
      facilityId: z.string().max(40).optional(),
    })
    .optional(),
});
export type HouseholdReportBody = z.infer<typeof householdReportBodySchema>;
export { reportReceiptSchema as householdReportReceiptSchema };

/** `POST /api/admin/health-book/revocations`: end every device session of a phone (national administrators). */
export const healthBookRevocationBodySchema = z.object({ phone: z.string().trim().min(1).max(30) });
export const healthBookRevocationSchema = z.object({ revoked: z.number() });

/** The session board's check-in by a health-book QR token. */
export const checkInTokenTextSchema = z.string().startsWith(CHECK_IN_QR_PREFIX).max(200);
