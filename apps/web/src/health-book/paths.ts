/**
 * The e-health book's URLs (Vietnamese slugs), all under `/so-suc-khoe` (`paths.healthBook` of
 * src/paths.ts, and the web manifest's scope). Written out here rather than imported: the book's
 * chunks importing src/paths.ts moved that module out of the entry into a chunk of its own, one
 * more request on every page.
 */
export const BOOK_ROOT = '/so-suc-khoe';

export const bookPaths = {
  home: BOOK_ROOT,
  member: (personId: string) => `${BOOK_ROOT}/nguoi/${encodeURIComponent(personId)}`,
  /** A report about a member: a dose (`doseId`), a dose missing (`missing`), else their personal details. */
  report: (personId: string, about: { doseId?: string; missing?: boolean } = {}) =>
    `${BOOK_ROOT}/nguoi/${encodeURIComponent(personId)}/phan-anh${
      about.doseId ? `?mui=${encodeURIComponent(about.doseId)}` : about.missing ? '?thieu-mui' : ''
    }`,
  addMember: `${BOOK_ROOT}/them-nguoi`,
  reports: `${BOOK_ROOT}/phan-anh`,
  devices: `${BOOK_ROOT}/thiet-bi`,
} as const;

/** The web manifest and icons of the book (apps/web/public), linked while the book is shown. */
export const BOOK_MANIFEST = '/so-suc-khoe.webmanifest';
export const BOOK_APPLE_TOUCH_ICON = '/icons/so-suc-khoe-apple-touch-180.png';
