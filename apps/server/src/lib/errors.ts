import { ERROR_CATALOGUE, type ErrorBody, type ErrorCode, type Lang, type Localized } from '@tiemchung/core';

/**
 * A failure the caller should see: a catalogue code (status and default messages), optionally a
 * more precise bilingual message, the offending field, and extra body properties (e.g. the
 * `existingId` of a duplicate person). The code answered is always in core's catalogue, except a
 * core rule's own violation code (`ruleCode`: ID numbers, dose rules…), which carries its rule's
 * messages.
 */
export class AppError extends Error {
  readonly code: ErrorCode | (string & {});
  readonly status: number;
  readonly field: string | undefined;
  readonly localized: Localized | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly violations: readonly RuleViolation[] | undefined;

  constructor(
    code: ErrorCode,
    options: {
      field?: string;
      message?: Localized;
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
      /**
       * A more specific catalogue code answered instead of `code` (e.g. `report_resolved` for a
       * `conflict`): its status and messages are the defaults.
       */
      publicCode?: ErrorCode;
      /** A core rule's violation code (e.g. `id_number_sex_mismatch`), answered with the rule's message. */
      ruleCode?: string;
      status?: number;
      /** Every broken rule (a dose's 422), each answered in the caller's language beside `error`. */
      violations?: readonly RuleViolation[];
    } = {},
  ) {
    const entry = ERROR_CATALOGUE[options.publicCode ?? code];
    super(options.message?.en ?? entry.en);
    this.name = 'AppError';
    this.code = options.ruleCode ?? options.publicCode ?? code;
    this.status = options.status ?? entry.status;
    this.field = options.field;
    this.localized = options.message ?? { vi: entry.vi, en: entry.en };
    this.extra = options.extra;
    this.headers = options.headers;
    this.violations = options.violations;
  }

  /** The contract's error body in the caller's language. */
  toBody(lang: Lang): ErrorBody & Record<string, unknown> {
    const error: ErrorBody['error'] = {
      code: this.code,
      message: this.localized?.[lang] ?? this.message,
    };
    if (this.field) error.field = this.field;
    const violations = this.violations?.map((v) => ({ ...v, message: v.message[lang] }));
    return { error, ...(violations ? { violations } : {}), ...(this.extra ?? {}) };
  }
}

/** One broken rule of a core check, with its message in both languages. */
export interface RuleViolation {
  readonly code: string;
  readonly field: string;
  readonly message: Localized;
  readonly overridable: boolean;
}

/** A rule violation from the core (code, field, bilingual message) as a 400 or 422 response. */
export function ruleError(violation: { code: string; field: string; message: Localized }, status = 400): AppError {
  return new AppError('validation_failed', {
    ruleCode: violation.code,
    field: violation.field,
    message: violation.message,
    status,
  });
}
