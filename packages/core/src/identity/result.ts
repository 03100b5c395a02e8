import type { Localized } from '../i18n.js';
import type { IdentityRuleCode } from './codes.js';

/**
 * The common shape of every identity rule's answer: either the cleaned value (plus optional
 * flags worth recording, e.g. `foreign_birth_registration`) or one violation that says, in both
 * languages, which part of the input is wrong.
 */

/** One broken rule: a stable snake_case `code` (listed in IDENTITY_RULE_CODES), the input `field` it concerns and a bilingual message. */
export interface RuleViolation {
  code: IdentityRuleCode;
  field: string;
  message: Localized;
}

/** Either the accepted (normalised) value with optional flags, or the first violation found. */
export type RuleResult<T> = { ok: true; value: T; flags?: string[] } | { ok: false; error: RuleViolation };

/** A successful result; `flags` is only set when there is at least one flag. */
export function ok<T>(value: T, flags?: readonly string[]): RuleResult<T> {
  return flags && flags.length > 0 ? { ok: true, value, flags: [...flags] } : { ok: true, value };
}

/** A failed result for `field` with a stable `code` and the message in Vietnamese and English. */
export function fail<T = never>(code: IdentityRuleCode, field: string, vi: string, en: string): RuleResult<T> {
  return { ok: false, error: { code, field, message: { vi, en } } };
}
