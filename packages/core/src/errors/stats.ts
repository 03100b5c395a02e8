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
} as const satisfies Record<string, ErrorEntry>;
