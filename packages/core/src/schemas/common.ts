import { z } from 'zod';
import { isCountryCode } from '../countries.js';
import { schemaMessage } from './messages.js';

/**
 * Year 0 in ISO form: no such year (1 BC is followed by AD 1), and PostgreSQL refuses it
 * ("date/time field value out of range") — a query given one failed with 500.
 */
const YEAR_ZERO = /^0000-/;

/** A calendar date `YYYY-MM-DD` that exists (no 2021-02-30, no year 0). */
export const isoDateSchema = z.string().refine((s) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || YEAR_ZERO.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}, schemaMessage('isoDate'));

export const genderSchema = z.enum(['male', 'female']);
export type Gender = z.infer<typeof genderSchema>;

/** The body of every error response (api-contract.md). */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
  }),
});

/** A list response: `{ items: [...] }`. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}

/** `{ id }` in the path: a person, report, session, visit, lot, registration… */
export const idParamsSchema = z.object({ id: z.string().min(1).max(64) });

/** Official codes of administrative units: province (2 digits), district (3), commune (5). */
export const provinceCodeSchema = z.string().regex(/^\d{2}$/);
export const districtCodeSchema = z.string().regex(/^\d{3}$/);
export const communeCodeSchema = z.string().regex(/^\d{5}$/);
/** Any unit's code: a province, district or commune. */
export const unitCodeSchema = z.string().regex(/^\d{2,5}$/);

/**
 * A person's nationality: an assigned ISO 3166-1 alpha-2 code in capitals (`VN`, `FR`, `GB`), one
 * of core's {@link isCountryCode} list — not a reserved or unassigned one (`XX`, `UK`), nor `vn`.
 */
export const nationalitySchema = z
  .string()
  .regex(/^[A-Z]{2}$/, { ...schemaMessage('nationality'), abort: true })
  .refine(isCountryCode, schemaMessage('nationality'));

/**
 * The instants the database takes as the server sends them (in UTC): from the first moment of year
 * 1 to the last of year 9999. An offset moves an instant across a year's edge — `0001-01-01T00:00
 * +14:00` is in year 0 in UTC, `9999-12-31T23:59-12:00` in year 10000 — and such an instant failed
 * the query (500; the fuzz suite found it).
 */
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/** An instant with its offset, ISO 8601 (`2021-11-08T09:30:00.000Z`), in years 1 to 9999 in UTC. */
export const isoDateTimeSchema = z.iso.datetime({ offset: true }).refine((s) => {
  const at = Date.parse(s);
  return at >= FIRST_INSTANT && at <= LAST_INSTANT;
}, schemaMessage('isoDateTime'));

/** The layouts of a certificate PDF: an A4 page or a wallet card. */
export const PDF_LAYOUTS = ['a4', 'card'] as const;
export const pdfLayoutQuerySchema = z.object({ layout: z.enum(PDF_LAYOUTS).default('a4') });
