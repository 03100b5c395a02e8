import { DCC_DOB_RE, ICAO_NAME_RE, isDateTime, isFullDate } from './formats.js';
import type { DccPayload, DccType, DccValidation } from './schema.js';

/**
 * The EU DCC 1.3.0 schema check (schema.ts's `dccPayloadSchema`) written out by hand, for the
 * verifier: the same rules without zod, which would otherwise be most of the verifier page's
 * download (and tries `new Function`, which the Content Security Policy forbids). dcc-check.test.ts
 * holds it to the zod schema on generated payloads and on the EU conformance vectors.
 */

/** The 1.3.0 schema's country pattern is unanchored: "[A-Z]{1,10}". */
const COUNTRY_RE = /[A-Z]{1,10}/;
const VERSION_RE = /^\d+.\d+.\d+$/;

type Rule = (value: unknown) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const text =
  (max?: number, test?: (s: string) => boolean, message = 'invalid format'): Rule =>
  (v) => {
    if (typeof v !== 'string') return `expected string, received ${describe(v)}`;
    if (max !== undefined && v.length > max) return `too long: at most ${max} characters`;
    if (test && !test(v)) return message;
    return null;
  };

const optional =
  (rule: Rule): Rule =>
  (v) =>
    v === undefined ? null : rule(v);

const posint: Rule = (v) =>
  typeof v !== 'number' || !Number.isFinite(v)
    ? `expected number, received ${describe(v)}`
    : !Number.isSafeInteger(v)
      ? 'expected an integer'
      : v < 1
        ? 'too small: at least 1'
        : null;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'number' && Number.isNaN(v) ? 'NaN' : typeof v;
}

const icaoName = text(80, (s) => ICAO_NAME_RE.test(s), 'expected ICAO 9303 characters A–Z and <');
const date = text(undefined, isFullDate, 'expected a date YYYY-MM-DD');
const country = text(undefined, (s) => COUNTRY_RE.test(s));
const id80 = text(80);
const anyText = text();

const NAME: Record<string, Rule> = {
  fn: optional(text(80)),
  fnt: icaoName,
  gn: optional(text(80)),
  gnt: optional(icaoName),
};
const VACCINATION: Record<string, Rule> = {
  tg: anyText,
  vp: anyText,
  mp: anyText,
  ma: anyText,
  dn: posint,
  sd: posint,
  dt: date,
  co: country,
  is: id80,
  ci: id80,
};
const TEST: Record<string, Rule> = {
  tg: anyText,
  tt: anyText,
  nm: optional(text(80)),
  ma: optional(anyText),
  sc: text(undefined, isDateTime, 'expected an RFC 3339 date-time'),
  tr: anyText,
  tc: id80,
  co: country,
  is: id80,
  ci: id80,
};
const RECOVERY: Record<string, Rule> = { tg: anyText, fr: date, co: country, is: id80, df: date, du: date, ci: id80 };

/** Checks `value` as an object with these fields (others allowed); issues read `path: message`. */
function checkObject(value: unknown, fields: Record<string, Rule>, path: string, issues: string[]): void {
  if (!isObject(value)) {
    issues.push(`${path || '(root)'}: expected object, received ${describe(value)}`);
    return;
  }
  for (const [key, rule] of Object.entries(fields)) {
    const problem = rule(value[key]);
    if (problem) issues.push(`${path ? `${path}.` : ''}${key}: ${problem}`);
  }
}

/** An optional group (`v`, `t`, `r`): exactly one entry, meeting `fields`. */
function checkGroup(value: unknown, fields: Record<string, Rule>, path: string, issues: string[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    issues.push(`${path}: expected array, received ${describe(value)}`);
    return;
  }
  if (value.length !== 1) issues.push(`${path}: expected exactly 1 entry, found ${value.length}`);
  value.forEach((entry, i) => {
    checkObject(entry, fields, `${path}.${i}`, issues);
  });
}

/** Checks a decoded payload against the EU DCC 1.3.0 schema; issues read `path: message`. */
export function validateDccPayload(value: unknown): DccValidation {
  const issues: string[] = [];
  if (!isObject(value)) return { ok: false, issues: [`(root): expected object, received ${describe(value)}`] };
  const problem = (key: string, rule: Rule) => {
    const p = rule(value[key]);
    if (p) issues.push(`${key}: ${p}`);
  };
  problem(
    'ver',
    text(undefined, (s) => VERSION_RE.test(s), 'expected a version like 1.3.0'),
  );
  checkObject(value.nam, NAME, 'nam', issues);
  problem(
    'dob',
    text(undefined, (s) => DCC_DOB_RE.test(s), 'expected YYYY[-MM[-DD]] in 1900–2099'),
  );
  const group = (key: DccType) => value[key];
  checkGroup(group('v'), VACCINATION, 'v', issues);
  checkGroup(group('t'), TEST, 't', issues);
  checkGroup(group('r'), RECOVERY, 'r', issues);
  if (issues.length > 0) return { ok: false, issues };
  const groups = (['v', 't', 'r'] as const).filter((g) => group(g) !== undefined);
  if (groups.length !== 1) {
    return {
      ok: false,
      issues: [`(root): a DCC holds exactly one of v, t, r (found ${groups.length ? groups.join(', ') : 'none'})`],
    };
  }
  return { ok: true, payload: value as DccPayload, type: groups[0]! };
}
