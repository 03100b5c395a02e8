import type { Lang, Localized } from './i18n.js';

/**
 * The error catalogue: every error the platform answers with has a stable snake_case code, an HTTP
 * status and a message in Vietnamese and English. The server maps codes to responses in one place;
 * the web app uses the same codes to decide what to show.
 */
export const ERROR_CATALOGUE = {
  validation_failed: { status: 400, vi: 'Dữ liệu không hợp lệ.', en: 'The input is not valid.' },
  invalid_json: {
    status: 400,
    vi: 'Nội dung gửi lên không phải JSON hợp lệ.',
    en: 'The request body is not valid JSON.',
  },
  bad_request: {
    status: 400,
    vi: 'Yêu cầu gửi lên không đúng định dạng.',
    en: 'The request is malformed.',
  },
  malformed_multipart: {
    status: 400,
    vi: 'Dữ liệu tải lên không đúng định dạng multipart/form-data.',
    en: 'The upload is not a well-formed multipart/form-data body.',
  },
  request_timeout: {
    status: 408,
    vi: 'Yêu cầu gửi lên quá chậm nên đã hết thời gian chờ.',
    en: 'The request took too long to arrive.',
  },
  uri_too_long: { status: 414, vi: 'Địa chỉ yêu cầu quá dài.', en: 'The request address is too long.' },
  headers_too_large: {
    status: 431,
    vi: 'Địa chỉ hoặc phần tiêu đề (header) của yêu cầu quá lớn.',
    en: 'The request line or headers are too large.',
  },
  payload_too_large: {
    status: 413,
    vi: 'Dữ liệu gửi lên quá lớn.',
    en: 'The request body is too large.',
  },
  unsupported_media_type: {
    status: 415,
    vi: 'Kiểu dữ liệu gửi lên không được hỗ trợ.',
    en: 'The content type is not supported.',
  },
  invalid_image: {
    status: 422,
    vi: 'Không đọc được tệp ảnh (ảnh bị hỏng, bị cắt hoặc không phải ảnh JPEG/PNG).',
    en: 'The image cannot be read (damaged, truncated or not a JPEG/PNG image).',
  },
  route_not_found: {
    status: 404,
    vi: 'Không tìm thấy địa chỉ yêu cầu.',
    en: 'No such endpoint.',
  },
  not_found: { status: 404, vi: 'Không tìm thấy dữ liệu.', en: 'Not found.' },
  unauthenticated: {
    status: 401,
    vi: 'Bạn cần đăng nhập để tiếp tục.',
    en: 'You need to sign in.',
  },
  invalid_credentials: {
    status: 401,
    vi: 'Sai tên đăng nhập hoặc mật khẩu.',
    en: 'Wrong username or password.',
  },
  forbidden: {
    status: 403,
    vi: 'Bạn không có quyền thực hiện thao tác này.',
    en: 'You are not allowed to do this.',
  },
  out_of_scope: {
    status: 403,
    vi: 'Dữ liệu này nằm ngoài đơn vị bạn được giao quản lý.',
    en: 'This is outside the units you are assigned to.',
  },
  cross_site_request: {
    status: 403,
    vi: 'Yêu cầu đến từ một trang web khác nên đã bị từ chối. Hãy thao tác trực tiếp trên trang của hệ thống.',
    en: 'The request came from another website and was refused. Use the platform’s own pages.',
  },
  too_many_requests: {
    status: 429,
    vi: 'Bạn đã gửi quá nhiều yêu cầu, vui lòng thử lại sau.',
    en: 'Too many requests, please try again later.',
  },
  too_many_attempts: {
    status: 429,
    vi: 'Bạn đã thử quá nhiều lần, vui lòng thử lại sau.',
    en: 'Too many attempts, please try again later.',
  },
  conflict: { status: 409, vi: 'Dữ liệu bị xung đột.', en: 'Conflict.' },
  username_taken: {
    status: 409,
    vi: 'Tên đăng nhập đã được sử dụng.',
    en: 'This username is already taken.',
  },
  unknown_unit: {
    status: 400,
    vi: 'Không có đơn vị hành chính với mã này.',
    en: 'No administrative unit has this code.',
  },
  unknown_facility: {
    status: 400,
    vi: 'Không có cơ sở tiêm với mã này.',
    en: 'No vaccination facility has this id.',
  },
  weak_password: {
    status: 400,
    vi: 'Mật khẩu phải có ít nhất 10 ký tự.',
    en: 'The password must have at least 10 characters.',
  },
  service_unavailable: {
    status: 503,
    vi: 'Hệ thống đang bận hoặc tạm ngừng, vui lòng thử lại sau.',
    en: 'The service is unavailable, please try again later.',
  },
  internal_error: {
    status: 500,
    vi: 'Đã có lỗi xảy ra, vui lòng thử lại sau.',
    en: 'Something went wrong, please try again later.',
  },
} as const satisfies Record<string, { status: number } & Localized>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The error body every endpoint answers with on failure (api-contract.md). */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** The catalogue message for `code` in `lang`. */
export function errorMessage(code: ErrorCode, lang: Lang): string {
  return ERROR_CATALOGUE[code][lang];
}
