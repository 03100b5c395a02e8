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
  /** A national administrator assigning a registration to a district or facility of another province. */
  registration_other_province: {
    status: 400,
    vi: 'Đăng ký này thuộc tỉnh khác: chỉ giao được cho huyện hoặc cơ sở tiêm của tỉnh nơi đăng ký.',
    en: 'This registration is of another province: assign it to a district or facility of the province it was made in.',
  },
  invite_date_past: {
    status: 400,
    vi: 'Ngày mời tiêm đã qua: hãy chọn từ hôm nay trở đi.',
    en: 'The invitation day has passed: choose today or a later day.',
  },
  /** `maxDays`: how many days ahead an invitation may be at most. */
  invite_date_too_far: {
    status: 400,
    vi: 'Ngày mời tiêm quá xa: chỉ mời trong vòng {maxDays} ngày tới.',
    en: 'The invitation day is too far ahead: invite at most {maxDays} days ahead.',
  },
  preferred_date_past: {
    status: 400,
    vi: 'Ngày mong muốn tiêm phải từ hôm nay trở đi.',
    en: 'The preferred day must be today or a later day.',
  },
  /** `maxDays`: how many days ahead the preferred day may be at most. */
  preferred_date_too_far: {
    status: 400,
    vi: 'Ngày mong muốn tiêm quá xa: chỉ chọn trong vòng {maxDays} ngày tới.',
    en: 'The preferred day is too far ahead: choose at most {maxDays} days ahead.',
  },
} as const satisfies Record<string, ErrorEntry>;
