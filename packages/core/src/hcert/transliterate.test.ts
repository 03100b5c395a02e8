import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitVietnameseName } from '../identity/name.js';
import { ICAO_NAME_MAX_LENGTH, toIcao } from './transliterate.js';

describe('A name is printed in the machine-readable form of passports (ICAO 9303)', () => {
  it('Nguyễn Thị Ánh Tuyết becomes NGUYEN<THI<ANH<TUYET', () => {
    expect(toIcao('Nguyễn Thị Ánh Tuyết')).toBe('NGUYEN<THI<ANH<TUYET');
  });

  it('splits in Vietnamese order: family name NGUYEN, given names THI<ANH<TUYET', () => {
    const { familyName, givenNames } = splitVietnameseName('Nguyễn Thị Ánh Tuyết');
    expect(toIcao(familyName)).toBe('NGUYEN');
    expect(toIcao(givenNames)).toBe('THI<ANH<TUYET');
  });

  it.each([
    ['Đặng Văn Đức', 'DANG<VAN<DUC'],
    ['Hồ Thị Hương', 'HO<THI<HUONG'],
    ['đỗ thị ánh', 'DO<THI<ANH'],
    ['Trương Ưu Đàm', 'TRUONG<UU<DAM'],
    ['Lê Ngọc Ửng', 'LE<NGOC<UNG'],
    ['Phạm Thị Ước', 'PHAM<THI<UOC'],
    ['Vũ Thị Ơn', 'VU<THI<ON'],
    ['Huỳnh Tấn Phát', 'HUYNH<TAN<PHAT'],
    ['Bùi Thị Xuân', 'BUI<THI<XUAN'],
    ['Lương Thế Vinh', 'LUONG<THE<VINH'],
    ['Nguyễn Ắt Ẩn Ẫn Ặt', 'NGUYEN<AT<AN<AN<AT'],
    ['Trần Quốc Toản', 'TRAN<QUOC<TOAN'],
    ['Ngô Bảo Châu', 'NGO<BAO<CHAU'],
    ['Đoàn Thị Điểm', 'DOAN<THI<DIEM'],
    ['Tôn Nữ Thị Ninh', 'TON<NU<THI<NINH'],
  ])('%s → %s', (name, icao) => {
    expect(toIcao(name)).toBe(icao);
  });

  it('drops every tone from every Vietnamese vowel (ư → U, ơ → O, ă/â → A, ê → E, ô → O)', () => {
    const base: Record<string, string> = {
      a: 'A',
      ă: 'A',
      â: 'A',
      e: 'E',
      ê: 'E',
      i: 'I',
      o: 'O',
      ô: 'O',
      ơ: 'O',
      u: 'U',
      ư: 'U',
      y: 'Y',
    };
    const tones = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323']; // ngang, huyền, sắc, hỏi, ngã, nặng
    for (const [vowel, letter] of Object.entries(base)) {
      for (const tone of tones) {
        const nfc = `${vowel}${tone}`.normalize('NFC');
        expect(toIcao(nfc), nfc).toBe(letter);
        expect(toIcao(nfc.toUpperCase()), nfc.toUpperCase()).toBe(letter);
        expect(toIcao(nfc.normalize('NFD')), `${nfc} as NFD`).toBe(letter);
      }
    }
  });

  it('writes hyphens and runs of spaces as one filler, and omits apostrophes as ICAO says', () => {
    expect(toIcao('  Y-Moan   Ê Ban ')).toBe('Y<MOAN<E<BAN');
    expect(toIcao("H'Hen Niê")).toBe('HHEN<NIE');
    expect(toIcao("d'Červenková Panklová")).toBe('DCERVENKOVA<PANKLOVA'); // the DCC schema's own example
    expect(toIcao('J. R. Smith')).toBe('J<R<SMITH');
  });

  it('uses the mandatory ICAO transliterations for foreign names (as in the EU test data)', () => {
    expect(toIcao('Musterfrau-Gößinger')).toBe('MUSTERFRAU<GOESSINGER');
    expect(toIcao('Lövström')).toBe('LOEVSTROEM');
    expect(toIcao('Åse Ærø')).toBe('AASE<AEROE');
    expect(toIcao('Müller')).toBe('MUELLER');
    expect(toIcao('Þór Ðorðević Łukasz')).toBe('THOR<DORDEVIC<LUKASZ');
    expect(toIcao('José Núñez')).toBe('JOSE<NUNEZ');
  });

  it('cuts at 80 characters without a trailing filler', () => {
    const long = toIcao(`${'Nguyễn '.repeat(20)}An`);
    expect(long.length).toBeLessThanOrEqual(ICAO_NAME_MAX_LENGTH);
    expect(long.endsWith('<')).toBe(false);
    expect(long.startsWith('NGUYEN<NGUYEN')).toBe(true);
  });

  it('cuts a name longer than 80 characters after its last whole part that fits', () => {
    const given = 'Hoàng Phương Thảo Nguyên Khánh Linh Ngọc Diệp Bảo Quỳnh Hương Trâm Anh Thư Nguyệt Minh Châu';
    expect(toIcao(given)).toBe('HOANG<PHUONG<THAO<NGUYEN<KHANH<LINH<NGOC<DIEP<BAO<QUYNH<HUONG<TRAM<ANH<THU');
    // A `<` just after the 80th character: the 80 characters before it are whole parts.
    expect(toIcao(`${'A'.repeat(80)} B`)).toBe('A'.repeat(80));
    expect(toIcao(`${'A'.repeat(39)} ${'B'.repeat(60)}`)).toBe(`${'A'.repeat(39)}<${'B'.repeat(40)}`);
    // One part longer than the rest would keep: cut mid-part at 80.
    expect(toIcao(`An ${'B'.repeat(100)}`)).toBe(`AN<${'B'.repeat(77)}`);
  });

  it('always gives A–Z and < only, at most 80 characters, no filler at the ends', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), (s) => {
        const out = toIcao(s);
        expect(out).toMatch(/^[A-Z<]*$/);
        expect(out.length).toBeLessThanOrEqual(80);
        expect(out).not.toMatch(/^<|<$|<</);
      }),
    );
  });
});
