import { paths } from '../../paths';

/** The URL path of the administration area below /quan-tri (see STAFF_AREAS). */
export const ADMIN_PATH = 'he-thong';

const base = `${paths.staffHome}/${ADMIN_PATH}`;

/** URLs of the administration screens (Vietnamese slugs), one per section. */
export const adminPaths = {
  home: base,
  users: `${base}/nguoi-dung`,
  facilities: `${base}/co-so-tiem`,
  units: `${base}/don-vi-hanh-chinh`,
  stock: `${base}/vac-xin`,
  keys: `${base}/khoa-ky`,
  audit: `${base}/nhat-ky`,
} as const;
