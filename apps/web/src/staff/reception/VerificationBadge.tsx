import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Badge, type BadgeTone } from '../../ui/Badge';
import type { Person } from './api';

type Verification = Person['verification'];

const TONES: Record<Verification['status'], BadgeTone> = {
  verified: 'success',
  mismatch: 'danger',
  not_found: 'danger',
  unavailable: 'warning',
  pending: 'neutral',
};

const FIELD_KEYS = ['fullName', 'dateOfBirth', 'gender', 'idNumber', 'idType'] as const;
type MismatchField = (typeof FIELD_KEYS)[number];

function isMismatchField(field: string): field is MismatchField {
  return (FIELD_KEYS as readonly string[]).includes(field);
}

/** "Không khớp: họ tên, ngày sinh", "Đã xác thực", … in the interface language. */
export function verificationText(t: TFunction, verification: Pick<Verification, 'status' | 'fields'>): string {
  switch (verification.status) {
    case 'verified':
      return t('reception.verification.verified');
    case 'mismatch': {
      const fields = verification.fields.map((f) => (isMismatchField(f) ? t(`reception.verification.fields.${f}`) : f));
      return fields.length
        ? t('reception.verification.mismatch', { fields: fields.join(', ') })
        : t('reception.verification.mismatchNoFields');
    }
    case 'not_found':
      return t('reception.verification.not_found');
    case 'unavailable':
      return t('reception.verification.unavailable');
    default:
      return t('reception.verification.pending');
  }
}

/**
 * The outcome of checking the person against the national population database, as a coloured
 * badge; a supervisor's override is shown next to it with its reason.
 */
export function VerificationBadge({ verification }: { verification: Verification }) {
  const { t } = useTranslation();
  return (
    <span className="verification">
      <Badge tone={TONES[verification.status] ?? 'neutral'}>{verificationText(t, verification)}</Badge>
      {verification.override && (
        <Badge tone="success" className="badge--outline">
          {t('reception.verification.override', { reason: verification.override.reason })}
        </Badge>
      )}
    </span>
  );
}
