import type { ErrorEntry } from './entry.js';

/**
 * The FHIR R4 read API (`/fhir`, docs/fhir.md). Its errors are answered as an `OperationOutcome`
 * whose issue carries the code below (and the common ones: `unauthenticated`, `forbidden`,
 * `out_of_scope`, `not_found`, `route_not_found`…).
 */
export const FHIR_ERRORS = {
  fhir_parameter_unknown: {
    status: 400,
    vi: 'Máy chủ không hỗ trợ tham số {name}.',
    en: 'The parameter {name} is not supported.',
  },
  fhir_parameter_invalid: {
    status: 400,
    vi: 'Giá trị của tham số {name} không hợp lệ.',
    en: 'The value of the parameter {name} is not valid.',
  },
  fhir_parameter_required: {
    status: 400,
    vi: 'Cần có tham số {name}.',
    en: 'The parameter {name} is required.',
  },
  fhir_format_unsupported: {
    status: 406,
    vi: 'Máy chủ chỉ trả dữ liệu FHIR dạng JSON (application/fhir+json).',
    en: 'This server answers FHIR JSON only (application/fhir+json).',
  },
  fhir_no_dose: {
    status: 404,
    vi: 'Người này chưa có mũi tiêm nào được ghi nhận (hoặc không có mũi tiêm số này).',
    en: 'No dose is recorded for this person (or none with this number).',
  },
} as const satisfies Record<string, ErrorEntry>;
