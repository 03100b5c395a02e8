/**
 * Machine-readable names (ICAO Doc 9303 Part 3, §6 and Appendix 6 to Part 3), as the EU DCC's `fnt` and
 * `gnt` require: upper case `A`–`Z` only, diacritics dropped, the filler `<` between name parts.
 * "Nguyễn Thị Ánh Tuyết" → "NGUYEN<THI<ANH<TUYET"; Đ/đ → D.
 */

/** The longest machine-readable name the DCC schema allows (`fnt`/`gnt` maxLength). */
export const ICAO_NAME_MAX_LENGTH = 80;

/**
 * Letters ICAO transliterates to more than their base letter (the mandatory table of Doc 9303
 * Part 3), plus the stroked letters that do not decompose in Unicode. Vietnamese needs only Đ;
 * the others keep foreign names (a German Ö → OE, as in the EU test data) right.
 */
const SPECIAL: Readonly<Record<string, string>> = {
  Ä: 'AE',
  Å: 'AA',
  Æ: 'AE',
  Ö: 'OE',
  Ø: 'OE',
  Ü: 'UE',
  ß: 'SS',
  ẞ: 'SS',
  Œ: 'OE',
  Þ: 'TH',
  Ĳ: 'IJ',
  Đ: 'D', // Vietnamese đ (U+0110)
  Ð: 'D', // Icelandic eth (U+00D0), looks the same
  Ł: 'L',
  Ħ: 'H',
  Ŧ: 'T',
  Ŀ: 'L',
  Ŋ: 'N',
};

/** Separators between name parts, written as the filler `<`. */
const SEPARATOR_RE = /[\s\-‐‑‒–—.,]/u;
/** Apostrophes: ICAO omits them ("D'ARTAGNAN" → "DARTAGNAN", "H'Hen Niê" → "HHEN<NIE"). */
const APOSTROPHE_RE = /['\u2019\u02bc\u2018`´]/u;
const MARKS_RE = /\p{M}+/gu;

/**
 * The ICAO 9303 machine-readable form of a name: upper case, no diacritics (ư → U, ơ → O, ă/â → A,
 * ê → E, ô → O, every tone mark dropped), Đ → D, spaces and hyphens as `<`, apostrophes omitted
 * (as ICAO says; the DCC schema's own example is "d'Červenková" → "DCERVENKOVA"), runs of `<`
 * as one, none at either end, at most 80 characters. Letters with no Latin transliteration
 * (other scripts) are left out, so the result always matches `^[A-Z<]*$`.
 */
export function toIcao(name: string): string {
  return tidyIcao(icaoCharacters(name.normalize('NFC')));
}

/**
 * Each character of an NFC string transliterated, concatenated as they come: separators as `<`,
 * runs and ends not yet tidied (see {@link tidyIcao}). The transliteration of words joined by
 * `<` is the transliteration of the words joined by spaces.
 */
export function icaoCharacters(nfc: string): string {
  let out = '';
  for (const ch of nfc) out += icaoOfChar(ch);
  return out;
}

/**
 * Runs of the filler `<` as one, none at either end, at most 80 characters: a longer name is cut
 * after its last whole part that fits ("…<MINH<CHAU" → "…<MINH"), or mid-part when that would
 * keep less than half the length (one part longer than that).
 */
export function tidyIcao(raw: string): string {
  if (raw.length <= ICAO_NAME_MAX_LENGTH && !raw.includes('<<') && raw[0] !== '<' && !raw.endsWith('<')) return raw;
  const out = raw.replace(/<{2,}/g, '<').replace(/^<+|<+$/g, '');
  if (out.length <= ICAO_NAME_MAX_LENGTH) return out;
  // A `<` at index 80 ends a part that fits whole.
  const filler = out.lastIndexOf('<', ICAO_NAME_MAX_LENGTH);
  if (filler >= ICAO_NAME_MAX_LENGTH / 2) return out.slice(0, filler);
  return out.slice(0, ICAO_NAME_MAX_LENGTH).replace(/<+$/, '');
}

/** Each character's transliteration, computed once: names draw on a few hundred characters. */
const CHAR_CACHE = new Map<string, string>();
const CHAR_CACHE_MAX = 4096;

function icaoOfChar(ch: string): string {
  const cached = CHAR_CACHE.get(ch);
  if (cached !== undefined) return cached;
  let value: string;
  const upper = ch.toUpperCase();
  const special = SPECIAL[upper] ?? SPECIAL[ch];
  if (special !== undefined) value = special;
  else if (SEPARATOR_RE.test(ch)) value = '<';
  else if (APOSTROPHE_RE.test(ch))
    value = ''; // omitted
  else
    value = upper
      .normalize('NFD')
      .replace(MARKS_RE, '')
      .replace(/[^A-Z]/g, '');
  if (CHAR_CACHE.size < CHAR_CACHE_MAX) CHAR_CACHE.set(ch, value);
  return value;
}
