import { paths } from '../../paths';

/** The URL path of the bulk import of historical doses below /quan-tri (see STAFF_AREAS). */
export const IMPORTS_PATH = 'nhap-mui-tiem';

const base = `${paths.staffHome}/${IMPORTS_PATH}`;

/** URLs of the import screen: the upload form, and one import's progress and summary (`?id=`, kept across a reload). */
export const importsPaths = {
  home: base,
  job: (id: string) => `${base}?${new URLSearchParams({ id }).toString()}`,
} as const;
