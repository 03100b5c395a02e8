import {
  ERROR_CATALOGUE,
  type ErrorBody,
  type ErrorCode,
  type ErrorParam,
  type ErrorParams,
  fillTemplate,
  type Lang,
  type Localized,
  type PlainErrorCode,
  type RuleCode,
} from '@tiemchung/core';

interface AppErrorOptions {
  /** The input at fault. */
  field?: string | undefined;
  /** Properties of the body beside `error` (e.g. the `existingId` of a duplicate person). */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The options of a code: `params` is required, with every placeholder of its messages, when they have any. */
type AppErrorArgs<C extends ErrorCode> = [C] extends [PlainErrorCode]
  ? [options?: AppErrorOptions]
  : [options: AppErrorOptions & { params: ErrorParams<C> }];

/**
 * A failure the caller should see: a code of core's catalogue, answered as raised with the
 * catalogue's status and message (its placeholders filled from `params`), the offending field, and
 * extra body properties. A core rule's violation (identity rules, dose rules, the identity gate) is
 * raised with {@link AppError.rule} and answered with the rule's own message.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly status: number;
  readonly field: string | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly params: Readonly<Record<string, ErrorParam>> | undefined;
  private ruleMessage: Localized | undefined;
  private ruleViolations: readonly RuleViolation[] | undefined;

  constructor(code: C, ...[options]: AppErrorArgs<C>) {
    const params = (options as { params?: Record<string, ErrorParam> } | undefined)?.params;
    super(fillTemplate(ERROR_CATALOGUE[code].en, 'en', params));
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.field = options?.field;
    this.extra = options?.extra;
    this.headers = options?.headers;
    this.params = params;
  }

  /**
   * A core rule's violation: its code (in the catalogue, with its status) and field, answered with
   * the rule's own message. `violations` lists every rule broken (a dose's 422), each answered in
   * the caller's language beside `error`. The request's validation (the schema, the input guard)
   * answers its findings as the `validation_failed` rule.
   */
  static rule(
    violation: { code: RuleCode | 'validation_failed'; field?: string | undefined; message: Localized },
    options: { violations?: readonly RuleViolation[]; extra?: Record<string, unknown> } = {},
  ): AppError {
    const err: AppError = new AppError(violation.code, { field: violation.field, extra: options.extra });
    err.message = violation.message.en;
    err.ruleMessage = violation.message;
    err.ruleViolations = options.violations;
    return err;
  }

  /** The message in `lang`: the rule's own, or the catalogue's with its placeholders filled. */
  messageIn(lang: Lang): string {
    return this.ruleMessage?.[lang] ?? fillTemplate(ERROR_CATALOGUE[this.code][lang], lang, this.params);
  }

  /** The contract's error body in the caller's language. */
  toBody(lang: Lang): ErrorBody & Record<string, unknown> {
    const error: ErrorBody['error'] = { code: this.code, message: this.messageIn(lang) };
    if (this.field) error.field = this.field;
    const violations = this.ruleViolations?.map((v) => ({
      code: v.code,
      field: v.field,
      message: v.message[lang],
      overridable: v.overridable,
    }));
    return { error, ...(violations ? { violations } : {}), ...(this.extra ?? {}) };
  }
}

/** One broken rule of a core check, with its message in both languages. */
export interface RuleViolation {
  readonly code: RuleCode;
  readonly field: string;
  readonly message: Localized;
  readonly overridable: boolean;
}

/** A core rule's violation (code, field, bilingual message) as an error: 400 for an input rule, 422 for a dose rule. */
export function ruleError(violation: { code: RuleCode; field: string; message: Localized }): AppError {
  return AppError.rule(violation);
}
