import { z } from 'zod';
import { VERIFICATION_STATUSES } from '../people.js';
import {
  communeCodeSchema,
  districtCodeSchema,
  genderSchema,
  isoDateSchema,
  listOf,
  nationalitySchema,
} from './common.js';
import { schemaMessage } from './messages.js';

/**
 * The people registry (`/api/people`, api-contract.md: People) and merging duplicate records: the
 * contract the server validates and answers with, and the types the web app's screens use.
 */

/** The kind of identity document: citizen ID (CCCD), old ID card (CMND), passport. */
export const idTypeSchema = z.enum(['cccd', 'cmnd', 'passport']);

/** Body of POST /api/people (api-contract.md), with optional extensions. */
export const createPersonBodySchema = z.object({
  fullName: z.string().max(200),
  dateOfBirth: isoDateSchema,
  gender: genderSchema,
  idNumber: z.string().max(30),
  idType: idTypeSchema.optional(),
  phone: z.string().max(30),
  provinceCode: z.string().regex(/^\d{2}$/, schemaMessage('provinceCode')),
  districtCode: districtCodeSchema.optional(),
  communeCode: communeCodeSchema.optional(),
  address: z.string().max(300).optional(),
  oldIdNumber: z.string().max(20).optional(),
  nationality: nationalitySchema.optional(),
  ethnicity: z.string().max(60).optional(),
  healthInsuranceNumber: z.string().max(20).optional(),
  occupation: z.string().max(120).optional(),
});
export type CreatePersonBody = z.infer<typeof createPersonBodySchema>;

export const updatePersonBodySchema = createPersonBodySchema.partial().extend({
  reason: z.string().max(500).optional(),
});
export type UpdatePersonBody = z.infer<typeof updatePersonBodySchema>;

export const personSchema = z.object({
  id: z.string(),
  fullName: z.string(),
  dateOfBirth: z.string(),
  gender: genderSchema,
  idType: idTypeSchema.nullable(),
  idNumber: z.string().nullable(),
  oldIdNumber: z.string().nullable(),
  legacy: z.boolean(),
  phone: z.string().nullable(),
  provinceCode: z.string(),
  districtCode: z.string().nullable(),
  communeCode: z.string().nullable(),
  address: z.string().nullable(),
  nationality: z.string(),
  ethnicity: z.string().nullable(),
  healthInsuranceNumber: z.string().nullable(),
  occupation: z.string().nullable(),
  verification: z.object({
    status: z.enum(VERIFICATION_STATUSES),
    fields: z.array(z.string()),
    source: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    recheck: z.boolean(),
    override: z.object({ by: z.string(), reason: z.string(), at: z.string() }).nullable(),
  }),
  /** True when ID number and phone are shown partly hidden (search results). */
  masked: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Person = z.infer<typeof personSchema>;

/** `GET /api/people`: exactly one of an ID number, a phone or a name prefix. */
export const peopleSearchQuerySchema = z
  .object({
    idNumber: z.string().min(1).max(30).optional(),
    phone: z.string().min(1).max(30).optional(),
    q: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .refine((v) => [v.idNumber, v.phone, v.q].filter(Boolean).length === 1, {
    ...schemaMessage('onePeopleSearch'),
    path: ['q'],
  });
export type PeopleSearchQuery = z.input<typeof peopleSearchQuerySchema>;

/** `GET /api/people/duplicate-check`: the details about to be registered. */
export const duplicateCheckQuerySchema = z.object({
  fullName: z.string().min(1).max(200),
  dateOfBirth: isoDateSchema,
  phone: z.string().max(30).optional(),
  idNumber: z.string().max(30).optional(),
  gender: genderSchema.optional(),
});
export type DuplicateCheckQuery = z.input<typeof duplicateCheckQuerySchema>;

/** Why two records look like one person (what made the server list them). */
export const DUPLICATE_CANDIDATE_KINDS = ['same_name_dob_phone', 'cmnd_cccd', 'legacy_match', 'same_name_dob'] as const;
export type DuplicateCandidateKind = (typeof DUPLICATE_CANDIDATE_KINDS)[number];

/** An open candidate pair (`GET /api/people/duplicates`). */
export const duplicateCandidateSchema = z.object({
  id: z.number(),
  kind: z.enum(DUPLICATE_CANDIDATE_KINDS),
  createdAt: z.string(),
  a: personSchema,
  b: personSchema,
});
export type DuplicateCandidate = z.infer<typeof duplicateCandidateSchema>;

/** `POST /api/people/duplicates/{candidateId}/dismiss`. */
export const candidateIdParamsSchema = z.object({ candidateId: z.coerce.number().int().positive() });

/** `POST /api/people/{id}/identity-override`: a supervisor's stated reason. */
export const identityOverrideBodySchema = z.object({ reason: z.string().trim().min(5).max(500) });
export type IdentityOverrideBody = z.infer<typeof identityOverrideBodySchema>;

/** One entry of a person's audit trail (`GET /api/people/{id}/audit`). */
export const personAuditEntrySchema = z.object({
  at: z.string(),
  action: z.string(),
  actor: z.string().nullable(),
  reason: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type PersonAuditEntry = z.infer<typeof personAuditEntrySchema>;
export const personAuditSchema = listOf(personAuditEntrySchema);

/** `POST /api/people/{id}/merge`: the duplicate record to fold into this one, and why. */
export const mergeBodySchema = z.object({
  duplicateId: z.string().min(1).max(64),
  reason: z.string().trim().min(3).max(500),
});
export type MergeBody = z.infer<typeof mergeBodySchema>;

/** The record kept after a merge, and how many rows of each kind moved to it. */
export const mergeResultSchema = z.object({ person: personSchema, moved: z.record(z.string(), z.number()) });
export type MergeResult = z.infer<typeof mergeResultSchema>;
