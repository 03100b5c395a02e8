import { z } from 'zod';
import {
  SCREENING_ANSWERS,
  SCREENING_OUTCOMES,
  SCREENING_QUESTIONS,
  VITAL_LIMITS,
  type VitalSign,
} from '../screening.js';
import { schemaMessage } from './messages.js';

// The zod schemas of screening live apart from the checklist, so that the public portal can show
// the checklist without loading zod.

function vital(sign: VitalSign) {
  const { min, max, integer } = VITAL_LIMITS[sign];
  return (integer ? z.number().int() : z.number()).min(min).max(max).optional();
}

export const vitalsSchema = z.object({
  temperature: vital('temperature'),
  pulse: vital('pulse'),
  systolic: vital('systolic'),
  diastolic: vital('diastolic'),
  spo2: vital('spo2'),
});

export const screeningBodySchema = z.object({
  /**
   * The answers by question id. The questions that do not apply to the person (pregnancy for a
   * man) or that the record answers (the age question, from the date of birth) may be left out —
   * core's `screeningPlan`; the server answers `screening_unanswered` when a question asked is
   * missing, `screening_answer_conflicts` when an answer contradicts the record.
   */
  answers: z
    .record(z.string(), z.enum(SCREENING_ANSWERS))
    .refine((a) => SCREENING_QUESTIONS.some((q) => q.id in a), schemaMessage('checklistEmpty')),
  vitals: vitalsSchema.default({}),
  outcome: z.enum(SCREENING_OUTCOMES),
  /** Required when the outcome is not "vaccinate", or differs from the suggestion. */
  reason: z.string().trim().max(500).optional(),
});
export type ScreeningBody = z.infer<typeof screeningBodySchema>;
/** The body as a client sends it (the vital signs may be left out). */
export type ScreeningBodyInput = z.input<typeof screeningBodySchema>;
