/** The two languages of the platform: Vietnamese (default) and English. */
export type Lang = 'vi' | 'en';

/** A message in both languages; rules return these so every edge can answer in the caller's language. */
export interface Localized {
  readonly vi: string;
  readonly en: string;
}

/** A number as each language writes it: `1.000.000` and `1,000,000`. */
export function localizedNumber(n: number): Localized {
  return { vi: n.toLocaleString('vi-VN'), en: n.toLocaleString('en-US') };
}

/**
 * Picks the language from an `Accept-Language` header: English only when the caller prefers it
 * over Vietnamese; Vietnamese otherwise (the default for a national platform).
 */
export function pickLang(acceptLanguage: string | undefined | null): Lang {
  if (!acceptLanguage) return 'vi';
  let best: { lang: Lang; q: number } | undefined;
  for (const part of acceptLanguage.split(',')) {
    const [tagRaw, ...params] = part.trim().split(';');
    const tag = (tagRaw ?? '').trim().toLowerCase();
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const lang: Lang | undefined = tag.startsWith('vi') ? 'vi' : tag.startsWith('en') ? 'en' : undefined;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'vi';
}
