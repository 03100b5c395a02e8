/** The app's public URLs (Vietnamese slugs). */
export const paths = {
  landing: '/',
  login: '/dang-nhap',
  staffHome: '/quan-tri',
  /** The citizen's e-health book (Sổ sức khỏe điện tử), an installable app of its own. */
  healthBook: '/so-suc-khoe',
} as const;
