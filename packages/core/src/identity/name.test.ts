import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticPopulation } from '../synthetic.js';
import {
  NAME_MAX_LENGTH,
  NAME_MAX_TYPED_LENGTH,
  nameComparisonKey,
  nameSearchKey,
  normalizeName,
  splitVietnameseName,
} from './name.js';
import type { RuleResult } from './result.js';

function codeOf<T>(r: RuleResult<T>): string {
  return r.ok ? 'ok' : r.error.code;
}

const TONES = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323']; // none, huyền, sắc, hỏi, ngã, nặng
const VOWELS = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
const CONSONANTS = ['b', 'c', 'd', 'đ', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'q', 'r', 's', 't', 'v', 'x'];

/** One Vietnamese letter, any of the 134 with or without tone, in either case, as NFC. */
const vietnameseLetter = fc
  .oneof(
    fc.constantFrom(...CONSONANTS),
    fc.tuple(fc.constantFrom(...VOWELS), fc.constantFrom(...TONES)).map(([v, t]) => `${v}${t}`.normalize('NFC')),
  )
  .chain((l) => fc.constantFrom(l, l.toUpperCase()));

const vietnameseWord = fc.array(vietnameseLetter, { minLength: 1, maxLength: 7 }).map((ls) => ls.join(''));

/** A Vietnamese name as someone might type it: any case, any spacing, NFC. */
const typedVietnameseName = fc
  .tuple(
    fc.array(vietnameseWord, { minLength: 1, maxLength: 5 }),
    fc.array(fc.constantFrom(' ', '  ', '\t', '\u00a0'), { minLength: 6, maxLength: 6 }),
  )
  .map(([words, gaps]) => words.map((w, i) => `${gaps[i] ?? ' '}${w}`).join('') + (gaps[5] ?? ''));

describe('A citizen types their name on the registration form', () => {
  it.each([
    ['nguyễn  văn an', 'Nguyễn Văn An'],
    ['ĐỖ THỊ ÁNH', 'Đỗ Thị Ánh'],
    ['  trần\tthị\u00a0bích   ngọc \n', 'Trần Thị Bích Ngọc'],
    ['NGUYỄN THỊ ƯỚC', 'Nguyễn Thị Ước'],
    ['đặng quốc bảo', 'Đặng Quốc Bảo'],
    ['lê ngọc ửng', 'Lê Ngọc Ửng'],
    ['trương ưu đàm', 'Trương Ưu Đàm'],
    ["h'hen niê", "H'Hen Niê"],
    ['y-moan ênuôl', 'Y-Moan Ênuôl'],
    ["o'brien", "O'Brien"],
    ['mary-jane WATSON', 'Mary-Jane Watson'],
    ['j. r. r. tolkien', 'J. R. R. Tolkien'],
    ['MÜLLER', 'Müller'],
    ['straße', 'Straße'],
    ['ИВАН ПЕТРОВ', 'Иван Петров'],
    ['王小明', '王小明'],
    ['กมล ใจดี', 'กมล ใจดี'],
  ])('"%s" is stored as "%s"', (typed, stored) => {
    expect(normalizeName(typed)).toEqual({ ok: true, value: stored });
  });

  it('a name typed with decomposed accents (NFD) is stored composed (NFC)', () => {
    const typed = 'nguyễn văn ánh'.normalize('NFD');
    expect(typed).not.toBe(typed.normalize('NFC'));
    const r = normalizeName(typed);
    expect(r).toEqual({ ok: true, value: 'Nguyễn Văn Ánh' });
    if (r.ok) expect(r.value).toBe(r.value.normalize('NFC'));
  });

  it('a name with accents typed in a non-canonical order (old keyboards) is stored composed', () => {
    // e + circumflex + dot below, instead of the canonical dot below + circumflex
    expect(normalizeName('nguy\u00ea\u0323n')).toEqual({ ok: true, value: 'Nguyện' });
    expect(normalizeName('nguye\u0302\u0323n')).toEqual({ ok: true, value: 'Nguyện' });
  });

  it('an empty name is rejected', () => {
    expect(normalizeName('')).toEqual({
      ok: false,
      error: {
        code: 'name_required',
        field: 'fullName',
        message: { vi: 'Vui lòng nhập họ và tên.', en: 'Please enter the full name.' },
      },
    });
    expect(codeOf(normalizeName(' \t\n '))).toBe('name_required');
  });

  it('a name with digits is rejected', () => {
    expect(normalizeName('Nguyễn Văn 2')).toEqual({
      ok: false,
      error: {
        code: 'name_contains_digits',
        field: 'fullName',
        message: { vi: 'Họ và tên không được chứa chữ số.', en: 'A name cannot contain digits.' },
      },
    });
    expect(codeOf(normalizeName('Nguyễn Văn ٣'))).toBe('name_contains_digits');
  });

  it.each(['An@', 'An_Bình', 'Lê, Lợi', 'Lê (Lợi)', 'An 😀', 'Bình²', 'Lê/Lợi', 'An\u0000'])(
    '"%s" is rejected for a symbol a name cannot have',
    (typed) => {
      const r = normalizeName(typed);
      expect(codeOf(r)).toBe('name_invalid_characters');
      if (!r.ok)
        expect(r.error.message.vi).toBe(
          "Họ và tên chỉ gồm chữ cái, dấu cách, dấu nháy ('), gạch ngang (-) và dấu chấm (.).",
        );
    },
  );

  it('a name made only of punctuation is rejected', () => {
    expect(codeOf(normalizeName("' - .."))).toBe('name_no_letters');
  });

  it('a name typed in full-width letters (some phone keyboards, PDFs) is stored in ordinary letters', () => {
    expect(normalizeName('Ｎｇｕｙｅｎ Ｖａｎ Ｂｉｎｈ')).toEqual({ ok: true, value: 'Nguyen Van Binh' });
    expect(normalizeName('ｎｇｕｙｅｎ\u3000ｖａｎ　ｂｉｎｈ')).toEqual({ ok: true, value: 'Nguyen Van Binh' });
    // Full-width letters with Vietnamese accents typed after them, a full-width hyphen and apostrophe.
    expect(normalizeName('Ｌｅ\u0302 Ｔａ\u0302\u0301ｍ')).toEqual({ ok: true, value: 'Lê Tấm' });
    expect(normalizeName('ｙ－ｍｏａｎ ｈ＇ｈｅｎ')).toEqual({ ok: true, value: "Y-Moan H'Hen" });
    // A full-width digit is a digit.
    expect(codeOf(normalizeName('Ｎｇｕｙｅｎ ２'))).toBe('name_contains_digits');
    expect(nameSearchKey('Ｎｇｕｙễｎ Ｖăｎ')).toBe('nguyen van');
  });

  it.each(['Lê \u0301\u0301\u0301\u0301 Tâm', '\u0301Lê Tâm', 'Lê -\u0301 Tâm', 'Lê - Tâm', "Lê '. Tâm"])(
    '"%s" is rejected: an accent on no letter, or a word with no letter',
    (typed) => {
      expect(codeOf(normalizeName(typed))).toBe('name_invalid_characters');
    },
  );

  it('ordinary Vietnamese names are unchanged by the full-width folding and by NFKC (property)', () => {
    const names = [...syntheticPopulation('name-nfkc', 2000)].map((p) => p.fullName);
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...names), typedVietnameseName), (name) => {
        // NFKC keeps Vietnamese letters, composed or not (only the no-break spaces typed between
        // the words become spaces), so folding cannot change them.
        for (const word of name.split(/\s+/)) expect(word.normalize('NFKC')).toBe(word.normalize('NFC'));
        const r = normalizeName(name);
        expect(r.ok).toBe(true);
        if (r.ok && names.includes(name)) expect(r.value).toBe(name);
        // The same name in full-width letters is the same name, once its accents are composed.
        const wide = name.normalize('NFD').replace(/[A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        expect(normalizeName(wide)).toEqual(r);
      }),
      { numRuns: 2000 },
    );
  });

  it('a name of 100 characters is accepted, one of 101 is rejected', () => {
    const hundred = `${'a'.repeat(49)} ${'b'.repeat(50)}`;
    expect(normalizeName(hundred).ok).toBe(true);
    const r = normalizeName(`${hundred}c`);
    expect(codeOf(r)).toBe('name_too_long');
    if (!r.ok) expect(r.error.message.vi).toBe(`Họ và tên dài tối đa ${NAME_MAX_LENGTH} ký tự (đã nhập 101).`);
  });

  it('the length limit counts letters after composing accents and collapsing spaces', () => {
    const name = `${'ễ'.repeat(50)}     ${'ệ'.repeat(49)}`.normalize('NFD');
    expect(name.length).toBeGreaterThan(NAME_MAX_LENGTH * 2);
    expect(normalizeName(name).ok).toBe(true);
  });

  it('normalising a stored name again changes nothing (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(typedVietnameseName, fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary' })),
        (typed) => {
          const once = normalizeName(typed);
          if (!once.ok) return;
          expect(normalizeName(once.value)).toEqual(once);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('every Vietnamese name, however typed, is accepted, composed and capitalised (property)', () => {
    fc.assert(
      fc.property(typedVietnameseName, (typed) => {
        const r = normalizeName(typed);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value).toBe(r.value.normalize('NFC'));
        expect(r.value).not.toMatch(/\s{2}|^\s|\s$/);
        for (const word of r.value.split(' ')) {
          const [first = '', ...rest] = [...word];
          expect(first).toBe(first.toUpperCase());
          expect(rest.join('')).toBe(rest.join('').toLowerCase());
        }
        expect(normalizeName(typed.normalize('NFD'))).toEqual(r);
      }),
    );
  });

  /**
   * A long text as a spreadsheet reader gives it: a two-byte string (the cell's neighbours had
   * accents), on which V8's regular expressions overflowed their stack for a run of millions.
   */
  const twoByte = (text: string) => `ễ${text}`.slice(1);
  const MB20 = 20 * 2 ** 20;

  it.each([
    ['letters', twoByte('A'.repeat(MB20))],
    ['letters and spaces', twoByte('An '.repeat(MB20 / 3))],
    ['spaces between two letters', twoByte(`A${' '.repeat(MB20)}B`)],
    ['accents typed apart', twoByte('e\u0302\u0323'.repeat(MB20 / 3))],
    ['hyphens', twoByte('-'.repeat(MB20))],
  ])(
    'a cell of 20 MB of %s is refused as too long at once, not a crash (the import failed with "Maximum call stack size exceeded")',
    (_, typed) => {
      const started = performance.now();
      const r = normalizeName(typed);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(codeOf(r)).toBe('name_too_long');
      if (!r.ok) {
        // The length as typed, trimmed, in code points.
        const length = [...typed.trim()].length;
        expect(r.error.message).toEqual({
          vi: `Họ và tên dài tối đa ${NAME_MAX_LENGTH} ký tự (đã nhập ${length}).`,
          en: `A name has at most ${NAME_MAX_LENGTH} characters (got ${length}).`,
        });
      }
    },
  );

  it('a name is read whole up to its typed limit, its spaces and accents however typed', () => {
    const name = `${'ệ'.repeat(50)} ${'ễ'.repeat(49)}`.normalize('NFD');
    const spaced = `${' '.repeat(200)}${name.replace(' ', ' '.repeat(NAME_MAX_TYPED_LENGTH - name.length + 1))}\t`;
    expect(spaced.trim().length).toBe(NAME_MAX_TYPED_LENGTH);
    expect(normalizeName(spaced)).toEqual({ ok: true, value: `Ệ${'ệ'.repeat(49)} Ễ${'ễ'.repeat(48)}` });
    // One more space, and the text is refused before it is read.
    expect(codeOf(normalizeName(spaced.trim().replace(' ', '  ')))).toBe('name_too_long');
  });

  it('always answers on the fullName field, whatever is typed (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (typed) => {
        const r = normalizeName(typed);
        if (!r.ok) expect(r.error.field).toBe('fullName');
      }),
    );
  });
});

describe('Staff search people by name without typing accents', () => {
  it.each([
    ['Nguyễn Văn An', 'nguyen van an'],
    ['ĐỖ THỊ ÁNH', 'do thi anh'],
    ['Trương Ưu Đàm', 'truong uu dam'],
    ['Lê Ngọc Ửng', 'le ngoc ung'],
    ['Hoàng Thị Quỳnh Hương', 'hoang thi quynh huong'],
    ["H'Hen Niê", 'hhen nie'],
    ['Y-Moan Ênuôl', 'y moan enuol'],
    ['  nguyễn\t\tvăn   an ', 'nguyen van an'],
    ['J. R. Tolkien', 'j r tolkien'],
    ['Müller', 'muller'],
    ['Иван', 'иван'],
  ])('"%s" is found by "%s"', (name, key) => {
    expect(nameSearchKey(name)).toBe(key);
  });

  it('the key of a text of millions of spaces, hyphens or accents is made, not a crash', () => {
    const twoByte = (text: string) => `ễ${text}`.slice(1);
    expect(nameSearchKey(twoByte(`Nguyễn${' '.repeat(20_000_000)}An`))).toBe('nguyen an');
    expect(nameSearchKey(twoByte(`Lê${'-'.repeat(20_000_000)}Lợi`))).toBe('le loi');
    // Marks after a Latin letter go (32 of them: no letter has more); others stay.
    expect(nameSearchKey(twoByte(`a${'\u0301'.repeat(20_000_000)}`))).toBe(`á${'\u0301'.repeat(20_000_000 - 33)}`);
    expect(nameSearchKey(`a${'\u0301'.repeat(32)}`)).toBe('a');
  });

  it('the key of a name is the same whether its accents are composed or not (property)', () => {
    fc.assert(
      fc.property(fc.oneof(typedVietnameseName, fc.string({ unit: 'grapheme', maxLength: 30 })), (name) => {
        expect(nameSearchKey(name.normalize('NFD'))).toBe(nameSearchKey(name.normalize('NFC')));
      }),
    );
  });

  it('the key of a Vietnamese name has only a–z and single spaces (property)', () => {
    fc.assert(
      fc.property(typedVietnameseName, (name) => {
        expect(nameSearchKey(name)).toMatch(/^[a-z]+( [a-z]+)*$/);
      }),
    );
  });

  it('a stored name and what was typed have the same key (property)', () => {
    fc.assert(
      fc.property(typedVietnameseName, (typed) => {
        const r = normalizeName(typed);
        if (r.ok) expect(nameSearchKey(r.value)).toBe(nameSearchKey(typed));
      }),
    );
  });
});

describe('Certificates address people by their given name', () => {
  it.each([
    ['Nguyễn Văn An', 'Nguyễn', 'Văn An'],
    ['Lê Lợi', 'Lê', 'Lợi'],
    ['Tôn Nữ Thị Ninh', 'Tôn', 'Nữ Thị Ninh'],
    ['  Đỗ   Thị  Ánh ', 'Đỗ', 'Thị Ánh'],
    ['Hồng', '', 'Hồng'],
    ['', '', ''],
  ])('"%s" has family name "%s" and given names "%s"', (full, familyName, givenNames) => {
    expect(splitVietnameseName(full)).toEqual({ familyName, givenNames });
  });

  it('splitting keeps the case as typed and composes accents', () => {
    expect(splitVietnameseName('nguyễn văn an'.normalize('NFD'))).toEqual({
      familyName: 'nguyễn',
      givenNames: 'văn an',
    });
  });

  it('family name and given names put back together give the tidied name (property)', () => {
    fc.assert(
      fc.property(typedVietnameseName, (typed) => {
        const { familyName, givenNames } = splitVietnameseName(typed);
        const tidied = typed.normalize('NFC').replace(/\s+/g, ' ').trim();
        expect([familyName, givenNames].filter((p) => p !== '').join(' ')).toBe(tidied);
      }),
    );
  });
});

describe('A citizen types their name with the other placement of a tone mark', () => {
  it('Thuỷ and Thủy, Hoà and Hòa, Khoẻ and Khỏe are one name; the tones and letters themselves still count', () => {
    const key = nameComparisonKey;
    expect(key('Lê Thị Thuỷ Hoà')).toBe(key('Lê Thị Thủy Hòa'));
    expect(key('Nguyễn Văn Khoẻ')).toBe(key('nguyễn  văn khỏe'));
    expect(key('Trần Quý')).toBe(key('Trần Qúy'));
    expect(key('Lê Thị Thuỷ Hoà'.normalize('NFD'))).toBe(key('LÊ THỊ THỦY HÒA'));
    expect(key('Lê Thị Hòa')).not.toBe(key('Lê Thị Hoa'));
    expect(key('Lê Thị Hòa')).not.toBe(key('Lê Thị Hóa'));
    expect(key('Lê Văn Đức')).not.toBe(key('Le Van Duc'));
    expect(key('Phạm Thị Ngọc')).not.toBe(key('Phạm Thị Ngoc'));
  });

  it('any placement of a word’s one tone mark gives the same key (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...VOWELS), { minLength: 2, maxLength: 3 }),
        fc.constantFrom(...TONES.filter((x) => x !== '')),
        fc.nat(),
        fc.nat(),
        (letters, tone, i, j) => {
          const at = (k: number) =>
            letters.map((l, n) => (n === k % letters.length ? `${l.normalize('NFD')}${tone}` : l)).join('');
          return nameComparisonKey(`th${at(i)}`) === nameComparisonKey(`th${at(j)}`.normalize('NFC'));
        },
      ),
    );
  });
});
