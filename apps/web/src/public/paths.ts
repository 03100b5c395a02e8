/** The citizens' portal and the verifier (public area, Vietnamese slugs). */
export const publicPaths = {
  certificateLookup: '/tra-cuu',
  report: '/phan-anh',
  reportStatus: '/phan-anh/tra-cuu',
  registration: '/dang-ky',
  verifier: '/xac-thuc',
  statistics: '/thong-ke',
} as const;
