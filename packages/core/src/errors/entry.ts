/**
 * One entry of the error catalogue: the HTTP status the code is answered with and its message in
 * Vietnamese and English. A message may name placeholders in braces (`{lotNumber}`), which the
 * raise site fills (the same ones in both languages).
 */
export interface ErrorEntry {
  readonly status: number;
  readonly vi: string;
  readonly en: string;
}
