/** The app's public URLs (Vietnamese slugs). */
export const paths = {
  landing: '/',
  login: '/dang-nhap',
  staffHome: '/quan-tri',
} as const;
