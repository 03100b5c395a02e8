import { parseIsoDate } from '../identity/dates.js';

/** The formats and patterns of the EU DCC 1.3.0 schema, shared by the zod schema and the hand-written check. */

/** True for a calendar date `YYYY-MM-DD` that exists (JSON Schema `format: date`). */
export function isFullDate(s: string): boolean {
  return parseIsoDate(s) !== null;
}

/** True for an RFC 3339 date-time with a time zone (JSON Schema `format: date-time`). */
export function isDateTime(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m || !isFullDate(m[1]!)) return false;
  return Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 61;
}

/** Date of birth: `YYYY-MM-DD`, `YYYY-MM`, `YYYY` (1900–2099) or empty when unknown. */
export const DCC_DOB_RE = /^((19|20)\d\d(-\d\d){0,2}){0,1}$/;
/** An ICAO 9303 transliterated name: `A`–`Z` and `<` only. */
export const ICAO_NAME_RE = /^[A-Z<]*$/;
