import { type DoseKind, primarySeriesLength, sequenceDoses } from '../doses/rules.js';
import type { Lang, Localized } from '../i18n.js';

/**
 * The vaccination certificate's status from a person's doses (SPEC: Certificates): none; partial
 * (yellow, "đã tiêm 1 mũi"); complete primary series (green); booster (green, with doses after
 * the series). The series length is set by the vaccine that opened it, per the catalogue, so a
 * mixed series counts (AstraZeneca then Pfizer is complete after two doses), Janssen completes
 * with one dose and Abdala needs three.
 */

/** The certificate statuses, from none to booster. */
export const CERTIFICATE_STATUSES = ['none', 'partial', 'complete', 'booster'] as const;
/** One of {@link CERTIFICATE_STATUSES}. */
export type CertificateStatusKind = (typeof CERTIFICATE_STATUSES)[number];
/** The colour the certificate shows: yellow while the primary series is incomplete, green once complete. */
export type CertificateColor = 'none' | 'yellow' | 'green';

/** A dose as the status needs it (a `PastDose` without its id also fits). */
export interface StatusDose {
  readonly vaccineCode: string;
  /** `YYYY-MM-DD`. */
  readonly administeredOn: string;
  /** What the site recorded; only `additional` changes how a dose after the series counts. */
  readonly declaredKind?: DoseKind | null;
}

/** The status and the counts behind it. */
export interface CertificateStatus {
  readonly status: CertificateStatusKind;
  readonly color: CertificateColor;
  /** Primary doses given (at most the required number). */
  readonly primaryDosesGiven: number;
  /** Doses in the primary series, from the first vaccine (2 when there is no dose yet). */
  readonly primaryDosesRequired: number;
  /** Booster doses (liều nhắc lại) after the series. */
  readonly boosterDoses: number;
  /** Additional doses (liều bổ sung) after the series. */
  readonly additionalDoses: number;
  /** Date of the dose that completed the primary series, or null. */
  readonly completedOn: string | null;
}

/** Each status's colour. */
export const CERTIFICATE_COLORS: Readonly<Record<CertificateStatusKind, CertificateColor>> = {
  none: 'none',
  partial: 'yellow',
  complete: 'green',
  booster: 'green',
};

/** A short label for each status, in Vietnamese and English. */
export const CERTIFICATE_STATUS_LABELS: Readonly<Record<CertificateStatusKind, Localized>> = {
  none: { vi: 'Chưa tiêm vắc xin', en: 'Not vaccinated' },
  partial: { vi: 'Đã tiêm 1 mũi', en: 'Partly vaccinated' },
  complete: { vi: 'Đã tiêm đủ liều cơ bản', en: 'Primary series complete' },
  booster: { vi: 'Đã tiêm mũi bổ sung/nhắc lại', en: 'Booster received' },
};

/** Works out the certificate status from a person's doses (any order), via {@link sequenceDoses}. */
export function certificateStatus(doses: readonly StatusDose[]): CertificateStatus {
  // sequenceDoses orders by date and then id; the index keeps same-day doses in the given order.
  const sequenced = sequenceDoses(doses.map((d, i) => ({ ...d, id: String(i).padStart(8, '0') })));
  const required = primarySeriesLength(sequenced[0]?.vaccineCode);
  const primaries = sequenced.filter((d) => d.doseKind === 'primary');
  const boosterDoses = sequenced.filter((d) => d.doseKind === 'booster').length;
  const additionalDoses = sequenced.filter((d) => d.doseKind === 'additional').length;
  const complete = primaries.length >= required;
  const status: CertificateStatusKind =
    sequenced.length === 0
      ? 'none'
      : !complete
        ? 'partial'
        : boosterDoses + additionalDoses > 0
          ? 'booster'
          : 'complete';
  return {
    status,
    color: CERTIFICATE_COLORS[status],
    primaryDosesGiven: primaries.length,
    primaryDosesRequired: required,
    boosterDoses,
    additionalDoses,
    completedOn: complete ? (primaries[required - 1]?.administeredOn ?? null) : null,
  };
}

/**
 * The status as the certificate prints it, with the counts: "Đã tiêm 1 mũi" for a partial series
 * (and "Đã tiêm 2/3 mũi cơ bản" for a three-dose series), "Đã tiêm đủ liều cơ bản (2 mũi)",
 * "Đã tiêm đủ liều cơ bản và 1 mũi nhắc lại".
 */
export function certificateStatusText(s: CertificateStatus): Localized {
  const n = s.primaryDosesGiven;
  const req = s.primaryDosesRequired;
  switch (s.status) {
    case 'none':
      return CERTIFICATE_STATUS_LABELS.none;
    case 'partial':
      return req === 2
        ? { vi: `Đã tiêm ${n} mũi`, en: `${n} dose of 2 given` }
        : { vi: `Đã tiêm ${n}/${req} mũi cơ bản`, en: `${n} of ${req} primary doses given` };
    case 'complete':
      return {
        vi: `Đã tiêm đủ liều cơ bản (${req} mũi)`,
        en: `Primary series complete (${req} dose${req === 1 ? '' : 's'})`,
      };
    case 'booster': {
      const vi: string[] = [];
      const en: string[] = [];
      if (s.additionalDoses) {
        vi.push(`${s.additionalDoses} mũi bổ sung`);
        en.push(`${s.additionalDoses} additional dose${s.additionalDoses === 1 ? '' : 's'}`);
      }
      if (s.boosterDoses) {
        vi.push(`${s.boosterDoses} mũi nhắc lại`);
        en.push(`${s.boosterDoses} booster dose${s.boosterDoses === 1 ? '' : 's'}`);
      }
      return {
        vi: `Đã tiêm đủ liều cơ bản và ${vi.join(', ')}`,
        en: `Primary series complete and ${en.join(', ')}`,
      };
    }
  }
}

/** The short label of a status in one language. */
export function certificateStatusLabel(status: CertificateStatusKind, lang: Lang = 'vi'): string {
  return CERTIFICATE_STATUS_LABELS[status][lang];
}

// ---------------------------------------------------------------------------------------------
// A certificate replaced by a newer one: still valid, or withdrawn
// ---------------------------------------------------------------------------------------------

/**
 * Why a certificate stopped being its holder's current one:
 * - `new_dose`: a later dose was recorded; everything the certificate states is still true, so it
 *   stays valid for what it states (EU DCC practice: a certificate for an earlier dose is not
 *   revoked when a newer one is issued) — a newer certificate merely exists;
 * - `renewal`: made again, unchanged, before it expired;
 * - `data_changed`: a correction — a dose corrected or deleted, an earlier dose added, the person's
 *   details corrected, a merge: what it states may no longer be right;
 * - `merged`, `blocked`: a vaccine passport withdrawn (its record merged into another; something
 *   now blocks it).
 */
export const SUPERSEDE_REASONS = ['new_dose', 'renewal', 'data_changed', 'merged', 'blocked'] as const;
/** One of {@link SUPERSEDE_REASONS}. */
export type SupersedeReason = (typeof SUPERSEDE_REASONS)[number];

/**
 * Why a withdrawn certificate no longer counts, for a verifier (every reason but `new_dose`, which
 * leaves it valid): only `data_changed` and `renewal` have a later certificate in its place; a
 * passport `blocked` or `merged` was withdrawn, nothing replaced it for that record.
 */
export const SUPERSEDE_REASON_TEXT: Readonly<Record<Exclude<SupersedeReason, 'new_dose'>, Localized>> = {
  data_changed: {
    vi: 'Một chứng nhận mới hơn của cùng người đã thay thế chứng nhận này (điều chỉnh thông tin).',
    en: 'A later certificate of the same person replaced this one (a correction).',
  },
  renewal: {
    vi: 'Một chứng nhận mới hơn của cùng người đã thay thế chứng nhận này (cấp lại trước khi hết hạn).',
    en: 'A later certificate of the same person replaced this one (renewed before its expiry).',
  },
  blocked: {
    vi: 'Hộ chiếu vắc xin này đã bị thu hồi: hồ sơ của người này đang bị chặn chờ rà soát, không có hộ chiếu nào thay thế.',
    en: 'This vaccine passport was withdrawn: the person’s record is blocked pending review; no passport replaced it.',
  },
  merged: {
    vi: 'Hộ chiếu vắc xin này đã bị thu hồi: hồ sơ đã được gộp vào một hồ sơ khác của cùng người.',
    en: 'This vaccine passport was withdrawn: its record was merged into another record of the same person.',
  },
};

/** The verifier's text for a withdrawal reason (an unknown one reads as a correction). */
export function supersedeReasonText(reason: string | null | undefined): Localized {
  const known = SUPERSEDE_REASON_TEXT as Readonly<Record<string, Localized>>;
  return (reason && Object.hasOwn(known, reason) ? known[reason] : undefined) ?? SUPERSEDE_REASON_TEXT.data_changed;
}

/**
 * Whether a certificate superseded for this reason is withdrawn — a verifier answers it revoked
 * and asks for the new one. Every reason but `new_dose` withdraws it.
 */
export function supersedeWithdraws(reason: string | null): boolean {
  return reason !== 'new_dose';
}

/** A dose of the record as {@link reissueReason} needs it. */
export interface ReissueDose {
  /** When the dose was recorded (ms since the epoch). */
  readonly recordedAt: number;
}

/**
 * Why a certificate is replaced, from what it showed and the record now:
 * `renewal` when the record shows exactly what it showed (`hashOf(doses)` is its content hash);
 * `new_dose` when the record is what it showed plus doses recorded since it was issued, dated
 * after every dose it covers (the doses, in date order, minus those trailing new ones hash to its
 * content hash — so the person's details and every earlier dose, its number and kind included,
 * are as it showed them); `data_changed` otherwise. `hashOf` hashes the record's person with the
 * doses given, as the certificate's content hash was made.
 */
export function reissueReason<D extends ReissueDose>(
  previous: { readonly contentHash: string; readonly issuedAt: number },
  doses: readonly D[],
  hashOf: (doses: readonly D[]) => string,
): 'renewal' | 'new_dose' | 'data_changed' {
  if (hashOf(doses) === previous.contentHash) return 'renewal';
  // Each start of the record whose rest was recorded since (a dose recorded at the instant it was
  // issued may be in it or not: the hash tells).
  for (let kept = doses.length - 1; kept > 0 && doses[kept]!.recordedAt >= previous.issuedAt; kept--) {
    if (hashOf(doses.slice(0, kept)) === previous.contentHash) return 'new_dose';
  }
  return 'data_changed';
}
