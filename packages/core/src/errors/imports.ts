import type { ErrorEntry } from './entry.js';

/**
 * The bulk import of historical doses (issue 16; `/api/imports`, packages/core/src/imports/): the
 * errors of the endpoints, then the reasons a row of the file is rejected. A row's reason is shown
 * beside its column (`{column}` is the column's header) in the rejected rows' file; a row rejected
 * by a core rule (name, phone, ID number, dose dates, vaccine) keeps that rule's own code.
 */
export const IMPORT_ERRORS = {
  import_not_found: {
    status: 404,
    vi: 'Không tìm thấy lượt nhập dữ liệu này.',
    en: 'No import has this id.',
  },
  import_file_required: {
    status: 400,
    vi: 'Chưa có tệp (CSV hoặc XLSX) trong trường "file".',
    en: 'No file (CSV or XLSX) in the "file" field.',
  },
  /** `maxMegabytes`: the largest file taken. */
  import_file_too_large: {
    status: 413,
    vi: 'Tệp quá lớn: tối đa {maxMegabytes} MB. Hãy chia thành nhiều tệp nhỏ hơn.',
    en: 'The file is too large: at most {maxMegabytes} MB. Split it into smaller files.',
  },
  /** An old Excel .xls (or another Office 97–2003 file): the OLE2 compound file signature. */
  import_file_type_unsupported: {
    status: 415,
    vi: 'Tệp này là tệp Excel .xls cũ (Excel 97–2003); chỉ nhận tệp CSV (UTF-8) hoặc Excel .xlsx. Hãy mở tệp trong Excel và lưu lại dưới dạng .xlsx.',
    en: 'This is an old Excel .xls file (Excel 97–2003); only CSV (UTF-8) or Excel .xlsx files are taken. Open it in Excel and save it as .xlsx.',
  },
  /** `line`: the file's line (1 = the first) holding its first NUL byte. */
  import_file_binary: {
    status: 415,
    vi: 'Tệp không phải văn bản CSV UTF-8 cũng không phải tệp Excel .xlsx: có byte NUL (mã 0) ở dòng {line}, dấu hiệu của tệp nhị phân hoặc tệp bị hỏng. Hãy kiểm tra lại tệp, hoặc lưu lại từ Excel dưới dạng "CSV UTF-8" hay .xlsx.',
    en: 'The file is neither CSV text in UTF-8 nor an Excel .xlsx file: it has a NUL byte (code 0) on line {line}, the sign of a binary or damaged file. Check the file, or save it again from Excel as "CSV UTF-8" or .xlsx.',
  },
  import_file_multiple: {
    status: 400,
    vi: 'Mỗi lần tải lên chỉ nhận đúng một tệp (trường "file"); hãy tải lên từng tệp một.',
    en: 'An upload takes exactly one file (the "file" field); upload the files one at a time.',
  },
  import_fields_too_many: {
    status: 400,
    vi: 'Biểu mẫu tải lên có quá nhiều trường: chỉ nhận "file", "facilityId" và "dryRun".',
    en: 'The upload has too many fields: only "file", "facilityId" and "dryRun" are taken.',
  },
  /** `reason`: what could not be read (imports/reasons.ts, IMPORT_FILE_FAULTS), in the message's language. */
  import_file_unreadable: {
    status: 400,
    vi: 'Không đọc được tệp (cần CSV UTF-8 hoặc XLSX): {reason}',
    en: 'The file cannot be read (CSV in UTF-8 or XLSX expected): {reason}',
  },
  /** `line`: the file's line (1 = the header) holding the first byte that is not UTF-8. */
  import_file_not_utf8: {
    status: 400,
    vi: 'Tệp CSV không được lưu ở dạng UTF-8 (byte sai đầu tiên ở dòng {line}), nên chữ có dấu sẽ bị sai; chưa nhập dòng nào. Trong Excel, chọn Lưu thành với định dạng "CSV UTF-8" (*.csv), hoặc tải lên tệp .xlsx.',
    en: 'The CSV file is not saved in UTF-8 (the first wrong byte is on line {line}), so its accented letters would be wrong; no row was imported. In Excel, use Save As with the "CSV UTF-8" (*.csv) format, or upload the .xlsx file.',
  },
  import_file_empty: {
    status: 400,
    vi: 'Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.',
    en: 'The file has no data rows below its header.',
  },
  /** `columns`: the required columns not found, by their headers in the template. */
  import_columns_missing: {
    status: 400,
    vi: 'Dòng tiêu đề thiếu cột bắt buộc: {columns}. Hãy dùng tệp mẫu.',
    en: 'The header row lacks the required columns: {columns}. Use the template.',
  },
  /** `columns`: the columns found more than once, by their headers in the template. */
  import_columns_duplicated: {
    status: 400,
    vi: 'Dòng tiêu đề có cột bị lặp lại: {columns}. Mỗi cột chỉ được có một lần.',
    en: 'The header row repeats the columns: {columns}. Each column may appear once.',
  },
  /** `state`: the import's state, in words (not `status`: an error's options never name a status). */
  import_not_cancellable: {
    status: 409,
    vi: 'Không thể hủy lượt nhập đang ở trạng thái "{state}".',
    en: 'An import that is "{state}" cannot be cancelled.',
  },

  // The reasons a row is rejected (the row's other cells are checked all the same).
  /** `column`: the column's name. */
  import_value_required: {
    status: 400,
    vi: 'Chưa có {column}.',
    en: 'The {column} is empty.',
  },
  /** `value`: the cell as written. */
  import_date_invalid: {
    status: 400,
    vi: '"{value}" không phải ngày hợp lệ; ghi ngày theo dạng ngày/tháng/năm dd/MM/yyyy (ví dụ 05/03/1985).',
    en: '"{value}" is not a valid date; write dates as day/month/year dd/MM/yyyy (e.g. 05/03/1985).',
  },
  import_gender_invalid: {
    status: 400,
    vi: 'Giới tính "{value}" không hợp lệ; ghi Nam hoặc Nữ.',
    en: 'Sex "{value}" is not valid; write Nam (male) or Nữ (female).',
  },
  import_province_unknown: {
    status: 400,
    vi: 'Không có tỉnh, thành phố mã "{value}" trong danh mục năm 2021 (mã 2 chữ số, ví dụ 01 Hà Nội, 79 TP Hồ Chí Minh).',
    en: 'No province or city has the code "{value}" in the 2021 list (2 digits, e.g. 01 Hà Nội, 79 Hồ Chí Minh City).',
  },
  /** `digits`: how many digits a code of the column has. */
  import_unit_code_invalid: {
    status: 400,
    vi: '"{value}" không phải mã gồm {digits} chữ số.',
    en: '"{value}" is not a code of {digits} digits.',
  },
  import_dose_number_invalid: {
    status: 400,
    vi: 'Mũi số "{value}" không hợp lệ; ghi một số từ 1 đến 9 hoặc để trống.',
    en: 'Dose number "{value}" is not valid; write a number from 1 to 9 or leave it empty.',
  },
  import_dose_kind_invalid: {
    status: 400,
    vi: 'Loại mũi "{value}" không hợp lệ; ghi Cơ bản, Bổ sung hoặc Nhắc lại, hoặc để trống.',
    en: 'Dose kind "{value}" is not valid; write Cơ bản (primary), Bổ sung (additional) or Nhắc lại (booster), or leave it empty.',
  },
  /** `max`: the most characters the column takes. */
  import_value_too_long: {
    status: 400,
    vi: 'Dài quá {max} ký tự.',
    en: 'Longer than {max} characters.',
  },
  import_number_as_scientific: {
    status: 400,
    vi: '"{value}" là số đã bị Excel đổi sang dạng khoa học (E+) nên mất chữ số; hãy định dạng cột là Văn bản (Text) và nhập lại số đầy đủ.',
    en: '"{value}" is a number Excel turned into scientific notation (E+), losing digits; format the column as Text and type the full number again.',
  },
} as const satisfies Record<string, ErrorEntry>;
