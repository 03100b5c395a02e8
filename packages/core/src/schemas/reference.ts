import { z } from 'zod';
import { districtCodeSchema, provinceCodeSchema, unitCodeSchema } from './common.js';

export const facilitySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  provinceCode: z.string(),
  districtCode: z.string().nullable(),
  communeCode: z.string().nullable(),
  address: z.string().nullable(),
});
export type Facility = z.infer<typeof facilitySchema>;

export const vaccineSchema = z.object({
  code: z.string(),
  name: z.string(),
  localName: z.string(),
  manufacturer: z.string(),
  ma: z.string(),
  vp: z.string(),
  platform: z.string(),
  approvedOn: z.string(),
  primaryDoses: z.number().int(),
  minIntervalDays: z.number().int().nullable(),
  recommendedIntervalDays: z.number().int().nullable(),
  dosesPerVial: z.number().int(),
});
/** A vaccine of the catalogue as `GET /api/vaccines` answers it. */
export type CatalogueVaccine = z.infer<typeof vaccineSchema>;

/** The two lists of administrative units: before (2021) and after the 2025 reorganisation. */
export const UNIT_SCHEMES = ['2021', '2025'] as const;
export const UNIT_LEVELS = ['province', 'district', 'commune'] as const;

export const unitSchema = z.object({
  code: z.string(),
  scheme: z.enum(UNIT_SCHEMES),
  level: z.number().int(),
  name: z.string(),
  type: z.string(),
  parentCode: z.string().nullable(),
  provinceCode: z.string(),
});
export type AdminUnit = z.infer<typeof unitSchema>;

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  database: z.enum(['pglite', 'postgres']),
});

/** `GET /api/units`: by level or parent, in one of the two lists. */
export const unitsQuerySchema = z.object({
  scheme: z.enum(UNIT_SCHEMES).default('2021'),
  level: z.enum(UNIT_LEVELS).optional(),
  parentCode: unitCodeSchema.optional(),
});
export type UnitsQuery = z.input<typeof unitsQuerySchema>;

/** `GET /api/units/{code}`. */
export const unitCodeParamsSchema = z.object({ code: unitCodeSchema });
export const unitSchemeQuerySchema = z.object({ scheme: z.enum(UNIT_SCHEMES).default('2021') });

/** `GET /api/facilities`: by province or district. */
export const facilitiesQuerySchema = z.object({
  provinceCode: provinceCodeSchema.optional(),
  districtCode: districtCodeSchema.optional(),
});
export type FacilitiesQuery = z.input<typeof facilitiesQuerySchema>;
