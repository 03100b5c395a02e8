import type { ErrorEntry } from './entry.js';

/** Statistics (issue 15): the unit a figure is asked for, the scheme of units, the filters of a breakdown. */
export const STATS_ERRORS = {
  /** A unit (of the level and scheme asked) or facility that does not exist. */
  stats_unknown_unit: {
    status: 404,
    vi: 'Không có đơn vị hoặc cơ sở tiêm này trong danh mục đã chọn.',
    en: 'No unit or facility of this level has this code in the chosen list of units.',
  },
  /** Figures by the 2025 units are for the nation and the provinces (districts were abolished). */
  stats_scheme_scope: {
    status: 403,
    vi: 'Số liệu theo đơn vị hành chính mới (2025) chỉ dành cho cấp trung ương và cấp tỉnh.',
    en: 'Figures by the 2025 units are for national and province accounts only.',
  },
  /** A filter the chosen breakdown's figures cannot apply (`filter`: its name). */
  stats_filter_unsupported: {
    status: 400,
    vi: 'Không lọc được theo "{filter}" với cách phân tích này.',
    en: 'This breakdown cannot be filtered by "{filter}".',
  },
  /** A date range whose start is after its end (core's `statsRangeProblem`; a single day, `from` = `to`, is good). */
  stats_range_invalid: {
    status: 400,
    vi: 'Khoảng thời gian không hợp lệ: ngày bắt đầu ({from}) sau ngày kết thúc ({to}).',
    en: 'The date range is not valid: the start ({from}) is after the end ({to}).',
  },
  /** A date range longer than the figures are read for at once (`UNRECORDED_MAX_DAYS` for the possible unrecorded doses). */
  stats_range_too_long: {
    status: 400,
    vi: 'Khoảng thời gian tối đa là {maxDays} ngày.',
    en: 'The date range can be at most {maxDays} days.',
  },
} as const satisfies Record<string, ErrorEntry>;
