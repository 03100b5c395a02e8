/**
 * Personal names. Stored names are Unicode NFC (so that `ễ` typed as one code point or as
 * `e` + two combining marks is the same name), with whitespace collapsed and every word
 * capitalised: "nguyễn  văn an" → "Nguyễn Văn An", "ĐỖ THỊ ÁNH" → "Đỗ Thị Ánh".
 * Letters of every script are allowed (foreign nationals register too), plus spaces, apostrophes,
 * hyphens and dots ("H'Hen Niê", "Y-Moan", "J. R."). Search uses {@link nameSearchKey}, the
 * name without diacritics, so "nguyen van an" finds "Nguyễn Văn An".
 * All violations are reported on the field `fullName`.
 */
import { fail, ok, type RuleResult } from './result.js';

/** The field every name violation is reported on. */
export const NAME_FIELD = 'fullName';

/** The longest accepted name, in Unicode code points after normalisation. */
export const NAME_MAX_LENGTH = 100;

/** A Vietnamese-order name split into family name (họ) and given names (tên đệm và tên). */
export interface NameParts {
  /** The first word, e.g. `Nguyễn`; empty for a one-word name. */
  familyName: string;
  /** The other words, e.g. `Văn An`. */
  givenNames: string;
}

const WHITESPACE_RE = /\s+/gu;
const APOSTROPHES = "'\u2019";
const WORD_STARTERS = ` -.${APOSTROPHES}`;
const ALLOWED_RE = /^[\p{L}\p{M} '\u2019\-.]*$/u;
const DIGIT_RE = /\p{Nd}/u;

/** NFC, every run of whitespace (including no-break and ideographic spaces) as one space, trimmed. */
function tidy(raw: string): string {
  return raw.normalize('NFC').replace(WHITESPACE_RE, ' ').trim();
}

/**
 * Lower-cases the whole name, then upper-cases the first letter of every word and of every part
 * after a hyphen, apostrophe or dot ("h'hen" → "H'Hen", "jean-pierre" → "Jean-Pierre"). A letter
 * whose upper case is not a single character (ß → SS) is left as it is, so the result is stable.
 */
function capitalise(name: string): string {
  // Word by word (a space starts a word, so the result is the same as over the whole name),
  // each word computed once: names draw on a small vocabulary (Nguyễn, Thị, Văn…), and
  // certificates and imports normalise millions of them.
  const words = name.split(' ');
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    let done = CAPITALISED.get(word);
    if (done === undefined) {
      done = capitaliseWord(word);
      if (CAPITALISED.size >= CAPITALISED_MAX) CAPITALISED.clear();
      CAPITALISED.set(word, done);
    }
    words[i] = done;
  }
  return words.join(' ');
}

const CAPITALISED = new Map<string, string>();
const CAPITALISED_MAX = 20_000;

function capitaliseWord(word: string): string {
  let out = '';
  let atStart = true;
  for (const ch of word.toLowerCase()) {
    if (WORD_STARTERS.includes(ch)) {
      atStart = true;
      out += ch;
    } else if (atStart && /\p{L}/u.test(ch)) {
      const upper = ch.toUpperCase();
      out += [...upper].length === 1 ? upper : ch;
      atStart = false;
    } else {
      out += ch;
      if (/\p{L}/u.test(ch)) atStart = false;
    }
  }
  return out.normalize('NFC');
}

/**
 * Normalises a person's name for storage: NFC, whitespace collapsed and trimmed, each word
 * capitalised with the rest lower-case. Rejects an empty name, one longer than 100 characters,
 * digits, symbols other than space, apostrophe, hyphen and dot, and a name with no letter.
 */
export function normalizeName(raw: string): RuleResult<string> {
  const s = tidy(raw);
  if (s === '') {
    return fail('name_required', NAME_FIELD, 'Vui lòng nhập họ và tên.', 'Please enter the full name.');
  }
  if (DIGIT_RE.test(s)) {
    return fail(
      'name_contains_digits',
      NAME_FIELD,
      'Họ và tên không được chứa chữ số.',
      'A name cannot contain digits.',
    );
  }
  if (!ALLOWED_RE.test(s)) {
    return fail(
      'name_invalid_characters',
      NAME_FIELD,
      "Họ và tên chỉ gồm chữ cái, dấu cách, dấu nháy ('), gạch ngang (-) và dấu chấm (.).",
      "A name contains only letters, spaces, apostrophes ('), hyphens (-) and dots (.).",
    );
  }
  if (!/\p{L}/u.test(s)) {
    return fail('name_no_letters', NAME_FIELD, 'Họ và tên phải có chữ cái.', 'A name must contain letters.');
  }
  const name = capitalise(s);
  const length = [...name].length;
  if (length > NAME_MAX_LENGTH) {
    return fail(
      'name_too_long',
      NAME_FIELD,
      `Họ và tên dài tối đa ${NAME_MAX_LENGTH} ký tự (đã nhập ${length}).`,
      `A name has at most ${NAME_MAX_LENGTH} characters (got ${length}).`,
    );
  }
  return ok(name);
}

const LATIN_MARKS_RE = /(?<=\p{Script=Latin})\p{M}+/gu;

/**
 * The key names are searched by: lower case, Vietnamese (and other Latin) diacritics removed,
 * `đ`/`Đ` → `d`, apostrophes dropped, hyphens and dots as spaces, single spaces, trimmed.
 * "Nguyễn Văn An" → "nguyen van an", "H'Hen Niê" → "hhen nie". Letters of other scripts are
 * only lower-cased. Works on raw input as well as on normalised names (NFC or NFD alike).
 */
export function nameSearchKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(LATIN_MARKS_RE, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .replace(/[\s\-.]+/gu, ' ')
    .trim()
    .normalize('NFC');
}

/**
 * Splits a full name in Vietnamese order: the first word is the family name (họ), the rest are
 * the given names (tên đệm và tên). Whitespace is tidied (NFC, single spaces) but case is kept;
 * a one-word name is all given name: `{ familyName: '', givenNames: 'Hồng' }`.
 */
export function splitVietnameseName(fullName: string): NameParts {
  const words = tidy(fullName)
    .split(' ')
    .filter((w) => w !== '');
  if (words.length <= 1) return { familyName: '', givenNames: words[0] ?? '' };
  const [familyName = '', ...rest] = words;
  return { familyName, givenNames: rest.join(' ') };
}
