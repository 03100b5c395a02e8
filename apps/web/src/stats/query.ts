/**
 * The public statistics page's place in its URL (`/thong-ke?scheme=2025&tinh=87`): which list of
 * provinces (the 2021 or the 2025 units) and which province's doses per day (none: the nation).
 */
export type Scheme = '2021' | '2025';
export interface StatsQuery {
  scheme: Scheme;
  /** A two-digit province code, or '' for the whole country. */
  province: string;
}

/** The page's query from its URL: anything but `2025` is the 2021 list, anything but two digits the nation. */
export function statsQueryOf(params: URLSearchParams): StatsQuery {
  const scheme: Scheme = params.get('scheme') === '2025' ? '2025' : '2021';
  const tinh = params.get('tinh') ?? '';
  return { scheme, province: /^\d{2}$/.test(tinh) ? tinh : '' };
}

/** The URL's search for a query; the defaults (2021, the nation) are left out. */
export function searchOf(query: StatsQuery): URLSearchParams {
  const q = new URLSearchParams();
  if (query.scheme !== '2021') q.set('scheme', query.scheme);
  if (query.province) q.set('tinh', query.province);
  return q;
}

/**
 * Whether the API refused the figures because of the province the URL names: a code that is in
 * neither list (`tinh=99`), or one of the other list (`tinh=87&scheme=2025`, a 2021 code). No retry
 * can mend that: the page shows the whole country instead (and says why).
 */
export function isUnknownProvince(error: { status: number; field: string | undefined } | null): boolean {
  return error !== null && error.status === 400 && error.field === 'province';
}

/** The query the page shows when the API refused its province: the same list, the whole country. */
export function withoutUnknownProvince(
  query: StatsQuery,
  error: { status: number; field: string | undefined } | null,
): StatsQuery {
  return query.province && isUnknownProvince(error) ? { ...query, province: '' } : query;
}
