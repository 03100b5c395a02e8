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
  // Domain codes: answered by one module, each with its status and default messages (a call site
  // may give a more precise message, e.g. naming the lot).
  duplicate_person: {
    status: 409,
    vi: 'Số định danh này đã được đăng ký cho một người khác.',
    en: 'This ID number is already registered to a person.',
  },
  invalid_otp: {
    status: 400,
    vi: 'Mã xác thực không đúng hoặc đã hết hạn.',
    en: 'The code is wrong or has expired.',
  },
  unknown_vaccine: { status: 400, vi: 'Không có vắc xin với mã này.', en: 'No vaccine has this code.' },
  unknown_lot: { status: 400, vi: 'Không có lô vắc xin với số này.', en: 'No lot has this number.' },
  insufficient_stock: {
    status: 409,
    vi: 'Không đủ vắc xin trong lô này.',
    en: 'Not enough doses are left in this lot.',
  },
  idempotency_key_reused: {
    status: 422,
    vi: 'Mã Idempotency-Key này đã được dùng cho một mũi tiêm khác.',
    en: 'This Idempotency-Key was already used for a different dose.',
  },
  session_closed: { status: 409, vi: 'Buổi tiêm đã kết thúc.', en: 'The session is closed.' },
  screening_reason_required: {
    status: 400,
    vi: 'Cần ghi lý do cho kết luận khám sàng lọc này.',
    en: 'Give the reason for this screening outcome.',
  },
  already_vaccinated: {
    status: 409,
    vi: 'Người này đã được tiêm trong lượt này.',
    en: 'This visit already has a dose.',
  },
  not_screened: {
    status: 422,
    vi: 'Người này chưa được khám sàng lọc đủ điều kiện tiêm.',
    en: 'This person has not been screened as eligible.',
  },
  visit_not_observing: {
    status: 409,
    vi: 'Lượt này chưa tiêm nên chưa thể hoàn thành.',
    en: 'This visit has no dose yet.',
  },
  vials_missing: {
    status: 400,
    vi: 'Cần nhập số lọ đã mở của từng lô đã dùng.',
    en: 'Give the vials opened for every lot used.',
  },
  report_resolved: { status: 409, vi: 'Phản ánh đã được xử lý xong.', en: 'The report is already resolved.' },
  report_without_person: {
    status: 409,
    vi: 'Cần liên kết phản ánh với hồ sơ người dân trước.',
    en: 'Link the report to a person first.',
  },
  evidence_not_image: {
    status: 415,
    vi: 'Ảnh minh chứng phải là tệp ảnh JPEG hoặc PNG.',
    en: 'The photo must be a JPEG or PNG image.',
  },
  image_too_large: {
    status: 422,
    vi: 'Ảnh có kích thước quá lớn (tối đa 50 triệu điểm ảnh).',
    en: 'The image has too many pixels (at most 50 megapixels).',
  },
  health_book_qr_invalid: {
    status: 422,
    vi: 'Mã QR này không phải chứng nhận tiêm chủng do Nền tảng cấp, hoặc đã bị sửa.',
    en: 'This QR is not a vaccination certificate issued by the platform, or it was altered.',
  },
  certificate_not_found: {
    status: 404,
    vi: 'Không tìm thấy chứng nhận của mã QR này.',
    en: 'The certificate of this QR is not on record.',
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
