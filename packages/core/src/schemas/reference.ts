import { z } from 'zod';

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

export const unitSchema = z.object({
  code: z.string(),
  scheme: z.enum(['2021', '2025']),
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
