import { type CertLogicExpression, evaluate } from 'certlogic-js';
import type { Localized } from '../i18n.js';
import type { DccValueSets } from './business-rules.js';
import type { CwtClaims } from './cwt.js';

/**
 * A destination's acceptance rules in the EU DCC business-rule format, evaluated with the EU's
 * CertLogic engine (`certlogic-js`): each rule is a CertLogic expression over
 * `{payload, external: {validationClock, valueSets, countryCode, exp, iat}}` that is true when the
 * certificate meets it (rules of another certificate type are true by construction).
 */
export interface BusinessRule {
  readonly Identifier: string;
  readonly Type: 'Acceptance' | 'Invalidation';
  readonly Country: string;
  readonly Version: string;
  readonly SchemaVersion: string;
  readonly Engine: 'CERTLOGIC';
  readonly EngineVersion: string;
  readonly CertificateType: 'General' | 'Vaccination' | 'Test' | 'Recovery';
  readonly Description: readonly { readonly lang: string; readonly desc: string }[];
  readonly ValidFrom: string;
  readonly ValidTo: string;
  readonly AffectedFields: readonly string[];
  readonly Logic: CertLogicExpression;
}

export interface RuleOutcome {
  readonly id: string;
  /** `open`: the rule could not be evaluated (an error in the rule or data it did not expect). */
  readonly result: 'passed' | 'failed' | 'open';
  readonly description: Localized;
  readonly affectedFields: readonly string[];
}

export interface AcceptanceCheck {
  readonly destination: string;
  /**
   * True when every rule applied passed; false when one failed or is open; null when no rule
   * applied (the platform knows no rules of that destination in force for this certificate type):
   * nothing was checked, so nothing passed.
   */
  readonly passed: boolean | null;
  readonly rules: readonly RuleOutcome[];
}

const TYPE_OF: Record<string, BusinessRule['CertificateType']> = { v: 'Vaccination', t: 'Test', r: 'Recovery' };

function describe(rule: BusinessRule): Localized {
  const find = (lang: string) => rule.Description.find((d) => d.lang === lang)?.desc;
  const en = find('en') ?? rule.Identifier;
  return { vi: find('vi') ?? en, en };
}

/** A CWT time (seconds) as CertLogic's ISO date-time; undefined when there is none or no Date holds it. */
function isoOf(seconds: number | null | undefined): string | undefined {
  if (seconds == null) return undefined;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * Applies a destination's acceptance rules to a decoded DCC at `clock`: the rules valid then, of
 * the certificate's type or general, each passed, failed or open. Passed when none failed or is
 * open; null (not known) when no rule applied.
 */
export function checkAcceptance(input: {
  readonly destination: string;
  /** The destination's rules (`ACCEPTANCE_RULES[destination]` for those the platform carries). */
  readonly rules: readonly BusinessRule[];
  readonly payload: Record<string, unknown>;
  readonly claims: CwtClaims | undefined;
  readonly valueSets: DccValueSets | null;
  readonly clock: Date;
}): AcceptanceCheck {
  const rules = input.rules;
  const clock = input.clock.toISOString();
  const kind = (['v', 't', 'r'] as const).find((k) => Array.isArray(input.payload[k]));
  const type = kind ? TYPE_OF[kind] : undefined;
  const data = {
    payload: input.payload,
    external: {
      validationClock: clock,
      valueSets: Object.fromEntries(Object.entries(input.valueSets ?? {}).map(([id, set]) => [id, [...set]])),
      countryCode: input.destination,
      exp: isoOf(input.claims?.exp),
      iat: isoOf(input.claims?.iat),
    },
  };
  const outcomes: RuleOutcome[] = [];
  for (const rule of rules) {
    if (rule.Type !== 'Acceptance' || rule.Country !== input.destination) continue;
    if (!(rule.ValidFrom <= clock && clock < rule.ValidTo)) continue;
    if (rule.CertificateType !== 'General' && rule.CertificateType !== type) continue;
    let result: RuleOutcome['result'];
    try {
      result = evaluate(rule.Logic, data) === true ? 'passed' : 'failed';
    } catch {
      result = 'open';
    }
    outcomes.push({ id: rule.Identifier, result, description: describe(rule), affectedFields: rule.AffectedFields });
  }
  return {
    destination: input.destination,
    passed: outcomes.length === 0 ? null : outcomes.every((o) => o.result === 'passed'),
    rules: outcomes,
  };
}
