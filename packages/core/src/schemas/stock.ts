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
