import type { CertificateStatusKind } from '../hcert/status.js';
import { toIcao } from '../hcert/transliterate.js';
import type { Localized } from '../i18n.js';
import { normalizeName } from '../identity/name.js';

/**
 * The international vaccine passport (SPEC: Vaccine passport; the 2022 programme): an EU DCC
 * issued only after a vaccination site has confirmed the record — identity verified against the
 * population database, primary series complete — and the Ministry of Health has signed it. It is
 * valid for twelve months and made again, without anyone asking, before it expires and whenever
 * the record it shows is corrected.
 */

/** A passport is valid this long (12 months). */
export const PASSPORT_VALIDITY_DAYS = 365;
/** A passport is made again this many days before it expires. */
export const PASSPORT_RENEW_BEFORE_DAYS = 30;
/** The most records one ministry signature batch takes. */
export const PASSPORT_SIGN_BATCH_MAX = 5000;

/**
 * Where a record stands: `blocked` (something must be fixed first), `ready` (a site may confirm
 * it), `confirmed` (waiting for the ministry's signature), `issued` (a valid passport exists).
 */
export const PASSPORT_STATES = ['blocked', 'ready', 'confirmed', 'issued'] as const;
export type PassportState = (typeof PASSPORT_STATES)[number];

export const PASSPORT_STATE_LABELS: Readonly<Record<PassportState, Localized>> = {
  blocked: { vi: 'Chưa đủ điều kiện', en: 'Blocked' },
  ready: { vi: 'Chờ cơ sở xác nhận', en: 'Ready for the site’s confirmation' },
  confirmed: { vi: 'Chờ Bộ Y tế ký', en: 'Waiting for the ministry’s signature' },
  issued: { vi: 'Đã cấp hộ chiếu vắc xin', en: 'Passport issued' },
};

export interface PassportBlocker {
  readonly code: string;
  readonly message: Localized;
  readonly doseId?: string;
}

/** What the rule reads of a person's record. */
export interface PassportPerson {
  readonly fullName: string;
  readonly idNumber: string | null;
  readonly idType: string | null;
  /** `verified`, `pending`, `mismatch`, `not_found`, `unavailable`. */
  readonly verificationStatus: string;
  /** Vaccinated under a supervisor's identity override (still not verified). */
  readonly identityOverride: boolean;
}

/** What the rule reads of each counted dose. */
export interface PassportDose {
  readonly id: string;
  readonly doseNumber: number;
  readonly administeredOn: string;
  /** The registered lot the dose is linked to, or null (a lot typed by hand, an old import). */
  readonly lotId: string | null;
  /** Recorded against a dose rule under a supervisor's approval. */
  readonly overrideReason: string | null;
}

const IDENTITY_WHY: Readonly<Record<string, Localized>> = {
  pending: { vi: 'chưa được xác thực', en: 'not verified yet' },
  mismatch: { vi: 'không khớp với CSDL quốc gia về dân cư', en: 'does not match the population database' },
  not_found: { vi: 'không có trong CSDL quốc gia về dân cư', en: 'not in the population database' },
  unavailable: {
    vi: 'chưa xác thực được (CSDL dân cư không phản hồi), đang chờ kiểm tra lại',
    en: 'could not be checked (registry unavailable), waiting for a re-check',
  },
};

/**
 * What stands between a record and an international vaccine passport, each with its reason in
 * both languages: no ID number, identity not verified (an override does not verify it), a name with
 * no machine-readable form, a dose not linked to a registered lot or recorded against a rule, and —
 * when `status` is given — a primary series not complete. An empty list: a site may confirm it.
 */
export function passportBlockers(
  person: PassportPerson,
  doses: readonly PassportDose[],
  status?: CertificateStatusKind,
): PassportBlocker[] {
  const out: PassportBlocker[] = [];
  if (!person.idNumber) {
    out.push({
      code: 'no_id_number',
      message: { vi: 'Hồ sơ chưa có số định danh (CCCD/CMND).', en: 'The record has no ID number.' },
    });
  }
  if (person.idType === 'passport') {
    out.push({
      code: 'identity_checked_at_site',
      message: {
        vi: 'Người nước ngoài: định danh chỉ được kiểm tra tại điểm tiêm theo hộ chiếu.',
        en: 'Foreign national: identity checked at the site against the passport only.',
      },
    });
  } else if (person.verificationStatus !== 'verified') {
    const w = IDENTITY_WHY[person.verificationStatus] ?? IDENTITY_WHY.pending!;
    out.push({
      code: 'identity_not_verified',
      message: {
        vi: `Thông tin định danh ${w.vi}${person.identityOverride ? ' (tiêm được nhờ cấp trên phê duyệt)' : ''}.`,
        en: `Identity ${w.en}${person.identityOverride ? ' (vaccinated under a supervisor’s override)' : ''}.`,
      },
    });
  }
  if (!normalizeName(person.fullName).ok || !toIcao(person.fullName)) {
    out.push({
      code: 'name_not_printable',
      message: {
        vi: 'Họ tên không chuyển được sang dạng chữ máy đọc (ICAO).',
        en: 'The name cannot be written in machine-readable form (ICAO).',
      },
    });
  }
  if (status !== undefined && status !== 'complete' && status !== 'booster') {
    out.push({
      code: 'doses_incomplete',
      message: {
        vi: 'Chưa tiêm đủ liều cơ bản.',
        en: 'The primary series is not complete.',
      },
    });
  }
  for (const d of doses) {
    if (!d.lotId) {
      out.push({
        code: 'dose_without_lot',
        doseId: d.id,
        message: {
          vi: `Mũi ${d.doseNumber} (${d.administeredOn}) không gắn với lô vắc xin đã đăng ký.`,
          en: `Dose ${d.doseNumber} (${d.administeredOn}) is not linked to a registered lot.`,
        },
      });
    }
    if (d.overrideReason) {
      out.push({
        code: 'dose_rule_override',
        doseId: d.id,
        message: {
          vi: `Mũi ${d.doseNumber} được ghi nhận ngoài quy tắc (phê duyệt: ${d.overrideReason}).`,
          en: `Dose ${d.doseNumber} was recorded against a rule (override: ${d.overrideReason}).`,
        },
      });
    }
  }
  return out;
}

/**
 * Whether a passport signed at `issuedAt`-ish and expiring at `expiresAt` must be made again now:
 * it expires within {@link PASSPORT_RENEW_BEFORE_DAYS} days (or already has).
 */
export function passportDueForRenewal(expiresAt: Date, now: Date): boolean {
  return expiresAt.getTime() - now.getTime() <= PASSPORT_RENEW_BEFORE_DAYS * 86_400_000;
}

/** Where a record stands, from its blockers, its confirmation and its current passport. */
export function passportState(input: {
  readonly blockers: readonly PassportBlocker[];
  readonly confirmed: boolean;
  readonly issued: boolean;
}): PassportState {
  if (input.issued) return 'issued';
  if (input.blockers.length) return 'blocked';
  return input.confirmed ? 'confirmed' : 'ready';
}
