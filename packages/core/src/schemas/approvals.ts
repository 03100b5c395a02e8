import { z } from 'zod';
import { VERIFICATION_STATUSES } from '../people.js';
import { genderSchema, unitCodeSchema } from './common.js';
import { idTypeSchema } from './people.js';

/**
 * Identity approvals (`/api/identity-approvals`): when the national population database does not
 * confirm a person (not found, details that do not match, never checked), the desk asks a
 * supervisor — the district, province or national administrator over the site or the person's
 * residence — to approve vaccinating them anyway. Approving sets the person's identity override
 * (the dose can then be recorded); refusing is recorded with its reason, which the desk sees.
 */

/** Where a request is: waiting for a supervisor, approved, or refused. */
export const APPROVAL_STATUSES = ['pending', 'approved', 'refused'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** A supervisor's decision on a request. */
export const APPROVAL_DECISIONS = ['approve', 'refuse'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** A stated reason: the desk's for asking, the supervisor's for deciding (kept in the audit trail). */
const reasonSchema = z.string().trim().min(5).max(500);

/** `POST /api/identity-approvals`: the person (and the visit of a session, when at one) and why. */
export const identityApprovalRequestBodySchema = z.object({
  personId: z.string().min(1).max(64),
  visitId: z.string().min(1).max(64).optional(),
  reason: reasonSchema,
});
export type IdentityApprovalRequestBody = z.infer<typeof identityApprovalRequestBodySchema>;

/** `POST /api/identity-approvals/{id}/decision`. */
export const identityApprovalDecisionBodySchema = z.object({
  decision: z.enum(APPROVAL_DECISIONS),
  reason: reasonSchema,
});
export type IdentityApprovalDecisionBody = z.infer<typeof identityApprovalDecisionBodySchema>;

/** `GET /api/identity-approvals`: the caller's requests, pending first (oldest first), then the decided ones. */
export const identityApprovalsQuerySchema = z.object({
  status: z.enum(APPROVAL_STATUSES).optional(),
  personId: z.string().min(1).max(64).optional(),
  visitId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type IdentityApprovalsQuery = z.input<typeof identityApprovalsQuerySchema>;

/** What the population database answered about a person's identity (it names the details that differ, not its values). */
export const registryAnswerSchema = z.object({
  status: z.enum(VERIFICATION_STATUSES),
  /** The details that do not match (`fullName`, `dateOfBirth`, `gender`) when `status` is `mismatch`. */
  fields: z.array(z.string()),
  source: z.string().nullable(),
  checkedAt: z.string().nullable(),
});
export type RegistryAnswer = z.infer<typeof registryAnswerSchema>;

/** The person's identity details as the record has them. */
export const approvalPersonSchema = z.object({
  fullName: z.string(),
  dateOfBirth: z.string(),
  gender: genderSchema,
  idType: idTypeSchema.nullable(),
  idNumber: z.string().nullable(),
  provinceCode: z.string(),
  districtCode: z.string().nullable(),
  communeCode: z.string().nullable(),
});

/** One request for approval, as the desk and the supervisor see it. */
export const identityApprovalSchema = z.object({
  id: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  personId: z.string(),
  visitId: z.string().nullable(),
  sessionId: z.string().nullable(),
  facilityId: z.string().nullable(),
  facilityName: z.string().nullable(),
  /** The unit that decides: the site's district (or province), else the person's residence. */
  provinceCode: z.string(),
  districtCode: z.string().nullable(),
  reason: z.string(),
  requestedBy: z.string(),
  requestedByName: z.string(),
  requestedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionReason: z.string().nullable(),
  /** The details when the request was sent, and the registry's answer about them then. */
  requested: approvalPersonSchema,
  registry: registryAnswerSchema,
  /** The record now (its details may have been corrected since). */
  person: approvalPersonSchema.extend({
    verification: registryAnswerSchema,
    override: z.object({ by: z.string(), reason: z.string(), at: z.string() }).nullable(),
  }),
  /** The caller may decide it (a supervisor over its unit, not the one who asked). */
  canDecide: z.boolean(),
});
export type IdentityApproval = z.infer<typeof identityApprovalSchema>;

/** `GET /api/identity-approvals/blocked`: the records of one unit below the caller's, or all of them. */
export const identityBlockedQuerySchema = z.object({
  unitCode: unitCodeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type IdentityBlockedQuery = z.input<typeof identityBlockedQuerySchema>;

/** Why a record's identity blocks a vaccine passport. */
export const IDENTITY_BLOCK_REASONS = ['no_id_number', 'not_found', 'mismatch', 'pending', 'unavailable'] as const;
export type IdentityBlockReason = (typeof IDENTITY_BLOCK_REASONS)[number];

/** A record whose identity is neither verified nor approved. */
export const identityBlockedRecordSchema = z.object({
  personId: z.string(),
  fullName: z.string(),
  dateOfBirth: z.string(),
  gender: genderSchema,
  idType: idTypeSchema.nullable(),
  /** Partly hidden (`087******567`). */
  idNumberMasked: z.string().nullable(),
  provinceCode: z.string(),
  districtCode: z.string().nullable(),
  communeCode: z.string().nullable(),
  why: z.enum(IDENTITY_BLOCK_REASONS),
  verification: registryAnswerSchema.extend({ recheck: z.boolean() }),
  /** The latest request for approval about the record, if any. */
  approval: z
    .object({
      id: z.string(),
      status: z.enum(APPROVAL_STATUSES),
      reason: z.string(),
      requestedAt: z.string(),
      decisionReason: z.string().nullable(),
      decidedBy: z.string().nullable(),
      decidedAt: z.string().nullable(),
    })
    .nullable(),
  createdAt: z.string(),
});
export type IdentityBlockedRecord = z.infer<typeof identityBlockedRecordSchema>;

/** The records per unit (the level below the caller's: provinces, districts or communes) and the newest of them. */
export const identityBlockedSchema = z.object({
  /** `code` null: records that name no unit at that level. */
  units: z.array(z.object({ code: z.string().nullable(), name: z.string().nullable(), count: z.number().int() })),
  total: z.number().int(),
  items: z.array(identityBlockedRecordSchema),
});
export type IdentityBlocked = z.infer<typeof identityBlockedSchema>;
