import type { ErrorEntry } from './entry.js';

/** The public portal: certificate look-up with a code sent by SMS, registrations. */
export const PORTAL_ERRORS = {
  invalid_otp: {
    status: 400,
    vi: 'Mã xác thực không đúng hoặc đã hết hạn.',
    en: 'The code is wrong or has expired.',
  },
  download_link_expired: {
    status: 404,
    vi: 'Liên kết tải đã hết hạn, vui lòng tra cứu lại.',
    en: 'The download link has expired; please look up again.',
  },
  consent_required: {
    status: 400,
    vi: 'Cần đồng ý với cam kết tiêm chủng.',
    en: 'Consent is required.',
  },
  registration_not_found: {
    status: 404,
    vi: 'Không tìm thấy đăng ký với mã này.',
    en: 'No registration has this code.',
  },
} as const satisfies Record<string, ErrorEntry>;
