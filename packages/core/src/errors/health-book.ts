import type { ErrorEntry } from './entry.js';

/** The e-health book: device sessions, the household, check-in QR tokens. */
export const HEALTH_BOOK_ERRORS = {
  health_book_signed_out: {
    status: 401,
    vi: 'Thiết bị chưa đăng nhập Sổ sức khỏe điện tử hoặc phiên đã hết hạn; vui lòng đăng nhập lại bằng số điện thoại.',
    en: 'This device is not signed in to the e-health book or its session has ended; please sign in again with your phone.',
  },
  household_member_not_found: {
    status: 404,
    vi: 'Không có người này trong sổ của gia đình.',
    en: 'This person is not in the household’s book.',
  },
  household_member_exists: {
    status: 409,
    vi: 'Người này đã có trong sổ của gia đình.',
    en: 'This person is already in the household’s book.',
  },
  household_full: {
    status: 409,
    vi: 'Sổ của một gia đình có tối đa {max} người.',
    en: 'A household’s book holds at most {max} people.',
  },
  device_not_found: {
    status: 404,
    vi: 'Không có thiết bị này trong các thiết bị đã đăng nhập.',
    en: 'No signed-in device has this id.',
  },
  check_in_token_invalid: {
    status: 422,
    vi: 'Mã QR tiếp nhận của Sổ sức khỏe điện tử không hợp lệ (đã bị sửa hoặc không do hệ thống cấp).',
    en: 'The e-health book check-in QR is not valid (altered, or not issued by the platform).',
  },
  check_in_token_expired: {
    status: 422,
    vi: 'Mã QR tiếp nhận đã hết hạn; người dân mở lại Sổ sức khỏe điện tử để lấy mã mới.',
    en: 'The check-in QR has expired; the citizen opens the e-health book again for a new one.',
  },
  next_dose_not_due: {
    status: 409,
    vi: 'Người này không có mũi tiêm nào sắp đến hạn để nhắc.',
    en: 'This person has no upcoming dose to be reminded of.',
  },
} as const satisfies Record<string, ErrorEntry>;
