import { z } from 'zod';
import { isoDateTimeSchema } from './common.js';

/**
 * Adverse events after immunisation, recorded at the desk (`POST /api/adverse-events`;
 * api-contract.md: Sessions at the site).
 */

export const ADVERSE_EVENT_SEVERITIES = ['mild', 'serious'] as const;
export type AdverseEventSeverity = (typeof ADVERSE_EVENT_SEVERITIES)[number];

export const adverseEventBodySchema = z.object({
  personId: z.string().min(1).max(64),
  doseId: z.string().max(64).optional(),
  visitId: z.string().max(64).optional(),
  /** When it happened; now when not given. */
  occurredAt: isoDateTimeSchema.optional(),
  symptoms: z.array(z.string().trim().min(1).max(200)).min(1).max(20),
  /** A serious event notifies the district at once. */
  severity: z.enum(ADVERSE_EVENT_SEVERITIES),
  actionTaken: z.string().trim().min(1).max(1000),
});
export type AdverseEventBody = z.infer<typeof adverseEventBodySchema>;

/** The answer (201). */
export const adverseEventRecordedSchema = z.object({ id: z.string(), severity: z.string() });
export type AdverseEventRecorded = z.infer<typeof adverseEventRecordedSchema>;
