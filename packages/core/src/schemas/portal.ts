import { z } from 'zod';
import { PRIORITY_GROUPS } from '../registrations.js';
import { REJECTION_REASONS, REPORT_CATEGORIES, REPORT_OUTCOMES, REPORT_STATUSES } from '../reports.js';
import { SCREENING_ANSWERS, SCREENING_QUESTIONS } from '../screening.js';
import {
  communeCodeSchema,
  districtCodeSchema,
  genderSchema,
  isoDateSchema,
  nationalitySchema,
  PDF_LAYOUTS,
  provinceCodeSchema,
} from './common.js';

/**
 * The citizens' portal (`/api/portal/…`, no sign-in; api-contract.md: Public portal): certificate
 * look-up with an OTP, reports, registration for a dose. The server validates with these and the
 * portal's pages take their types from them (types only: the public pages load no zod).
 */

/** Who the citizen says they are: the fields every portal form starts with. */
const personFields = {
  fullName: z.string().trim().min(1).max(100),
  dateOfBirth: isoDateSchema,
  gender: genderSchema,
  phone: z.string().trim().min(1).max(30),
};

/** The one-time code sent by SMS. */
export const otpBodySchema = z.object({ otp: z.string().trim().max(12) });
export type OtpBody = z.infer<typeof otpBodySchema>;

/** `POST /api/portal/certificate-lookups`: the person's details; the ID number is optional. */
export const certificateLookupBodySchema = z.object({
  ...personFields,
  idNumber: z.string().trim().max(30).optional(),
});
export type CertificateLookupBody = z.input<typeof certificateLookupBodySchema>;

/** The answer to a look-up (202), whether or not anyone matched. */
export const lookupStartedSchema = z.object({ lookupId: z.string() });
export type LookupStarted = z.infer<typeof lookupStartedSchema>;

export const lookupIdParamsSchema = z.object({ lookupId: z.string().min(1).max(64) });

/** `GET /api/portal/certificates/pdf`: the signed link of a verified look-up, and the layout. */
export const portalPdfQuerySchema = z.object({
  token: z.string().min(10).max(400),
  layout: z.enum(PDF_LAYOUTS).default('a4'),
});

/** `POST /api/portal/reports` (Phản ánh thông tin). */
export const portalReportBodySchema = z.object({
  category: z.enum(REPORT_CATEGORIES),
  ...personFields,
  idNumber: z.string().trim().max(30).optional(),
  description: z.string().trim().min(1).max(2000),
  provinceCode: provinceCodeSchema.optional(),
  dose: z
    .object({
      administeredOn: isoDateSchema.optional(),
      vaccineCode: z.string().max(40).optional(),
      facilityId: z.string().max(40).optional(),
    })
    .optional(),
});
export type PortalReportBody = z.input<typeof portalReportBodySchema>;

/** The receipt of a report (201): the tracking code and when it is due. */
export const reportReceiptSchema = z.object({
  trackingCode: z.string(),
  receivedAt: z.string(),
  dueAt: z.string(),
  status: z.enum(REPORT_STATUSES),
});
export type ReportReceipt = z.infer<typeof reportReceiptSchema>;

export const trackingCodeParamsSchema = z.object({ trackingCode: z.string().min(4).max(20) });

/** `GET /api/portal/reports/{trackingCode}`: the phone the report was filed with. */
export const reportStatusQuerySchema = z.object({ phone: z.string().min(1).max(30) });

/** A report as the citizen who filed it sees it. */
export const portalReportStatusSchema = z.object({
  trackingCode: z.string(),
  status: z.enum(REPORT_STATUSES),
  category: z.enum(REPORT_CATEGORIES),
  receivedAt: z.string(),
  dueAt: z.string(),
  resolvedAt: z.string().nullable(),
  outcome: z.enum(REPORT_OUTCOMES).nullable(),
  outcomeReason: z.enum(REJECTION_REASONS).nullable(),
  outcomeNote: z.string().nullable(),
  hasEvidence: z.boolean(),
});
export type PortalReportStatus = z.infer<typeof portalReportStatusSchema>;

/** `POST /api/portal/registrations` (Đăng ký tiêm). */
export const portalRegistrationBodySchema = z.object({
  ...personFields,
  idNumber: z.string().trim().min(1).max(30),
  healthInsuranceNumber: z.string().trim().max(20).optional(),
  occupation: z.string().trim().max(120).optional(),
  priorityGroup: z.enum(PRIORITY_GROUPS),
  provinceCode: provinceCodeSchema,
  districtCode: districtCodeSchema.optional(),
  communeCode: communeCodeSchema.optional(),
  ethnicity: z.string().trim().max(60).optional(),
  nationality: nationalitySchema.default('VN'),
  preferredDate: isoDateSchema.optional(),
  /**
   * The pre-screening checklist: question id → answer. Every question of the ministry's checklist
   * (core's SCREENING_QUESTIONS) answered, and no other key.
   */
  checklist: z.record(z.enum(SCREENING_QUESTIONS.map((q) => q.id) as [string, ...string[]]), z.enum(SCREENING_ANSWERS)),
  consent: z.boolean(),
});
export type PortalRegistrationBody = z.input<typeof portalRegistrationBodySchema>;

/** The answer to a registration (202): confirm it with the OTP sent to the phone. */
export const registrationStartedSchema = z.object({ registrationId: z.string() });
export type RegistrationStarted = z.infer<typeof registrationStartedSchema>;

/** A confirmed registration: its code and the text of the check-in QR. */
export const registrationConfirmationSchema = z.object({
  code: z.string(),
  qr: z.string(),
  status: z.string(),
  fullName: z.string(),
  provinceCode: z.string(),
});
export type RegistrationConfirmation = z.infer<typeof registrationConfirmationSchema>;
