import { paths } from '../../paths';

/** The URL path of the statistics dashboard below /quan-tri (see STAFF_AREAS). */
export const STATS_PATH = 'thong-ke';

/** URLs of the statistics screens. */
export const statsPaths = {
  dashboard: `${paths.staffHome}/${STATS_PATH}`,
} as const;
