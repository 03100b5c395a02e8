/**
 * Why a row of an import file is rejected: a code of the error catalogue, the column at fault and a
 * message in both languages. The import's own reasons (`import_*`, errors/imports.ts) take their
 * text from the catalogue; a row refused by a core rule (a name, a phone, an ID number) keeps that
 * rule's code and its own, more precise message — the same words staff entry shows.
 */
import type { DoseRuleCode } from '../doses/codes.js';
import { ERROR_CATALOGUE, type ErrorCode, type ErrorParam, type ErrorParams, fillTemplate } from '../errors.js';
import type { Lang, Localized } from '../i18n.js';
import type { IdentityRuleCode } from '../identity/codes.js';
import { type ImportColumnKey, importColumn } from './columns.js';

/** The import's own row codes (the row section of errors/imports.ts). */
export const IMPORT_ROW_CODES = [
  'import_value_required',
  'import_date_invalid',
  'import_gender_invalid',
  'import_province_unknown',
  'import_unit_code_invalid',
  'import_dose_number_invalid',
  'import_dose_kind_invalid',
  'import_value_too_long',
  'import_number_as_scientific',
] as const;
export type ImportRowCode = (typeof IMPORT_ROW_CODES)[number];

/** The dose rules' codes a row can be rejected with on its own (the rest need the person's history and the lot). */
export type ImportDoseRuleCode = Extract<
  DoseRuleCode,
  'unknown_vaccine' | 'date_in_future' | 'date_before_approval' | 'date_before_birth'
>;

/** Every code a row can be rejected with. */
export type ImportRejectionCode =
  | ImportRowCode
  | IdentityRuleCode
  | ImportDoseRuleCode
  | 'date_of_birth_in_future'
  | 'date_of_birth_too_early';

/** One reason a row cannot be imported. */
export interface ImportRejection {
  readonly code: ImportRejectionCode;
  /** The column at fault. */
  readonly column: ImportColumnKey;
  readonly message: Localized;
}

/** The catalogue's message for `code` in both languages, its placeholders filled from `params`. */
export function catalogueMessage<C extends ErrorCode>(code: C, params: ErrorParams<C>): Localized {
  const p = params as Readonly<Record<string, ErrorParam>>;
  return {
    vi: fillTemplate(ERROR_CATALOGUE[code].vi, 'vi', p),
    en: fillTemplate(ERROR_CATALOGUE[code].en, 'en', p),
  };
}

/**
 * A row's reasons as one text for the rejected rows' file, one line per reason, each after its
 * column's name: "Ngày sinh: Chưa có ngày sinh." (`vi`: the template's header; `en`: the label).
 */
export function formatRejections(reasons: readonly ImportRejection[], lang: Lang = 'vi'): string {
  return reasons
    .map((r) => {
      const c = importColumn(r.column);
      return `${lang === 'vi' ? c.header : c.label}: ${r.message[lang]}`;
    })
    .join('\n');
}

/** Counts reasons by code: the summary's `rejectedByReason` (a row with two reasons of one code counts once for it). */
export function countByReason(
  rows: Iterable<readonly ImportRejection[]>,
  into: Record<string, number> = {},
): Record<string, number> {
  for (const reasons of rows) {
    for (const code of new Set(reasons.map((r) => r.code))) into[code] = (into[code] ?? 0) + 1;
  }
  return into;
}
