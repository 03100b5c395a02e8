import { z } from 'zod';
import { SCREENING_ANSWERS, SCREENING_OUTCOMES, SCREENING_QUESTIONS } from '../screening.js';

// The zod schemas of screening live apart from the checklist, so that the public portal can show
// the checklist without loading zod.

export const vitalsSchema = z.object({
  temperature: z.number().min(30).max(45).optional(),
  pulse: z.number().int().min(20).max(250).optional(),
  systolic: z.number().int().min(50).max(300).optional(),
  diastolic: z.number().int().min(20).max(200).optional(),
  spo2: z.number().int().min(50).max(100).optional(),
});

export const screeningBodySchema = z.object({
  answers: z.record(z.string(), z.enum(SCREENING_ANSWERS)).refine((a) => SCREENING_QUESTIONS.every((q) => q.id in a), {
    message: 'every checklist question needs an answer',
  }),
  vitals: vitalsSchema.default({}),
  outcome: z.enum(SCREENING_OUTCOMES),
  /** Required when the outcome is not "vaccinate", or differs from the suggestion. */
  reason: z.string().trim().max(500).optional(),
});
export type ScreeningBody = z.infer<typeof screeningBodySchema>;
