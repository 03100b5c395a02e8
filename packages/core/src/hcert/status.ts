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
