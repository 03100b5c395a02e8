import { z } from 'zod';

/** A lot as a holder (province, district or facility) has it in stock (`GET /api/lots`). */
export const stockLotSchema = z.object({
  id: z.string(),
  lotNumber: z.string(),
  vaccineCode: z.string(),
  expiresOn: z.string(),
  dosesPerVial: z.number(),
  dosesReceived: z.number(),
  dosesAllocated: z.number(),
  dosesUsed: z.number(),
  dosesRemaining: z.number(),
  expired: z.boolean(),
  /** Expires within the warning window. */
  expiresSoon: z.boolean(),
});
export type StockLot = z.infer<typeof stockLotSchema>;

/** `GET /api/lots`: the lots of a facility (or of the caller's unit), of one vaccine or all. */
export const lotsQuerySchema = z.object({
  facilityId: z.string().min(1).max(40).optional(),
  vaccineCode: z.string().max(40).optional(),
});
export type LotsQuery = z.input<typeof lotsQuerySchema>;

/** `GET /api/lots/reconciliation`: per lot, doses used against doses recorded. */
export const lotReconciliationSchema = z.object({
  lotNumber: z.string(),
  vaccineCode: z.string(),
  dosesUsed: z.number(),
  dosesRecorded: z.number(),
  /** The gap: doses that may have been given without being recorded. */
  possibleUnrecorded: z.number(),
});
export type LotReconciliation = z.infer<typeof lotReconciliationSchema>;
