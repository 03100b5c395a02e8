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
  /** The lot's id, expiry and doses per vial (added; older clients ignore them). */
  lotId: z.string().optional(),
  expiresOn: z.string().optional(),
  dosesPerVial: z.number().optional(),
  vaccineCode: z.string(),
  /** Doses taken from stock: vials opened × doses per vial, as the sessions' closing counts say. */
  dosesUsed: z.number(),
  /** Doses recorded with this lot (duplicates found by a merge left out). */
  dosesRecorded: z.number(),
  /** The gap: doses that may have been given without being recorded. */
  possibleUnrecorded: z.number(),
});
export type LotReconciliation = z.infer<typeof lotReconciliationSchema>;

/**
 * `GET /api/stock`: the stock of a unit and of every holder below it — a province's own, its
 * districts' and its facilities'; a district's own and its facilities'; for the nation, each
 * province's. `unitCode`: a province or district within the caller's units (default: the caller's own).
 */
export const unitStockQuerySchema = z.object({
  unitCode: z
    .string()
    .regex(/^(\d{2}|\d{3})$/)
    .optional(),
  vaccineCode: z.string().max(40).optional(),
});
export type UnitStockQuery = z.input<typeof unitStockQuerySchema>;

/** Who holds stock: a province, a district or a facility. */
export const STOCK_HOLDER_LEVELS = ['province', 'district', 'facility'] as const;
export type StockHolderLevel = (typeof STOCK_HOLDER_LEVELS)[number];

/** One holder and the lots it holds (or held: a lot passed on entirely is listed with 0 left). */
export const stockHolderSchema = z.object({
  /** `P:87`, `D:866`, `F:DT-CL-01`. */
  holder: z.string(),
  level: z.enum(STOCK_HOLDER_LEVELS),
  /** The province or district code, or the facility's id. */
  code: z.string(),
  name: z.string(),
  /** The district of a district or facility (null for a province, or a facility outside any). */
  districtCode: z.string().nullable(),
  lots: z.array(stockLotSchema),
  dosesRemaining: z.number(),
  /** Lots with doses left that expire within the warning window, and that have expired. */
  lotsExpiringSoon: z.number(),
  lotsExpired: z.number(),
});
export type StockHolder = z.infer<typeof stockHolderSchema>;

/** The answer of `GET /api/stock`: the unit shown, and its holders (the unit itself first). */
export const unitStockSchema = z.object({
  unit: z.object({
    level: z.enum(['nation', 'province', 'district']),
    code: z.string().nullable(),
    name: z.string(),
  }),
  /** Days before expiry from which a lot is flagged (`expiresSoon`). */
  expiryWarningDays: z.number(),
  items: z.array(stockHolderSchema),
});
export type UnitStock = z.infer<typeof unitStockSchema>;
