import type { ErrorEntry } from './entry.js';

/** Foreign trust anchors. */
export const TRUST_ERRORS = {
  trust_anchor_invalid: {
    status: 422,
    vi: 'Chứng thư số không đọc được hoặc không phải khóa ký chứng nhận (ES256 P-256 hoặc RSA): {reason}',
    en: 'The certificate cannot be read or is not a signing key (ES256 P-256 or RSA): {reason}',
  },
  trust_anchor_not_found: {
    status: 404,
    vi: 'Không có khóa tin cậy này.',
    en: 'No trust anchor has this id.',
  },
} as const satisfies Record<string, ErrorEntry>;
