import type { ErrorEntry } from './entry.js';

/** Vaccination certificates: the certificate QR shown at check-in. */
export const CERTIFICATE_ERRORS = {
  health_book_qr_invalid: {
    status: 422,
    vi: 'Mã QR này không phải chứng nhận tiêm chủng do Nền tảng cấp, hoặc đã bị sửa. Hãy tìm người theo tên hoặc số CCCD.',
    en: 'This QR is not a vaccination certificate issued by the platform, or it was altered. Search the person by name or ID number.',
  },
  certificate_not_found: {
    status: 404,
    vi: 'Không tìm thấy chứng nhận của mã QR này. Hãy tìm người theo tên hoặc số CCCD.',
    en: 'The certificate of this QR is not on record. Search the person by name or ID number.',
  },
} as const satisfies Record<string, ErrorEntry>;
