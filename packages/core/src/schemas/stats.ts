import { z } from 'zod';

/** `GET /api/stats/summary`: people and doses in the caller's units, by dose number and vaccine. */
export const statsSummarySchema = z.object({
  people: z.number(),
  doses: z.number(),
  byDoseNumber: z.record(z.string(), z.number()),
  byVaccine: z.record(z.string(), z.number()),
});
export type StatsSummary = z.infer<typeof statsSummarySchema>;
