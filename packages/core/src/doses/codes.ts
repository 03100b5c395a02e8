/**
 * Every violation code the dose rules can answer (rules.ts). A rule names its code from this list
 * (`v` takes nothing else), and each code has its entry in the error catalogue (status 422 and a
 * generic message; the rule's own message, naming the dates, lot or vaccine, is what is answered).
 */
export const DOSE_RULE_CODES = [
  'unknown_vaccine',
  'date_in_future',
  'date_before_approval',
  'date_before_birth',
  'unknown_lot',
  'lot_vaccine_mismatch',
  'lot_expired',
  'dose_same_day',
  'age_not_eligible',
  'primary_series_incomplete',
  'primary_series_complete',
  'interval_too_short',
  'mixing_not_allowed',
  'booster_product_not_allowed',
  /** A warning, never a refusal: a retroactive dose leaves the next recorded dose too close. */
  'next_dose_interval_short',
] as const;
export type DoseRuleCode = (typeof DOSE_RULE_CODES)[number];
