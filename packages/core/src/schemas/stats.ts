import { z } from 'zod';
import { DOSE_KINDS } from '../doses/rules.js';
import { PRIORITY_GROUPS } from '../registrations.js';
import { AGE_BANDS, COVERAGE_STATUSES, STATS_LEVELS, STATS_PRIORITY_UNKNOWN, UNIT_SCHEMES } from '../stats.js';
import { genderSchema, isoDateSchema } from './common.js';
import { schemaMessage } from './messages.js';

/**
 * Statistics (api-contract.md, Statistics; issue 15). Every figure comes from aggregates the
 * platform keeps as records change (no request counts the records); `asOf` and `lagSeconds` say
 * how current they are.
 */

/** How current the aggregates are: changes not yet counted and how long the oldest has waited. */
export const statsFreshnessSchema = z.object({
  /** When the figures were read (ISO). */
  asOf: z.string(),
  /** Seconds the oldest change not yet counted has waited (0: everything is counted). */
  lagSeconds: z.number(),
  /** People and reports whose changes are not yet counted (capped at 100 000). */
  pending: z.number(),
});
export type StatsFreshness = z.infer<typeof statsFreshnessSchema>;

/** `GET /api/stats/summary`: people and doses in the caller's units, by dose number and vaccine. */
export const statsSummarySchema = z
  .object({
    people: z.number(),
    doses: z.number(),
    byDoseNumber: z.record(z.string(), z.number()),
    byVaccine: z.record(z.string(), z.number()),
  })
  .extend(statsFreshnessSchema.partial().shape);
export type StatsSummary = z.infer<typeof statsSummarySchema>;

export const statsLevelSchema = z.enum(STATS_LEVELS);
export const unitSchemeSchema = z.enum(UNIT_SCHEMES);
export const ageBandSchema = z.enum(AGE_BANDS);
export const doseKindSchema = z.enum(DOSE_KINDS);

/** Which unit's figures: the nation (no code), a unit of a level by its code, or a facility by id. */
export const statsUnitQuerySchema = z.object({
  /** The unit scheme of the drill-down and of the names (default 2021). */
  scheme: unitSchemeSchema.default('2021'),
  /** The unit's level; `nation` (the default) takes no code. Absent: the caller's own unit. */
  level: statsLevelSchema.optional(),
  /** The unit's code (a province, district or commune code) or the facility's id. */
  code: z.string().trim().min(1).max(40).optional(),
});

/** The file a breakdown is answered as: JSON (default), or the same table as CSV or XLSX. */
export const statsFormatSchema = z.enum(['json', 'csv', 'xlsx']).default('json');

/** A dose filter shared by the breakdowns (each breakdown says which filters it takes). */
export const statsDoseFilterSchema = z.object({
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
  vaccine: z.string().trim().min(1).max(40).optional(),
  doseNumber: z.coerce.number().int().min(1).max(9).optional(),
  doseKind: doseKindSchema.optional(),
  sex: genderSchema.optional(),
  ageBand: ageBandSchema.optional(),
});

/** A unit as a figure names it, with the path from the nation (breadcrumbs of a drill-down). */
export const statsUnitSchema = z.object({
  level: statsLevelSchema,
  /** Empty for the nation. */
  code: z.string(),
  name: z.string(),
});
export type StatsUnit = z.infer<typeof statsUnitSchema>;

export const statsUnitRefSchema = statsUnitSchema.extend({
  scheme: unitSchemeSchema,
  /** From the nation down to the unit's parent. */
  path: z.array(statsUnitSchema),
});
export type StatsUnitRef = z.infer<typeof statsUnitRefSchema>;

const countsByStatus = z.object(
  Object.fromEntries(COVERAGE_STATUSES.map((s) => [s, z.number()])) as Record<
    (typeof COVERAGE_STATUSES)[number],
    z.ZodNumber
  >,
);

/** People by status and the coverage they make of a population (null: no population imported). */
export const coverageFiguresSchema = z.object({
  people: z.number(),
  byStatus: countsByStatus,
  population: z.number().nullable(),
  /** At least one dose, primary series complete, booster — each as a % of the population. */
  atLeastOnePercent: z.number().nullable(),
  completePercent: z.number().nullable(),
  boosterPercent: z.number().nullable(),
});
export type CoverageFigures = z.infer<typeof coverageFiguresSchema>;

/** Report handling: received, resolved (within the 48 h), open, overdue, median hours to resolve. */
export const reportFiguresSchema = z.object({
  received: z.number(),
  resolved: z.number(),
  resolvedOnTime: z.number(),
  open: z.number(),
  overdue: z.number(),
  /** Share of the resolved reports resolved within the deadline, %; null when none is resolved. */
  onTimePercent: z.number().nullable(),
  /** Hours from receipt to resolution, median (to the hour); null when none is resolved. */
  medianHoursToResolve: z.number().nullable(),
});
export type ReportFigures = z.infer<typeof reportFiguresSchema>;

/** Where the population figures come from. */
export const populationSourceSchema = z.object({
  id: z.string(),
  source: z.string(),
  year: z.number(),
  rows: z.number(),
  importedAt: z.string(),
  importedBy: z.string().nullable(),
});
export type PopulationSource = z.infer<typeof populationSourceSchema>;

/** `GET /api/stats/overview`: a unit's KPI tiles. */
export const statsOverviewSchema = statsFreshnessSchema.extend({
  unit: statsUnitRefSchema,
  doses: z.object({
    total: z.number(),
    byDoseNumber: z.record(z.string(), z.number()),
    byDoseKind: z.record(z.string(), z.number()),
    byVaccine: z.record(z.string(), z.number()),
    bySex: z.record(z.string(), z.number()),
    byAgeBand: z.record(z.string(), z.number()),
    /** Doses on the latest day with any (the tile "doses yesterday/today"). */
    lastDay: z.object({ date: z.string().nullable(), doses: z.number() }),
  }),
  coverage: coverageFiguresSchema,
  reports: reportFiguresSchema,
  populationSource: populationSourceSchema.nullable(),
});
export type StatsOverview = z.infer<typeof statsOverviewSchema>;

/** `GET /api/stats/units`: the unit's children (the next level down, facilities last), with doses and coverage. */
export const statsUnitsQuerySchema = statsUnitQuerySchema.extend({
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
  doseNumber: z.coerce.number().int().min(1).max(9).optional(),
  format: statsFormatSchema,
});
export const statsUnitRowSchema = statsUnitSchema.extend({
  /** Whether the row drills down further (a facility does not). */
  hasChildren: z.boolean(),
  doses: z.number(),
  byDoseNumber: z.record(z.string(), z.number()),
  /** Null for a facility (people are counted where they live, not where they were vaccinated). */
  coverage: coverageFiguresSchema.nullable(),
});
export type StatsUnitRow = z.infer<typeof statsUnitRowSchema>;
export const statsUnitsSchema = statsFreshnessSchema.extend({
  unit: statsUnitRefSchema,
  rows: z.array(statsUnitRowSchema),
});
export type StatsUnits = z.infer<typeof statsUnitsSchema>;

/** The dimensions of `GET /api/stats/doses`. */
export const DOSE_BREAKDOWNS = ['day', 'week', 'vaccine', 'doseNumber', 'doseKind', 'ageBand', 'sex'] as const;
export type DoseBreakdown = (typeof DOSE_BREAKDOWNS)[number];

/**
 * `GET /api/stats/doses?by=…`: doses in a unit by one dimension. By day or week: filtered by dates
 * and dose number; by the others: filtered by vaccine, dose number and kind, sex and age band (the
 * figures they come from have no day: `from`/`to` there is a 400).
 */
export const statsDosesQuerySchema = statsUnitQuerySchema.extend(statsDoseFilterSchema.shape).extend({
  by: z.enum(DOSE_BREAKDOWNS),
  format: statsFormatSchema,
});
export const statsDoseRowSchema = z.object({
  /** The dimension's value: a date, a week's Monday, a vaccine code, a dose number… */
  key: z.string(),
  label: z.string(),
  doses: z.number(),
  /** By day or week: the doses by dose number. */
  byDoseNumber: z.record(z.string(), z.number()).optional(),
});
export type StatsDoseRow = z.infer<typeof statsDoseRowSchema>;
export const statsDosesSchema = statsFreshnessSchema.extend({
  unit: statsUnitRefSchema,
  by: z.enum(DOSE_BREAKDOWNS),
  rows: z.array(statsDoseRowSchema),
});
export type StatsDoses = z.infer<typeof statsDosesSchema>;

/** The dimensions of `GET /api/stats/coverage`. */
export const COVERAGE_BREAKDOWNS = ['unit', 'ageBand', 'sex', 'priorityGroup'] as const;
export type CoverageBreakdown = (typeof COVERAGE_BREAKDOWNS)[number];
export const statsPriorityGroupSchema = z.enum([...PRIORITY_GROUPS, STATS_PRIORITY_UNKNOWN]);

/** `GET /api/stats/coverage?by=…`: people by status against the population, by one dimension. */
export const statsCoverageQuerySchema = statsUnitQuerySchema.extend({
  by: z.enum(COVERAGE_BREAKDOWNS),
  format: statsFormatSchema,
});
export const statsCoverageRowSchema = coverageFiguresSchema.extend({ key: z.string(), label: z.string() });
export type StatsCoverageRow = z.infer<typeof statsCoverageRowSchema>;
export const statsCoverageSchema = statsFreshnessSchema.extend({
  unit: statsUnitRefSchema,
  by: z.enum(COVERAGE_BREAKDOWNS),
  rows: z.array(statsCoverageRowSchema),
  total: coverageFiguresSchema,
  populationSource: populationSourceSchema.nullable(),
});
export type StatsCoverage = z.infer<typeof statsCoverageSchema>;

/** `GET /api/stats/reports`: report handling in the unit and in each child unit (received in the dates). */
export const statsReportsQuerySchema = statsUnitQuerySchema.extend({
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
  format: statsFormatSchema,
});
export const statsReportRowSchema = reportFiguresSchema.extend(statsUnitSchema.shape);
export type StatsReportRow = z.infer<typeof statsReportRowSchema>;
export const statsReportsSchema = statsFreshnessSchema.extend({
  unit: statsUnitRefSchema,
  total: reportFiguresSchema,
  rows: z.array(statsReportRowSchema),
});
export type StatsReports = z.infer<typeof statsReportsSchema>;

/**
 * `GET /api/stats/unrecorded`: possible unrecorded doses per facility — the doses the vials a
 * session opened hold (vials × doses per vial) against the doses recorded in it. A gap is not
 * proof (vials are wasted), it is where to look.
 */
export const statsUnrecordedQuerySchema = statsUnitQuerySchema.extend({
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
  format: statsFormatSchema,
});
export const statsUnrecordedRowSchema = statsUnitSchema.extend({
  sessions: z.number(),
  vialsOpened: z.number(),
  dosesInVials: z.number(),
  dosesRecorded: z.number(),
  /** dosesInVials − dosesRecorded (≥ 0: doses the vials held that no record accounts for). */
  gap: z.number(),
});
export type StatsUnrecordedRow = z.infer<typeof statsUnrecordedRowSchema>;
export const statsUnrecordedSchema = z.object({
  unit: statsUnitRefSchema,
  rows: z.array(statsUnrecordedRowSchema),
});
export type StatsUnrecorded = z.infer<typeof statsUnrecordedSchema>;

/** `GET /api/stats/daily-report.xlsx?date=`: the ministry's daily report, one row per province. */
export const statsDailyReportQuerySchema = z.object({
  date: isoDateSchema,
  scheme: unitSchemeSchema.default('2021'),
});

/** `POST /api/stats/population` (multipart: `file` CSV or XLSX, `source`, `year`): the denominators. */
export const populationImportFieldsSchema = z.object({
  source: z.string().trim().min(3).max(200),
  year: z.coerce.number().int().min(1990).max(2100),
});
export const populationImportResultSchema = populationSourceSchema;
export const populationSourcesSchema = z.object({ items: z.array(populationSourceSchema) });

/** `GET /api/public/stats`: national and provincial figures for everyone (no personal data, small cells suppressed). */
export const publicStatsProvinceSchema = z.object({
  code: z.string(),
  name: z.string(),
  /** Null where suppressed (fewer than PUBLIC_MIN_CELL). */
  doses: z.number().nullable(),
  atLeastOne: z.number().nullable(),
  complete: z.number().nullable(),
  booster: z.number().nullable(),
  population: z.number().nullable(),
  atLeastOnePercent: z.number().nullable(),
  completePercent: z.number().nullable(),
  boosterPercent: z.number().nullable(),
});
export type PublicStatsProvince = z.infer<typeof publicStatsProvinceSchema>;
export const publicStatsDaySchema = z.object({
  date: z.string(),
  doses: z.number().nullable(),
  firstDoses: z.number().nullable(),
  secondDoses: z.number().nullable(),
  laterDoses: z.number().nullable(),
});
export type PublicStatsDay = z.infer<typeof publicStatsDaySchema>;
export const publicStatsQuerySchema = z.object({
  scheme: unitSchemeSchema.default('2021'),
  /** A province's daily series instead of the nation's. */
  province: z
    .string()
    .trim()
    .regex(/^\d{2}$/)
    .optional(),
});
export const publicStatsSchema = z.object({
  asOf: z.string(),
  scheme: unitSchemeSchema,
  nation: publicStatsProvinceSchema,
  provinces: z.array(publicStatsProvinceSchema),
  daily: z.array(publicStatsDaySchema),
  populationSource: z.object({ source: z.string(), year: z.number() }).nullable(),
  /** Counts below this are published as null. */
  minCell: z.number(),
});
export type PublicStats = z.infer<typeof publicStatsSchema>;

/**
 * Open data (`GET /api/public/stats/provinces.csv|json`, `daily.csv|json`; docs/open-data.md): the
 * public page's figures as files. The column names are a published contract: never renamed or
 * reordered (new columns may only be added at the end). The nation is the row `VN`.
 */
export const PUBLIC_PROVINCE_COLUMNS = [
  'province_code',
  'province_name',
  'population',
  'doses',
  'people_at_least_one_dose',
  'people_complete',
  'people_booster',
  'coverage_at_least_one_pct',
  'coverage_complete_pct',
  'coverage_booster_pct',
] as const;
export const PUBLIC_DAILY_COLUMNS = [
  'date',
  'province_code',
  'province_name',
  'doses',
  'first_doses',
  'second_doses',
  'later_doses',
] as const;
/** The code of the nation's row in the open data (ISO 3166 country code: never a province code). */
export const PUBLIC_NATION_CODE = 'VN';
/** `daily.csv|json`: the scheme, and the province whose days (none: the nation's). */
export const publicOpenDataQuerySchema = publicStatsQuerySchema;
/**
 * `provinces.csv|json`: the scheme. The file is the nation and every province of the scheme
 * (docs/open-data.md): `province` is refused, not ignored (it answered the whole file); other
 * parameters are ignored, as on the daily files (a client's cache-buster).
 */
export const publicProvincesFileQuerySchema = z.object({
  scheme: unitSchemeSchema.default('2021'),
  province: z.undefined(schemaMessage('provincesFileWhole')).optional(),
});
const publicOpenDataMeta = {
  scheme: unitSchemeSchema,
  as_of: z.string(),
  min_cell: z.number(),
  population_source: z.string().nullable(),
  population_year: z.number().nullable(),
};
export const publicProvinceRowSchema = z.object({
  province_code: z.string(),
  province_name: z.string(),
  population: z.number().nullable(),
  doses: z.number().nullable(),
  people_at_least_one_dose: z.number().nullable(),
  people_complete: z.number().nullable(),
  people_booster: z.number().nullable(),
  coverage_at_least_one_pct: z.number().nullable(),
  coverage_complete_pct: z.number().nullable(),
  coverage_booster_pct: z.number().nullable(),
});
export const publicDailyRowSchema = z.object({
  date: z.string(),
  province_code: z.string(),
  province_name: z.string(),
  doses: z.number().nullable(),
  first_doses: z.number().nullable(),
  second_doses: z.number().nullable(),
  later_doses: z.number().nullable(),
});
export const publicProvincesFileSchema = z.object({ ...publicOpenDataMeta, rows: z.array(publicProvinceRowSchema) });
export type PublicProvincesFile = z.infer<typeof publicProvincesFileSchema>;
export const publicDailyFileSchema = z.object({ ...publicOpenDataMeta, rows: z.array(publicDailyRowSchema) });
export type PublicDailyFile = z.infer<typeof publicDailyFileSchema>;
