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

/**
 * The longest text taken for a name as typed, trimmed (UTF-16 code units): ten times
 * NAME_MAX_LENGTH, room enough for a longest name with its accents typed apart (NFD, up to four
 * code points a letter) and its words several spaces apart. A longer text is refused as too long
 * before it is normalised — a spreadsheet cell of 20 million characters took seconds and hundreds
 * of megabytes to normalise, and overflowed the regular expressions' stack.
 */
export const NAME_MAX_TYPED_LENGTH = NAME_MAX_LENGTH * 10;

/** A Vietnamese-order name split into family name (họ) and given names (tên đệm và tên). */
export interface NameParts {
  /** The first word, e.g. `Nguyễn`; empty for a one-word name. */
  familyName: string;
  /** The other words, e.g. `Văn An`. */
  givenNames: string;
}

// The regular expressions here repeat no class under the `u` flag: V8 runs such a repetition
// (`[…]*`, `\s+` with `u`) with a backtracking stack that grows with the run it matches, and a run
// of millions of characters of a two-byte string overflowed it ("Maximum call stack size
// exceeded", a spreadsheet cell of 20 million). `\s` is the same set with or without `u`: no
// whitespace lies outside the BMP.
const WHITESPACE_RE = /\s+/g;
const APOSTROPHES = "'\u2019";
const WORD_STARTERS = ` -.${APOSTROPHES}`;
/** A character a name cannot have: searched for, instead of matching the whole name against the allowed ones. */
const NOT_ALLOWED_RE = /[^\p{L}\p{M} '\u2019\-.]/u;
const DIGIT_RE = /\p{Nd}/u;
/** A combining mark that follows neither a letter nor another mark (a mark on a space, a hyphen, or the start). */
const BARE_MARK_RE = /(?<![\p{L}\p{M}])\p{M}/u;

/** A character of the Halfwidth and Fullwidth Forms block (U+FF00–U+FFEF), one at a time (see WHITESPACE_RE). */
const WIDTH_FORM_RE = /[\uFF00-\uFFEF]/g;

/**
 * Full-width Latin letters and punctuation ("Ｎｇｕｙｅｎ", what some phone keyboards and PDFs give)
 * as their ordinary forms ("Nguyen"), and half-width forms as full ones: NFKC, applied to the
 * characters of that block only. Not NFKC of the whole name, which would also rewrite other
 * compatibility characters a name may carry as typed (ligatures, "ǅ", "ª"); NFKC leaves Vietnamese
 * letters, composed or not, as they are in any case.
 */
function foldWidth(raw: string): string {
  return raw.replace(WIDTH_FORM_RE, (ch) => ch.normalize('NFKC'));
}

/**
 * Full-width forms folded, NFC, every run of whitespace (including no-break and ideographic
 * spaces) as one space, trimmed.
 */
function tidy(raw: string): string {
  return foldWidth(raw).normalize('NFC').replace(WHITESPACE_RE, ' ').trim();
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
 * Normalises a person's name for storage: full-width letters as ordinary ones, NFC, whitespace
 * collapsed and trimmed, each word capitalised with the rest lower-case. Rejects an empty name,
 * one longer than 100 characters, digits, symbols other than space, apostrophe, hyphen and dot, a
 * name with no letter, a word with no letter and an accent on no letter. A text longer than
 * NAME_MAX_TYPED_LENGTH is refused as too long at once, its length counted as typed.
 */
export function normalizeName(raw: string): RuleResult<string> {
  const typed = raw.trim();
  if (typed.length > NAME_MAX_TYPED_LENGTH) return tooLong(codePoints(typed));
  const s = tidy(typed);
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
  if (NOT_ALLOWED_RE.test(s)) {
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
  // An accent stands on a letter, and every word has a letter: "Lê ́́́́ Tâm" (a "word" of bare
  // accents) and "Lê - Tâm" are refused.
  if (BARE_MARK_RE.test(s) || s.split(' ').some((word) => !/\p{L}/u.test(word))) {
    return fail(
      'name_invalid_characters',
      NAME_FIELD,
      "Họ và tên chỉ gồm chữ cái, dấu cách, dấu nháy ('), gạch ngang (-) và dấu chấm (.).",
      "A name contains only letters, spaces, apostrophes ('), hyphens (-) and dots (.).",
    );
  }
  const name = capitalise(s);
  const length = codePoints(name);
  return length > NAME_MAX_LENGTH ? tooLong(length) : ok(name);
}

function tooLong(length: number): RuleResult<string> {
  return fail(
    'name_too_long',
    NAME_FIELD,
    `Họ và tên dài tối đa ${NAME_MAX_LENGTH} ký tự (đã nhập ${length}).`,
    `A name has at most ${NAME_MAX_LENGTH} characters (got ${length}).`,
  );
}

/** The code points of a text, counted without making an array of them. */
function codePoints(s: string): number {
  let n = s.length;
  // A low surrogate after a high one is the second half of one code point.
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) {
      const before = s.charCodeAt(i - 1);
      if (before >= 0xd800 && before <= 0xdbff) n--;
    }
  }
  return n;
}

/**
 * The combining marks after a Latin letter, at most 32 of them: a bounded repetition cannot
 * overflow the stack on a run of millions of marks (see WHITESPACE_RE); marks beyond the 32nd of
 * a run, which no letter has, are kept.
 */
const LATIN_MARKS_RE = /(?<=\p{Script=Latin})\p{M}{1,32}/gu;

/**
 * The key names are searched by: full-width letters as ordinary ones, lower case, Vietnamese (and other Latin) diacritics removed,
 * `đ`/`Đ` → `d`, apostrophes dropped, hyphens and dots as spaces, single spaces, trimmed.
 * "Nguyễn Văn An" → "nguyen van an", "H'Hen Niê" → "hhen nie". Letters of other scripts are
 * only lower-cased. Works on raw input as well as on normalised names (NFC or NFD alike).
 */
export function nameSearchKey(name: string): string {
  return foldWidth(name)
    .normalize('NFD')
    .replace(LATIN_MARKS_RE, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .replace(/[\s\-.]+/g, ' ')
    .trim()
    .normalize('NFC');
}

/** The five Vietnamese tone marks, as combining characters: grave, acute, tilde, hook above, dot below. */
const TONE_MARKS_RE = /[\u0300\u0301\u0303\u0309\u0323]/g;

/**
 * The key two spellings of one name compare by: lower case, single spaces, and each word's tone
 * mark moved to the word's end — so the two accepted placements of a tone mark ("old" Thuỷ, Hoà,
 * Khoẻ; "new" Thủy, Hòa, Khỏe) are the same name, while the letters and the tones themselves
 * (Hòa ≠ Hoa ≠ Hóa, Đức ≠ Duc) still count. NFC or NFD input alike.
 */
export function nameComparisonKey(name: string): string {
  return name
    .normalize('NFD')
    .toLocaleLowerCase('vi')
    .trim()
    .split(/\s+/)
    .map((word) => {
      const tones = word.match(TONE_MARKS_RE)?.join('') ?? '';
      return `${word.replace(TONE_MARKS_RE, '')}${tones}`;
    })
    .join(' ');
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
