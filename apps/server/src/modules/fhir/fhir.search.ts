import { vietnamDay } from '@tiemchung/core';
import { AppError } from '../../lib/errors.js';

/**
 * The FHIR search parameters the API understands (docs/fhir.md: Search), read from the request's
 * own query string: FHIR repeats parameters (`date=ge…&date=le…`) and gives `identifier` as
 * `system|value`, which the route's schema only bounds in size.
 */

/** Entries of a searchset page: `_count`, 20 unless asked, 100 at most. */
export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;

/** Parameters every interaction takes: the format (JSON only) and pretty-printing (ignored). */
const ALWAYS = ['_format', '_pretty'] as const;
/** Parameters every search takes: paging. */
const PAGING = ['_count', '_offset'] as const;

/** The query string of a request as FHIR reads it: every value of every parameter, in order. */
export function queryOf(url: string): URLSearchParams {
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}

/** Whether the client asked the server to ignore the parameters it does not know (`Prefer: handling=lenient`). */
export function isLenient(prefer: string | string[] | undefined): boolean {
  const values = Array.isArray(prefer) ? prefer : prefer ? [prefer] : [];
  return values.some((v) => /(^|[;,\s])handling\s*=\s*lenient\b/i.test(v));
}

/**
 * The parameters of the query the interaction understands (`known`, plus `_format` and `_pretty`;
 * a search also `_count` and `_offset`). An unknown one (or one with a modifier, `name:exact`) is
 * 400 `fhir_parameter_unknown`, unless the client prefers lenient handling: then it is left out
 * (and out of the `self` link, which shows what was applied). `_format` must ask for JSON (406).
 */
export function acceptedParams(
  query: URLSearchParams,
  known: readonly string[],
  options: { search: boolean; lenient: boolean },
): URLSearchParams {
  const allowed = new Set<string>([...ALWAYS, ...(options.search ? PAGING : []), ...known]);
  const out = new URLSearchParams();
  for (const [name, value] of query) {
    if (!allowed.has(name)) {
      if (options.lenient) continue;
      throw new AppError('fhir_parameter_unknown', { field: name, params: { name } });
    }
    if (name === '_format' && !/^(json|application\/(fhir\+)?json)(\s*;.*)?$/i.test(value.trim()))
      throw new AppError('fhir_format_unsupported', { field: '_format' });
    out.append(name, value);
  }
  return out;
}

/** The one value of a parameter that may not repeat (400 when it does). */
export function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw invalid(name);
  return values[0];
}

export function invalid(name: string): AppError {
  return new AppError('fhir_parameter_invalid', { field: name, params: { name } });
}

export function required(name: string): AppError {
  return new AppError('fhir_parameter_required', { field: name, params: { name } });
}

/** The page asked for: `_count` 1–100 (default 20) entries from `_offset` (default 0). */
export function pagingOf(query: URLSearchParams): { count: number; offset: number } {
  const count = intParam(query, '_count', DEFAULT_COUNT, 0);
  const offset = intParam(query, '_offset', 0, 0);
  return { count: Math.min(count, MAX_COUNT), offset };
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number): number {
  const raw = single(query, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min) throw invalid(name);
  return Number(raw);
}

/** The values of a parameter separated by commas (FHIR's "or"): any of them. At most `max`. */
export function orValues(value: string, name: string, max = 20): string[] {
  const values = value.split(',').map((v) => v.trim());
  if (values.length > max || values.some((v) => v === '')) throw invalid(name);
  return values;
}

/** A token `system|value`: `system` undefined for a bare value (any system), null for `|value` (none). */
export interface Token {
  readonly system: string | null | undefined;
  readonly value: string;
}

export function parseToken(raw: string, name: string): Token {
  const bar = raw.indexOf('|');
  if (bar < 0) return { system: undefined, value: raw };
  const system = raw.slice(0, bar);
  const value = raw.slice(bar + 1);
  if (!value || value.includes('|')) throw invalid(name);
  return { system: system === '' ? null : system, value };
}

/**
 * `Patient/{id}`, `{id}` or `{base}/Patient/{id}`: the id a reference parameter names (`patient`).
 * Another resource type, or something that is no FHIR id, is 400.
 */
export function referencedId(raw: string, type: string, name: string): string {
  const m = new RegExp(`^(?:(?:https?://[^?#]*/)?${type}/)?([A-Za-z0-9.-]{1,64})$`).exec(raw.trim());
  if (!m) throw invalid(name);
  return m[1]!;
}

type DatePrefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb';

/** One `date` criterion: the prefix and the days its value covers (a year, a month or a day). */
export interface DateCriterion {
  readonly prefix: DatePrefix;
  readonly start: string;
  readonly end: string;
}

const DATE_RE = /^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$/;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A `date` value: a prefix (`eq` when none; `ap` is not supported) and a year, month, day or instant
 * (an instant is taken as its day in Vietnam, the day doses are recorded in).
 */
export function parseDate(raw: string, name: string): DateCriterion {
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb)?(.+)$/.exec(raw.trim());
  if (!m) throw invalid(name);
  const prefix = (m[1] ?? 'eq') as DatePrefix;
  let value = m[2]!;
  if (DATE_TIME_RE.test(value)) {
    const instant = new Date(value);
    if (Number.isNaN(instant.getTime())) throw invalid(name);
    value = vietnamDay(instant);
  }
  const d = DATE_RE.exec(value);
  if (!d) throw invalid(name);
  const [, year, month, day] = d;
  if (day) {
    const date = new Date(`${value}T00:00:00Z`);
    if (date.toISOString().slice(0, 10) !== value) throw invalid(name);
    return { prefix, start: value, end: value };
  }
  if (month) {
    const last = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
    return { prefix, start: `${year}-${month}-01`, end: `${year}-${month}-${String(last).padStart(2, '0')}` };
  }
  return { prefix, start: `${year}-01-01`, end: `${year}-12-31` };
}

/** Whether a day (`YYYY-MM-DD`) meets the criterion (the day is the whole range of the target). */
export function dateMatches(day: string, c: DateCriterion): boolean {
  switch (c.prefix) {
    case 'eq':
      return day >= c.start && day <= c.end;
    case 'ne':
      return day < c.start || day > c.end;
    case 'gt':
    case 'sa':
      return day > c.end;
    case 'lt':
    case 'eb':
      return day < c.start;
    case 'ge':
      return day >= c.start;
    case 'le':
      return day <= c.end;
  }
}
