import { z } from 'zod';
import { UNIT_SCHEMES } from '../stats.js';
import { districtCodeSchema, provinceCodeSchema, unitCodeSchema } from './common.js';
import { schemaMessage } from './messages.js';

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

// ---- Facility administration (Quản trị hệ thống → Cơ sở tiêm) ----

/** What a vaccination facility is: a commune health station, a district centre, a hospital… */
export const FACILITY_KINDS = [
  'health_station',
  'district_health_centre',
  'hospital',
  'vaccination_site',
  'mobile_team',
  'private_clinic',
] as const;
export type FacilityKind = (typeof FACILITY_KINDS)[number];

/** The unit a facility sits under: a district (3 digits) or a commune (5 digits) of the 2021 list. */
export const facilityUnitCodeSchema = z.string().regex(/^(\d{3}|\d{5})$/, 'expected a district or commune code');

/** A facility as its administrators see it: active or deactivated, and when. */
export const managedFacilitySchema = facilitySchema.extend({
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deactivatedAt: z.string().nullable(),
  deactivationReason: z.string().nullable(),
  /** The names of its district and commune (2021 list), when they are known. */
  districtName: z.string().nullable(),
  communeName: z.string().nullable(),
});
export type ManagedFacility = z.infer<typeof managedFacilitySchema>;

export const FACILITY_STATUS_FILTERS = ['all', 'active', 'inactive'] as const;

/** `GET /api/facilities/managed`: the caller's facilities, active and deactivated. */
export const managedFacilitiesQuerySchema = z.object({
  /** Part of the name or address, diacritics optional. */
  q: z.string().trim().max(100).optional(),
  provinceCode: provinceCodeSchema.optional(),
  districtCode: districtCodeSchema.optional(),
  status: z.enum(FACILITY_STATUS_FILTERS).default('all'),
});
export type ManagedFacilitiesQuery = z.input<typeof managedFacilitiesQuerySchema>;

const facilityName = z.string().trim().min(3).max(200);
const facilityAddress = z.string().trim().max(300);

/** `POST /api/facilities`: a new facility under a district or commune of the caller's units. */
export const createFacilityBodySchema = z.object({
  name: facilityName,
  kind: z.enum(FACILITY_KINDS),
  unitCode: facilityUnitCodeSchema,
  address: facilityAddress.optional(),
});
export type CreateFacilityBody = z.input<typeof createFacilityBodySchema>;

/** `PATCH /api/facilities/{id}`: what changes (a new unit must be the caller's too). */
export const updateFacilityBodySchema = z
  .object({
    name: facilityName.optional(),
    kind: z.enum(FACILITY_KINDS).optional(),
    unitCode: facilityUnitCodeSchema.optional(),
    address: facilityAddress.nullable().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), schemaMessage('nothingToChange'));
export type UpdateFacilityBody = z.input<typeof updateFacilityBodySchema>;

/** `POST /api/facilities/{id}/deactivate` and `/reactivate`: why (kept in the audit log). */
export const facilityStatusBodySchema = z.object({ reason: z.string().trim().min(3).max(500) });
export type FacilityStatusBody = z.input<typeof facilityStatusBodySchema>;

// ---- Administrative units: search, old → new mapping, imports ----

/** `GET /api/units/search`: by name (diacritics optional) or by code. */
export const unitSearchQuerySchema = z.object({
  q: z.string().trim().min(1).max(100),
  scheme: z.enum(UNIT_SCHEMES).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type UnitSearchQuery = z.input<typeof unitSearchQuerySchema>;

/** A unit found by a search, with the names of the units above it. */
export const unitSearchHitSchema = unitSchema.extend({
  parentName: z.string().nullable(),
  provinceName: z.string(),
});
export type UnitSearchHit = z.infer<typeof unitSearchHitSchema>;

/** One pair of the official old (2021) → new (2025) mapping. */
export const unitMappingPairSchema = z.object({
  level: z.enum(['province', 'commune']),
  oldCode: z.string(),
  oldName: z.string(),
  newCode: z.string(),
  newName: z.string(),
});
export type UnitMappingPair = z.infer<typeof unitMappingPairSchema>;

/**
 * `GET /api/units/{code}/mapping`: for a 2021 unit, the 2025 units it became part of (a district:
 * those of its communes); for a 2025 unit, the 2021 units it was made of.
 */
export const unitMappingSchema = z.object({
  unit: unitSchema,
  direction: z.enum(['old-to-new', 'new-to-old']),
  pairs: z.array(unitMappingPairSchema),
});
export type UnitMapping = z.infer<typeof unitMappingSchema>;

/** `GET /api/units/summary`: how many units of each list and level, and mapping pairs, are loaded. */
export const unitsSummarySchema = z.object({
  counts: z.array(z.object({ scheme: z.enum(UNIT_SCHEMES), level: z.enum(UNIT_LEVELS), count: z.number().int() })),
  mappingPairs: z.number().int(),
});
export type UnitsSummary = z.infer<typeof unitsSummarySchema>;

/** The official list files an import takes at most at once, and the size of one. */
export const UNIT_IMPORT_MAX_FILES = 3;
export const UNIT_IMPORT_MAX_CHARS = 8_000_000;

/**
 * `POST /api/units/imports`: the official list files (the JSON the `import units` command takes),
 * each as its text; imported in the order given, one transaction per list.
 */
export const unitImportBodySchema = z.object({
  files: z
    .array(z.object({ name: z.string().trim().min(1).max(200), content: z.string().min(2).max(UNIT_IMPORT_MAX_CHARS) }))
    .min(1)
    .max(UNIT_IMPORT_MAX_FILES),
});
export type UnitImportBody = z.input<typeof unitImportBodySchema>;

export const UNIT_LIST_KINDS = ['units-2021', 'units-2025', 'mapping-2025'] as const;
export const UNIT_IMPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type UnitImportStatus = (typeof UNIT_IMPORT_STATUSES)[number];

/** An import job: its progress while it runs, its result when it ends (`GET /api/units/imports/{id}`). */
export const unitImportJobSchema = z.object({
  id: z.string(),
  status: z.enum(UNIT_IMPORT_STATUSES),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** Rows written so far of all the files' rows; `percent` 100 once every list is in. */
  progress: z.object({ done: z.number().int(), total: z.number().int(), percent: z.number().int() }),
  files: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(UNIT_LIST_KINDS),
      status: z.enum(['waiting', 'running', 'done', 'failed', 'skipped']),
      rows: z.number().int().nullable(),
    }),
  ),
  /** Why the job failed (the lists imported before the failing one stay, whole). */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type UnitImportJob = z.infer<typeof unitImportJobSchema>;
