import { z } from 'zod';
import { districtCodeSchema, isoDateSchema, provinceCodeSchema } from './common.js';

/**
 * Vaccine lots (`POST /api/lots`, `/api/lots/{id}/allocations`; api-contract.md: Lots and stock):
 * receipts and allocations. The stock read back is in ./stock.ts.
 */

/** `POST /api/lots`: a province receives doses of a lot. */
export const receiveLotBodySchema = z.object({
  vaccineCode: z.string().min(1).max(40),
  lotNumber: z.string().trim().min(1).max(40),
  expiresOn: isoDateSchema,
  doses: z.number().int().positive().max(10_000_000),
  receivedOn: isoDateSchema,
  dosesPerVial: z.number().int().positive().max(50).optional(),
  provinceCode: provinceCodeSchema.optional(),
});
export type ReceiveLotBody = z.infer<typeof receiveLotBodySchema>;

/** The answer to a receipt (201). */
export const lotReceivedSchema = z.object({
  id: z.string(),
  lotNumber: z.string(),
  vaccineCode: z.string(),
  expiresOn: z.string(),
});
export type LotReceived = z.infer<typeof lotReceivedSchema>;

/** `POST /api/lots/{id}/allocations`: doses to a district or a facility. */
export const allocationBodySchema = z.object({
  doses: z.number().int().positive().max(10_000_000),
  toDistrictCode: districtCodeSchema.optional(),
  toFacilityId: z.string().min(1).max(40).optional(),
  movedOn: isoDateSchema.optional(),
});
export type AllocationBody = z.infer<typeof allocationBodySchema>;
