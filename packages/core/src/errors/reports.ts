import type { ErrorEntry } from './entry.js';

/** Citizens' reports (phản ánh): submission, evidence photos, handling, campaigns. */
export const REPORT_ERRORS = {
  province_required: {
    status: 400,
    vi: 'Vui lòng chọn tỉnh, thành phố nơi bạn sinh sống.',
    en: 'Please choose the province where you live.',
  },
  report_dose_date_future: {
    status: 400,
    vi: 'Ngày tiêm không thể sau ngày hôm nay.',
    en: 'The date of the dose cannot be after today.',
  },
  /** `earliest`: the earliest day a dose can have been given (dd/mm/yyyy). */
  report_dose_date_too_early: {
    status: 400,
    vi: 'Ngày tiêm phải từ {earliest} trở đi: trước đó chưa có mũi tiêm vắc xin COVID-19 nào.',
    en: 'The date of the dose must be {earliest} or later: no COVID-19 vaccine was given before.',
  },
  report_vaccine_unknown: {
    status: 400,
    vi: 'Không có vắc xin với mã này trong danh mục vắc xin COVID-19.',
    en: 'No COVID-19 vaccine in the list has this code.',
  },
  report_not_found: {
    status: 404,
    vi: 'Không tìm thấy phản ánh với mã và số điện thoại này.',
    en: 'No report has this code and phone number.',
  },
  report_resolved: { status: 409, vi: 'Phản ánh đã được xử lý xong.', en: 'The report is already resolved.' },
  report_already_has_photo: {
    status: 409,
    vi: 'Phản ánh này đã có ảnh minh chứng.',
    en: 'This report already has a photo.',
  },
  report_without_person: {
    status: 409,
    vi: 'Cần liên kết phản ánh với hồ sơ người dân trước.',
    en: 'Link the report to a person first.',
  },
  report_person_changed: {
    status: 409,
    vi: 'Phản ánh đã được liên kết với một hồ sơ khác trong lúc sửa; vui lòng xem lại.',
    en: 'The report was linked to another record meanwhile; please review it again.',
  },
  photo_required: { status: 400, vi: 'Chưa chọn ảnh.', en: 'No photo was sent.' },
  evidence_not_image: {
    status: 415,
    vi: 'Ảnh minh chứng phải là tệp ảnh JPEG hoặc PNG.',
    en: 'The photo must be a JPEG or PNG image.',
  },
  invalid_image: {
    status: 422,
    vi: 'Không đọc được tệp ảnh (ảnh bị hỏng, bị cắt hoặc không phải ảnh JPEG/PNG).',
    en: 'The image cannot be read (damaged, truncated or not a JPEG/PNG image).',
  },
  image_too_large: {
    status: 422,
    vi: 'Ảnh có kích thước quá lớn (tối đa 50 triệu điểm ảnh).',
    en: 'The image has too many pixels (at most 50 megapixels).',
  },
  campaign_dates_out_of_order: {
    status: 400,
    vi: 'Cần: ngày bắt đầu < ngày kết thúc nhận ≤ hạn xử lý.',
    en: 'Need: start < end of receipt ≤ deadline.',
  },
} as const satisfies Record<string, ErrorEntry>;
