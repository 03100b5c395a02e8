import type { Localized } from './i18n.js';

/** Outcome of checking a person against the national population database. */
export const VERIFICATION_STATUSES = ['pending', 'verified', 'mismatch', 'not_found', 'unavailable'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/**
 * From this date every new dose needs a verified identity (letters of Nov 2021: "tất cả các điểm
 * tiêm xác thực thông tin định danh cá nhân trước khi tiêm … đối với các trường hợp tiêm mới").
 * Doses given earlier are retroactive entries (nhập hồi cứu).
 */
export const IDENTITY_RULE_FROM = '2021-11-01';

export type IdentityGate =
  | { readonly ok: true; readonly retroactive: boolean; readonly flagRecheck: boolean }
  | { readonly ok: false; readonly code: 'identity_not_verified'; readonly message: Localized };

/**
 * May a dose given on `administeredOn` be recorded for a person in this verification state?
 * Verified, or the registry unavailable (flagged to re-check), or a supervisor's override: yes.
 * Mismatch / not found / never checked: only for retroactive entries before 1 Nov 2021.
 * Passport holders (foreign nationals) are checked by the site against the passport.
 */
export function identityGate(
  person: { verificationStatus: VerificationStatus; identityOverride: boolean; idType?: string | null },
  administeredOn: string,
): IdentityGate {
  const retroactive = administeredOn < IDENTITY_RULE_FROM;
  // Foreign nationals are not in the population database: the site checks the passport itself.
  if (person.idType === 'passport') return { ok: true, retroactive, flagRecheck: false };
  if (person.verificationStatus === 'verified' || person.identityOverride)
    return { ok: true, retroactive, flagRecheck: false };
  if (person.verificationStatus === 'unavailable') return { ok: true, retroactive, flagRecheck: true };
  if (retroactive) return { ok: true, retroactive, flagRecheck: true };
  const why: Record<Exclude<VerificationStatus, 'verified' | 'unavailable'>, Localized> = {
    pending: { vi: 'chưa được xác thực', en: 'has not been verified' },
    mismatch: {
      vi: 'không khớp với Cơ sở dữ liệu quốc gia về dân cư',
      en: 'does not match the national population database',
    },
    not_found: {
      vi: 'không có trong Cơ sở dữ liệu quốc gia về dân cư',
      en: 'is not in the national population database',
    },
  };
  const w = why[person.verificationStatus];
  return {
    ok: false,
    code: 'identity_not_verified',
    message: {
      vi: `Thông tin định danh của người này ${w.vi}. Từ ngày 01/11/2021, phải xác thực định danh trước khi tiêm: sửa lại thông tin cá nhân hoặc đề nghị cấp trên phê duyệt.`,
      en: `This person's identity ${w.en}. From 1 Nov 2021 identity must be verified before a dose: correct the personal details or ask a supervisor to override.`,
    },
  };
}
