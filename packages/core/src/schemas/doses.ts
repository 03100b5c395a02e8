import { z } from 'zod';
import { DOSE_KINDS } from '../doses/rules.js';
import { isoDateSchema } from './common.js';
import { schemaMessage } from './messages.js';

/**
 * Doses (`/api/people/{id}/doses`, and the dose a session or a report records): the contract the
 * server validates and answers with, and the types the web app uses.
 */

export const doseSchema = z.object({
  id: z.string(),
  personId: z.string(),
  doseNumber: z.number().int(),
  doseKind: z.enum(DOSE_KINDS),
  vaccineCode: z.string(),
  lotNumber: z.string(),
  administeredOn: z.string(),
  facilityId: z.string(),
  sessionId: z.string().nullable(),
  source: z.string(),
  retroactive: z.boolean(),
  override: z.object({ by: z.string().nullable(), reason: z.string() }).nullable(),
  recordedAt: z.string(),
});
export type Dose = z.infer<typeof doseSchema>;

/** A supervisor's way past overridable rule violations: a stated reason. */
export const doseOverrideSchema = z.object({ reason: z.string().trim().min(5).max(500) });

/** `POST /api/people/{id}/doses`. */
export const recordDoseBodySchema = z.object({
  vaccineCode: z.string().min(1).max(40),
  lotNumber: z.string().trim().min(1).max(40),
  administeredOn: isoDateSchema,
  facilityId: z.string().min(1).max(40),
  doseKind: z.enum(DOSE_KINDS).optional(),
  override: doseOverrideSchema.optional(),
});
export type RecordDoseBody = z.infer<typeof recordDoseBodySchema>;

/** The `Idempotency-Key` header of a dose: the same key again is the same dose, never a second. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, schemaMessage('idempotencyKey'))
    .optional(),
});

/** One broken dose rule of a 422 answer (`violations` beside `error` in the body). */
export interface DoseRuleViolation {
  code: string;
  field?: string | null;
  message: string;
  overridable: boolean;
}
