import type { ErrorEntry } from './entry.js';

/**
 * The population import (`POST /api/stats/population`, docs/population-import.md): the file and
 * each of its rows. A row's error names the row as a spreadsheet shows it (the header is row 1)
 * and the column (`field`); the answer lists the first problems of the whole file in `problems`.
 */
export const POPULATION_ERRORS = {
  population_file_required: {
    status: 400,
    vi: 'Chưa có tệp dân số (CSV hoặc XLSX) trong trường "file".',
    en: 'No population file (CSV or XLSX) in the "file" field.',
  },
  /** `reason`: what could not be read, in both languages (core's IMPORT_FILE_FAULTS). */
  population_file_unreadable: {
    status: 400,
    vi: 'Không đọc được tệp dân số (cần CSV UTF-8 hoặc XLSX): {reason}',
    en: 'The population file cannot be read (CSV in UTF-8 or XLSX expected): {reason}',
  },
  population_file_empty: {
    status: 400,
    vi: 'Tệp dân số không có dòng số liệu nào dưới dòng tiêu đề.',
    en: 'The population file has no data rows below its header.',
  },
  /** `columns`: the columns not found, in the file's words. */
  population_header_missing: {
    status: 400,
    vi: 'Không tìm thấy cột bắt buộc trong dòng tiêu đề: {columns} (xem tài liệu định dạng tệp dân số).',
    en: 'Required columns not found in the header row: {columns} (see the population file format).',
  },
  population_unit_invalid: {
    status: 400,
    vi: 'Dòng {row}: mã đơn vị "{value}" không hợp lệ (mã tỉnh 2 chữ số, huyện 3, xã 5; giữ số 0 ở đầu).',
    en: 'Row {row}: unit code "{value}" is not valid (province 2 digits, district 3, commune 5; keep leading zeros).',
  },
  /** `scheme`: 2021 or 2025. */
  population_unit_unknown: {
    status: 400,
    vi: 'Dòng {row}: không có đơn vị mã "{value}" trong danh mục {scheme}.',
    en: 'Row {row}: no unit with code "{value}" in the {scheme} list.',
  },
  population_unit_mismatch: {
    status: 400,
    vi: 'Dòng {row}: đơn vị "{value}" không thuộc đơn vị cấp trên ghi cùng dòng.',
    en: 'Row {row}: unit "{value}" is not within the parent unit given on the same row.',
  },
  population_scheme_invalid: {
    status: 400,
    vi: 'Dòng {row}: danh mục "{value}" không hợp lệ (2021 hoặc 2025).',
    en: 'Row {row}: scheme "{value}" is not valid (2021 or 2025).',
  },
  population_scheme_mixed: {
    status: 400,
    vi: 'Dòng {row}: một tệp chỉ dùng một danh mục đơn vị (các dòng trước dùng {scheme}).',
    en: 'Row {row}: one file uses one unit scheme (the rows before use {scheme}).',
  },
  population_sex_invalid: {
    status: 400,
    vi: 'Dòng {row}: giới tính "{value}" không hợp lệ (Nam/Nữ hoặc male/female).',
    en: 'Row {row}: sex "{value}" is not valid (Nam/Nữ or male/female).',
  },
  population_age_invalid: {
    status: 400,
    vi: 'Dòng {row}: nhóm tuổi "{value}" không hợp lệ (một nhóm 0-4, 5-11, 12-17, 18-49, 50-64, 65+, một độ tuổi hoặc khoảng tuổi).',
    en: 'Row {row}: age "{value}" is not valid (a band 0-4, 5-11, 12-17, 18-49, 50-64, 65+, a single age or an age range).',
  },
  population_age_straddles: {
    status: 400,
    vi: 'Dòng {row}: khoảng tuổi "{value}" nằm trên hai nhóm tuổi của chương trình; hãy dùng từng độ tuổi hoặc nhóm của chương trình.',
    en: 'Row {row}: the age range "{value}" spans two of the programme’s age bands; give single ages or the programme’s bands.',
  },
  population_count_invalid: {
    status: 400,
    vi: 'Dòng {row}: dân số "{value}" không phải số nguyên không âm.',
    en: 'Row {row}: population "{value}" is not a whole number of zero or more.',
  },
  /** `other`: the row it overlaps. */
  population_row_overlap: {
    status: 400,
    vi: 'Dòng {row}: trùng với dòng {other} (cùng đơn vị, giới tính và độ tuổi).',
    en: 'Row {row}: overlaps row {other} (same unit, sex and ages).',
  },
  /** A coarser row given with finer ones: it must equal their sum (it is a check, not added). */
  population_total_mismatch: {
    status: 400,
    vi: 'Dòng {row}: tổng của đơn vị {unit} là {given} nhưng các dòng chi tiết trong đơn vị này cộng lại là {sum}.',
    en: 'Row {row}: the total of unit {unit} is {given} but the detailed rows within it add up to {sum}.',
  },
} as const satisfies Record<string, ErrorEntry>;
