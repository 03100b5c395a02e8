import { paths } from '../../paths';

/** The URL path of the report-handling area below /quan-tri (see STAFF_AREAS). */
export const REPORTS_PATH = 'phan-anh';

const base = `${paths.staffHome}/${REPORTS_PATH}`;

/** URLs of the report-handling screens (Vietnamese slugs). */
export const reportsPaths = {
  queue: base,
  report: (id: string) => `${base}/${encodeURIComponent(id)}`,
  campaigns: `${base}/chien-dich`,
  campaign: (id: string) => `${base}/chien-dich/${encodeURIComponent(id)}`,
} as const;
