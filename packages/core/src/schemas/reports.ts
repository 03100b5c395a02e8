import { z } from 'zod';
import {
  REJECTION_REASONS,
  REPORT_CATEGORIES,
  REPORT_OUTCOMES,
  REPORT_STATUSES,
  REPORT_UNIT_LEVELS,
  URGENCIES,
} from '../reports.js';
import { genderSchema, isoDateSchema, isoDateTimeSchema, provinceCodeSchema, unitCodeSchema } from './common.js';
import { doseOverrideSchema } from './doses.js';

/**
 * Citizens' reports as staff handle them (`/api/reports`, `/api/campaigns`; api-contract.md:
 * Reports): the contract the server validates and answers with, and the web app's types.
 */

/** A report as staff see it (the queue, the report's page, the answer to each action). */
export const reportSchema = z.object({
  id: z.string(),
  trackingCode: z.string(),
  category: z.enum(REPORT_CATEGORIES),
  status: z.enum(REPORT_STATUSES),
  fullName: z.string(),
  dateOfBirth: z.string(),
  gender: genderSchema,
  phone: z.string(),
  idNumber: z.string().nullable(),
  description: z.string(),
  dose: z
    .object({
      administeredOn: z.string().nullable(),
      vaccineCode: z.string().nullable(),
      facilityId: z.string().nullable(),
    })
    .nullable(),
  personId: z.string().nullable(),
  /** The facility id, or the code of the commune / district / province. */
  assignedUnit: z.object({ level: z.enum(REPORT_UNIT_LEVELS), code: z.string() }),
  provinceCode: z.string(),
  districtCode: z.string().nullable(),
  facilityId: z.string().nullable(),
  handler: z.string().nullable(),
  receivedAt: z.string(),
  dueAt: z.string(),
  overdue: z.boolean(),
  urgency: z.enum(URGENCIES).nullable(),
  escalatedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  outcome: z.enum(REPORT_OUTCOMES).nullable(),
  outcomeReason: z.enum(REJECTION_REASONS).nullable(),
  outcomeNote: z.string().nullable(),
  hasEvidence: z.boolean(),
});
export type Report = z.infer<typeof reportSchema>;

/** One action taken on a report (claim, re-assignment, correction…), from its audit trail. */
export const reportActionSchema = z.object({
  action: z.string(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  detail: z.unknown(),
  actor: z.string().nullable(),
  at: z.string(),
});
export type ReportAction = z.infer<typeof reportActionSchema>;

/** `GET /api/reports/{id}`: the report with the actions taken. */
export const reportDetailSchema = reportSchema.extend({ actions: z.array(reportActionSchema) });
export type ReportDetail = z.infer<typeof reportDetailSchema>;

/** `GET /api/reports` (and its CSV / XLSX exports): the queue's filters. */
export const reportListQuerySchema = z.object({
  status: z.enum(REPORT_STATUSES).optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  category: z.enum(REPORT_CATEGORIES).optional(),
  view: z.enum(['all', 'queue']).default('all'),
  trackingCode: z.string().max(20).optional(),
  receivedFrom: isoDateTimeSchema.optional(),
  receivedTo: isoDateTimeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(200),
});
export type ReportListQuery = z.input<typeof reportListQuerySchema>;
/** The filters as the server reads them: defaults filled in, `overdue` a boolean. */
export type ReportListFilter = z.output<typeof reportListQuerySchema>;

/** `POST /api/reports/{id}/reassign`: another unit or facility, with a reason. */
export const reassignBodySchema = z.object({
  facilityId: z.string().max(40).optional(),
  unitCode: unitCodeSchema.optional(),
  reason: z.string().trim().min(3).max(500),
});
export type ReassignBody = z.infer<typeof reassignBodySchema>;

/** `POST /api/reports/{id}/person`: a person on record, or `create` to register the report's person. */
export const linkPersonBodySchema = z.object({
  personId: z.string().max(64).optional(),
  create: z.boolean().optional(),
  provinceCode: provinceCodeSchema.optional(),
});
export type LinkPersonBody = z.infer<typeof linkPersonBodySchema>;

/** `POST /api/reports/{id}/actions/correct-dose`: the dose and the fields to change. */
export const correctDoseBodySchema = z.object({
  doseId: z.string().min(1).max(64),
  vaccineCode: z.string().max(40).optional(),
  lotNumber: z.string().trim().max(40).optional(),
  administeredOn: isoDateSchema.optional(),
  facilityId: z.string().max(40).optional(),
  override: doseOverrideSchema.optional(),
});
export type CorrectDoseBody = z.infer<typeof correctDoseBodySchema>;

/** `POST /api/reports/{id}/actions/merge`: the duplicate record to fold into the report's person. */
export const reportMergeBodySchema = z.object({ duplicateId: z.string().min(1).max(64) });
export type ReportMergeBody = z.infer<typeof reportMergeBodySchema>;

/** `POST /api/reports/{id}/resolution`. */
export const resolutionBodySchema = z.object({
  outcome: z.enum(REPORT_OUTCOMES),
  note: z.string().trim().min(1).max(2000),
  /** Why a rejection: optional (the API contract's body names only outcome and note). */
  reason: z.enum(REJECTION_REASONS).optional(),
  /** For `duplicate`: the tracking code of the report this one repeats. */
  duplicateOf: z.string().trim().max(20).optional(),
});
export type ResolutionBody = z.infer<typeof resolutionBodySchema>;

/** `POST /api/campaigns`: a receipt window and a deadline, national or for a province. */
export const campaignBodySchema = z.object({
  name: z.string().trim().min(1).max(200),
  receiveFrom: isoDateTimeSchema,
  receiveTo: isoDateTimeSchema,
  deadline: isoDateTimeSchema,
  provinceCode: provinceCodeSchema.optional(),
});
export type CampaignBody = z.infer<typeof campaignBodySchema>;

/** The answer to `POST /api/campaigns` (201). */
export const campaignCreatedSchema = z.object({ id: z.string(), name: z.string() });
export type CampaignCreated = z.infer<typeof campaignCreatedSchema>;

/** A campaign (`GET /api/campaigns`). */
export const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  provinceCode: z.string().nullable(),
  receiveFrom: z.string(),
  receiveTo: z.string(),
  deadline: z.string(),
});
export type Campaign = z.infer<typeof campaignSchema>;

export const campaignCountsSchema = z.object({
  received: z.number(),
  resolved: z.number(),
  open: z.number(),
  overdue: z.number(),
  /** Open reports that will miss the deadline at the current pace. */
  willMissDeadline: z.number(),
});
export type CampaignCounts = z.infer<typeof campaignCountsSchema>;

export const campaignUnitSchema = campaignCountsSchema.extend({
  /** District code (3 digits) or province code (2 digits). */
  unit: z.string(),
  onTimeRate: z.number().nullable(),
});
export type CampaignUnit = z.infer<typeof campaignUnitSchema>;

/** `GET /api/campaigns/{id}`: progress per unit and in total. */
export const campaignProgressSchema = z.object({
  campaign: campaignSchema,
  total: campaignCountsSchema,
  units: z.array(campaignUnitSchema),
});
export type CampaignProgress = z.infer<typeof campaignProgressSchema>;
