import { AEFI_ERRORS } from './errors/aefi.js';
import { APPROVAL_ERRORS } from './errors/approvals.js';
import { AUDIT_ERRORS } from './errors/audit.js';
import { CERTIFICATE_ERRORS } from './errors/certificates.js';
import { COMMON_ERRORS } from './errors/common.js';
import { DOSE_ERRORS } from './errors/doses.js';
import type { ErrorEntry } from './errors/entry.js';
import { FACILITY_ERRORS } from './errors/facilities.js';
import { FHIR_ERRORS } from './errors/fhir.js';
import { HEALTH_BOOK_ERRORS } from './errors/health-book.js';
import { IMPORT_ERRORS } from './errors/imports.js';
import { PEOPLE_ERRORS } from './errors/people.js';
import { POPULATION_ERRORS } from './errors/population.js';
import { PORTAL_ERRORS } from './errors/portal.js';
import { REPORT_ERRORS } from './errors/reports.js';
import { DOSE_RULE_ERRORS, IDENTITY_GATE_ERRORS, IDENTITY_RULE_ERRORS } from './errors/rules.js';
import { SESSION_ERRORS } from './errors/sessions.js';
import { STATS_ERRORS } from './errors/stats.js';
import { STOCK_ERRORS } from './errors/stock.js';
import { TRUST_ERRORS } from './errors/trust.js';
import { UNIT_ERRORS } from './errors/units.js';
import { USER_ERRORS } from './errors/users.js';
import type { Lang, Localized } from './i18n.js';

export type { ErrorEntry } from './errors/entry.js';

/**
 * The catalogue's parts, one per feature (packages/core/src/errors/): each code is in exactly one
 * (a test checks no two parts share a code).
 */
export const ERROR_CATALOGUE_PARTS = {
  common: COMMON_ERRORS,
  users: USER_ERRORS,
  people: PEOPLE_ERRORS,
  portal: PORTAL_ERRORS,
  healthBook: HEALTH_BOOK_ERRORS,
  trust: TRUST_ERRORS,
  fhir: FHIR_ERRORS,
  sessions: SESSION_ERRORS,
  doses: DOSE_ERRORS,
  stock: STOCK_ERRORS,
  aefi: AEFI_ERRORS,
  reports: REPORT_ERRORS,
  certificates: CERTIFICATE_ERRORS,
  approvals: APPROVAL_ERRORS,
  facilities: FACILITY_ERRORS,
  units: UNIT_ERRORS,
  population: POPULATION_ERRORS,
  audit: AUDIT_ERRORS,
  stats: STATS_ERRORS,
  imports: IMPORT_ERRORS,
  identityRules: IDENTITY_RULE_ERRORS,
  doseRules: DOSE_RULE_ERRORS,
  identityGate: IDENTITY_GATE_ERRORS,
} as const;

/**
 * The error catalogue: every error the platform answers with has a stable snake_case code, an HTTP
 * status and a message in Vietnamese and English. The code raised is the code answered, with the
 * catalogue's status; its message is the catalogue's, its placeholders (`{lotNumber}`) filled by
 * the raise site — except a core rule's violation (identity, dose rules, the identity gate), which
 * is answered with the rule's own, more precise message. The web app uses the same codes to decide
 * what to show.
 */
export const ERROR_CATALOGUE = {
  ...COMMON_ERRORS,
  ...USER_ERRORS,
  ...PEOPLE_ERRORS,
  ...PORTAL_ERRORS,
  ...HEALTH_BOOK_ERRORS,
  ...TRUST_ERRORS,
  ...FHIR_ERRORS,
  ...SESSION_ERRORS,
  ...DOSE_ERRORS,
  ...STOCK_ERRORS,
  ...AEFI_ERRORS,
  ...REPORT_ERRORS,
  ...CERTIFICATE_ERRORS,
  ...APPROVAL_ERRORS,
  ...FACILITY_ERRORS,
  ...UNIT_ERRORS,
  ...POPULATION_ERRORS,
  ...AUDIT_ERRORS,
  ...STATS_ERRORS,
  ...IMPORT_ERRORS,
  ...IDENTITY_RULE_ERRORS,
  ...DOSE_RULE_ERRORS,
  ...IDENTITY_GATE_ERRORS,
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** A code a core rule answers with its own message: identity rules, dose rules, the identity gate. */
export type RuleCode = keyof typeof IDENTITY_RULE_ERRORS | keyof typeof DOSE_RULE_ERRORS | 'identity_not_verified';

/** Is `code` a core rule's code? */
export function isRuleCode(code: unknown): code is RuleCode {
  return (
    typeof code === 'string' &&
    (Object.hasOwn(IDENTITY_RULE_ERRORS, code) ||
      Object.hasOwn(DOSE_RULE_ERRORS, code) ||
      Object.hasOwn(IDENTITY_GATE_ERRORS, code))
  );
}

/** Is `code` a code of the catalogue? */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code);
}

/** The names in braces of a message template: `'Lô {lotNumber} còn {remaining}'` → `'lotNumber' | 'remaining'`. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;

/** A value filling a placeholder: the same in both languages, or one per language. */
export type ErrorParam = string | number | Localized;

/** The values a code's message needs, one per placeholder of its template (`{}` for none). */
export type ErrorParams<C extends ErrorCode> = {
  readonly [P in
    | Placeholders<(typeof ERROR_CATALOGUE)[C]['vi']>
    | Placeholders<(typeof ERROR_CATALOGUE)[C]['en']>]: ErrorParam;
};

/** The codes whose messages have no placeholder. */
export type PlainErrorCode = {
  [C in ErrorCode]: keyof ErrorParams<C> extends never ? C : never;
}[ErrorCode];

/** The placeholders named in a message template, in order of appearance. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z]\w*)\}/g)].map((m) => m[1]!);
}

/** The template with each `{name}` replaced by its value in `lang` (a placeholder without a value stays as it is). */
export function fillTemplate(template: string, lang: Lang, params: Readonly<Record<string, ErrorParam>> = {}): string {
  return template.replace(/\{([A-Za-z]\w*)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'object' ? value[lang] : String(value);
  });
}

/** The error body every endpoint answers with on failure (api-contract.md). */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** The catalogue message for `code` in `lang`, its placeholders filled from `params`. */
export function errorMessage<C extends ErrorCode>(
  code: C,
  lang: Lang,
  ...[params]: C extends PlainErrorCode ? [params?: ErrorParams<C>] : [params: ErrorParams<C>]
): string {
  return fillTemplate(ERROR_CATALOGUE[code][lang], lang, params as Record<string, ErrorParam> | undefined);
}
