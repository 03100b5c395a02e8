import { z } from 'zod';
import { PASSPORT_SIGN_BATCH_MAX, PASSPORT_STATES } from '../passport/rules.js';
import { unitCodeSchema } from './common.js';

/**
 * The international vaccine passport (SPEC: Vaccine passport): a site confirms a record, the
 * ministry signs in batches, the passport (an EU DCC valid 12 months) reaches the citizen in the
 * portal and the e-health book and is made again before it expires and after a correction.
 */

const localizedSchema = z.object({ vi: z.string(), en: z.string() });
const personIdSchema = z.string().min(1).max(64);

export const passportBlockerSchema = z.object({
  code: z.string(),
  message: localizedSchema,
  doseId: z.string().optional(),
});

/** A signed passport as the citizen and staff receive it. */
export const issuedPassportSchema = z.object({
  /** The signed EU DCC QR (`HC1:…`), the ministry as issuer. */
  qr: z.string(),
  /** Its identifier (UVCI). */
  ci: z.string(),
  issuedAt: z.string(),
  expiresAt: z.string(),
});
export type IssuedPassport = z.infer<typeof issuedPassportSchema>;

/** Where one record stands on its way to a passport (`GET /api/people/{id}/passport`). */
export const personPassportSchema = z.object({
  personId: z.string(),
  state: z.enum(PASSPORT_STATES),
  stateText: localizedSchema,
  /** What must be fixed first; empty when nothing blocks the record. */
  blockers: z.array(passportBlockerSchema),
  /** Whether a site has asked for (or confirmed) a passport for this record. */
  requested: z.boolean(),
  confirmedAt: z.string().nullable(),
  confirmedBy: z.string().nullable(),
  signedAt: z.string().nullable(),
  passport: issuedPassportSchema.nullable(),
});
export type PersonPassport = z.infer<typeof personPassportSchema>;

/** `POST /api/passports/confirmations`: the site confirms these records (their data and identity). */
export const passportConfirmBodySchema = z.object({
  personIds: z.array(personIdSchema).min(1).max(200),
});
export type PassportConfirmBody = z.infer<typeof passportConfirmBodySchema>;

export const passportConfirmResultSchema = z.object({
  items: z.array(
    z.object({
      personId: z.string(),
      state: z.enum(PASSPORT_STATES),
      blockers: z.array(passportBlockerSchema),
    }),
  ),
});

/**
 * `POST /api/passports/signatures`: the ministry signs confirmed records — the ones named, or the
 * oldest confirmed first up to `limit`.
 */
export const passportSignBodySchema = z.object({
  personIds: z.array(personIdSchema).min(1).max(PASSPORT_SIGN_BATCH_MAX).optional(),
  limit: z.number().int().min(1).max(PASSPORT_SIGN_BATCH_MAX).default(1000),
});
export type PassportSignBody = z.infer<typeof passportSignBodySchema>;

export const passportSignResultSchema = z.object({
  /** Passports signed in this batch. */
  signed: z.array(z.object({ personId: z.string(), ci: z.string(), expiresAt: z.string() })),
  /** Confirmed records a blocker appeared on since their confirmation: not signed, sent back. */
  blocked: z.array(z.object({ personId: z.string(), blockers: z.array(passportBlockerSchema) })),
  /** Confirmed records still waiting after this batch. */
  remaining: z.number(),
});
export type PassportSignResult = z.infer<typeof passportSignResultSchema>;

/** `GET /api/passports`: a unit's records on their way to a passport, what blocks each. */
export const passportListQuerySchema = z.object({
  unitCode: unitCodeSchema.optional(),
  state: z.enum(PASSPORT_STATES).optional(),
  /** The last `personId` of the previous page. */
  after: personIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type PassportListQuery = z.infer<typeof passportListQuerySchema>;

export const passportListItemSchema = z.object({
  personId: z.string(),
  fullName: z.string(),
  dateOfBirth: z.string(),
  idNumberMasked: z.string().nullable(),
  provinceCode: z.string(),
  districtCode: z.string().nullable(),
  state: z.enum(PASSPORT_STATES),
  blockers: z.array(passportBlockerSchema),
  requestedAt: z.string(),
  confirmedAt: z.string().nullable(),
  signedAt: z.string().nullable(),
});
export const passportListSchema = z.object({
  /** Records of the unit by state (all pages). */
  counts: z.object({ blocked: z.number(), ready: z.number(), confirmed: z.number(), issued: z.number() }),
  items: z.array(passportListItemSchema),
  /** Pass as `after` for the next page; null on the last. */
  next: z.string().nullable(),
});
export type PassportList = z.infer<typeof passportListSchema>;
