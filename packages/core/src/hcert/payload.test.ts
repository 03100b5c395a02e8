import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitVietnameseName } from '../identity/name.js';
import { uuidv7 } from '../ids.js';
import { VACCINES } from '../vaccines.js';
import { validateDccPayload } from './dcc-check.js';
import { HcertError } from './errors.js';
import {
  buildVaccinationPayload,
  DCC_NAME_MAX_LENGTH,
  DEFAULT_DCC_ISSUER,
  fitDccName,
  isValidUvci,
  makeUvci,
  UVCI_CHECKSUM_ALPHABET,
  uvciCheckCharacter,
  type VaccinationPayloadInput,
  vnVaccinationPayloadSchema,
} from './payload.js';

const PFIZER = 'EU/1/20/1528';
const MODERNA = 'EU/1/20/1507';
const ASTRAZENECA = 'EU/1/21/1529';
const JANSSEN = 'EU/1/20/1525';
const ABDALA = 'Abdala';

const tuyet = { fullName: 'Nguyễn Thị Ánh Tuyết', dateOfBirth: '1990-04-17' };
const CERT_ID = '01HF8ZJ4Q7W3K9V6T2X5M8N1P0';

function build(doses: VaccinationPayloadInput['doses'], person = tuyet) {
  return buildVaccinationPayload({ person, doses, certificateId: CERT_ID });
}

function expectError(fn: () => unknown, code: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HcertError);
    expect((e as HcertError).code).toBe(code);
    return;
  }
  expect.fail('expected an HcertError');
}

describe('The vaccine passport payload (EU DCC 1.3.0) for a vaccinated person', () => {
  it('Nguyễn Thị Ánh Tuyết with two Pfizer doses gets a 2/2 Comirnaty entry in Vietnamese name order', () => {
    const p = build([
      { vaccineCode: PFIZER, administeredOn: '2021-08-01' },
      { vaccineCode: PFIZER, administeredOn: '2021-08-22' },
    ]);
    expect(p).toEqual({
      ver: '1.3.0',
      nam: { fn: 'Nguyễn', fnt: 'NGUYEN', gn: 'Thị Ánh Tuyết', gnt: 'THI<ANH<TUYET' },
      dob: '1990-04-17',
      v: [
        {
          tg: '840539006',
          vp: '1119349007',
          mp: 'EU/1/20/1528',
          ma: 'ORG-100030215',
          dn: 2,
          sd: 2,
          dt: '2021-08-22',
          co: 'VN',
          is: DEFAULT_DCC_ISSUER,
          ci: makeUvci(CERT_ID),
        },
      ],
    });
    expect(p.v[0].ci).toMatch(/^URN:UVCI:01:VN:01HF8ZJ4Q7W3K9V6T2X5M8N1P0#[A-Z0-9/:]$/);
    expect(validateDccPayload(p).ok).toBe(true);
  });

  it('normalises how the name was typed before printing it', () => {
    const p = build([{ vaccineCode: PFIZER, administeredOn: '2021-08-01' }], {
      fullName: '  ĐẶNG   văn đức ',
      dateOfBirth: '1975',
    });
    expect(p.nam).toEqual({ fn: 'Đặng', fnt: 'DANG', gn: 'Văn Đức', gnt: 'VAN<DUC' });
    expect(p.dob).toBe('1975');
  });

  it('a name longer than the DCC allows (80 characters a part; a person’s name may be 100) is cut after a whole word', () => {
    const fullName =
      'Tôn Nữ Hoàng Phương Thảo Nguyên Khánh Linh Ngọc Diệp Bảo Quỳnh Hương Trâm Anh Thư Nguyệt Minh Châu';
    expect(fullName.length).toBe(98);
    const p = build([{ vaccineCode: PFIZER, administeredOn: '2021-08-01' }], { fullName, dateOfBirth: '1995-05-05' });
    expect(p.nam).toEqual({
      fn: 'Tôn',
      fnt: 'TON',
      gn: 'Nữ Hoàng Phương Thảo Nguyên Khánh Linh Ngọc Diệp Bảo Quỳnh Hương Trâm Anh Thư',
      gnt: 'NU<HOANG<PHUONG<THAO<NGUYEN<KHANH<LINH<NGOC<DIEP<BAO<QUYNH<HUONG<TRAM<ANH<THU',
    });
    expect(vnVaccinationPayloadSchema.safeParse(p).success).toBe(true);
    expect(validateDccPayload(p).ok).toBe(true);
    // A foreigner's family name over 80 characters, given explicitly, is fitted the same way.
    const family = `${'Abcdefghij'.repeat(7)} Wolfeschlegelsteinhausen`;
    const q = buildVaccinationPayload({
      person: {
        fullName: `Anna ${family}`,
        dateOfBirth: '1985',
        nameParts: { familyName: family, givenNames: 'Anna' },
      },
      doses: [{ vaccineCode: PFIZER, administeredOn: '2021-08-01' }],
      certificateId: CERT_ID,
    });
    expect(q.nam.fn).toBe(`Abcdefghij${'abcdefghij'.repeat(6)}`);
    expect(q.nam.fnt).toBe('ABCDEFGHIJ'.repeat(7));
    expect(validateDccPayload(q).ok).toBe(true);
  });

  describe('fitDccName: a name part fitted to 80 characters', () => {
    it('leaves a name that fits as it is', () => {
      expect(fitDccName('Nguyễn Thị Ánh Tuyết')).toBe('Nguyễn Thị Ánh Tuyết');
      expect(fitDccName('a'.repeat(80))).toBe('a'.repeat(80));
      expect(DCC_NAME_MAX_LENGTH).toBe(80);
    });

    it('cuts after the last whole word that fits, a word ending at the 80th character kept', () => {
      expect(fitDccName(`${'a'.repeat(80)} b`)).toBe('a'.repeat(80));
      expect(fitDccName(`${'a'.repeat(79)} bc`)).toBe('a'.repeat(79));
      expect(fitDccName(`${'a'.repeat(50)} ${'b'.repeat(40)}`)).toBe('a'.repeat(50));
    });

    it('cuts mid-word when a whole word would keep less than half, never inside a surrogate pair or before an accent', () => {
      expect(fitDccName(`An ${'b'.repeat(100)}`)).toBe(`An ${'b'.repeat(77)}`);
      // 𝓐 is two UTF-16 code units: the 80th unit would split it.
      expect(fitDccName(`${'b'.repeat(79)}𝓐c`)).toBe('b'.repeat(79));
      // A letter typed with a combining accent (NFD) is kept whole or left out whole.
      expect(fitDccName(`${'b'.repeat(79)}e\u0301c`)).toBe('b'.repeat(79));
      expect(fitDccName(`${'b'.repeat(78)}e\u0301c`)).toBe(`${'b'.repeat(78)}e\u0301`);
    });

    it('always gives at most 80 code units, a start of the name, well-formed, never ending in a space', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), (s) => {
          const out = fitDccName(s);
          expect(out.length).toBeLessThanOrEqual(80);
          expect(s.startsWith(out)).toBe(true);
          expect(out.isWellFormed()).toBe(true);
          if (s.length > 80) expect(out).not.toMatch(/ $/);
        }),
      );
    });
  });

  it('a one-word name is the primary identifier (fn/fnt), with no given name', () => {
    const p = build([{ vaccineCode: PFIZER, administeredOn: '2021-08-01' }], {
      fullName: 'Hồng',
      dateOfBirth: '1960-01-01',
    });
    expect(p.nam).toEqual({ fn: 'Hồng', fnt: 'HONG' });
  });

  it('a foreigner’s family and given names can be given explicitly', () => {
    const p = buildVaccinationPayload({
      person: {
        fullName: 'Anna Müller',
        dateOfBirth: '1985-02-03',
        nameParts: { familyName: 'Müller', givenNames: 'Anna' },
      },
      doses: [{ vaccineCode: MODERNA, administeredOn: '2021-09-01' }],
      certificateId: CERT_ID,
    });
    expect(p.nam).toEqual({ fn: 'Müller', fnt: 'MUELLER', gn: 'Anna', gnt: 'ANNA' });
  });

  describe('dn/sd: the dose number and the doses in the series', () => {
    it.each([
      ['one Pfizer dose of two', [[PFIZER, '2021-08-01']], 1, 2, PFIZER],
      [
        'AstraZeneca then Pfizer (mixed series): the Pfizer dose, 2/2',
        [
          [ASTRAZENECA, '2021-06-01'],
          [PFIZER, '2021-08-10'],
        ],
        2,
        2,
        PFIZER,
      ],
      ['one Janssen dose: 1/1', [[JANSSEN, '2021-08-01']], 1, 1, JANSSEN],
      [
        'Abdala ×3: 3/3',
        [
          [ABDALA, '2021-10-01'],
          [ABDALA, '2021-10-15'],
          [ABDALA, '2021-10-29'],
        ],
        3,
        3,
        ABDALA,
      ],
      [
        'a booster after two Pfizer: 3/3 (EU 2021/2288)',
        [
          [PFIZER, '2021-08-01'],
          [PFIZER, '2021-08-22'],
          [MODERNA, '2022-01-10'],
        ],
        3,
        3,
        MODERNA,
      ],
      [
        'a booster after Janssen: 2/1 (EU 2021/2288), never 2/2',
        [
          [JANSSEN, '2021-08-01'],
          [PFIZER, '2022-01-10'],
        ],
        2,
        1,
        PFIZER,
      ],
      [
        'a second booster after Janssen: 3/3',
        [
          [JANSSEN, '2021-08-01'],
          [PFIZER, '2022-01-10'],
          [PFIZER, '2022-06-10'],
        ],
        3,
        3,
        PFIZER,
      ],
      [
        'a booster after Abdala ×3: 4/4',
        [
          [ABDALA, '2021-10-01'],
          [ABDALA, '2021-10-15'],
          [ABDALA, '2021-10-29'],
          [PFIZER, '2022-03-01'],
        ],
        4,
        4,
        PFIZER,
      ],
      [
        'a second booster after two AstraZeneca: 4/4',
        [
          [ASTRAZENECA, '2021-06-01'],
          [ASTRAZENECA, '2021-08-01'],
          [PFIZER, '2022-01-01'],
          [PFIZER, '2022-06-01'],
        ],
        4,
        4,
        PFIZER,
      ],
    ] as const)('%s', (_story, doses, dn, sd, mp) => {
      const p = build(doses.map(([vaccineCode, administeredOn]) => ({ vaccineCode, administeredOn })));
      expect(p.v[0]).toMatchObject({ dn, sd, mp, dt: doses.at(-1)![1] });
    });

    it('an additional dose (liều bổ sung) after two Pfizer is 3/3 as well', () => {
      const p = build([
        { vaccineCode: PFIZER, administeredOn: '2021-08-01' },
        { vaccineCode: PFIZER, administeredOn: '2021-08-22' },
        { vaccineCode: PFIZER, administeredOn: '2021-10-01', declaredKind: 'additional' },
      ]);
      expect(p.v[0]).toMatchObject({ dn: 3, sd: 3 });
    });
  });

  it('refuses a certificate without doses, or for a vaccine not in the catalogue', () => {
    expectError(() => build([]), 'input');
    expectError(() => build([{ vaccineCode: 'Covaxin', administeredOn: '2021-08-01' }]), 'input');
  });

  it('refuses what the schema does not allow: a malformed date of birth, a tenth dose, a bad certificate id', () => {
    expectError(
      () => build([{ vaccineCode: PFIZER, administeredOn: '2021-08-01' }], { ...tuyet, dateOfBirth: '17/04/1990' }),
      'payload',
    );
    const ten = Array.from({ length: 10 }, (_, i) => ({
      vaccineCode: PFIZER,
      administeredOn: `2021-0${1 + Math.floor(i / 3)}-1${i % 3}`,
    }));
    expectError(() => build(ten), 'payload');
    expectError(
      () =>
        buildVaccinationPayload({
          person: tuyet,
          doses: [{ vaccineCode: PFIZER, administeredOn: '2021-08-01' }],
          certificateId: 'abc#1',
        }),
      'input',
    );
  });
});

describe('Every payload built meets the schema, for any input', () => {
  const word = fc.string({
    unit: fc.constantFrom(
      'a',
      'N',
      'ễ',
      'Đ',
      'ư',
      'ơ',
      'Á',
      'ß',
      "'",
      '-',
      '.',
      '1',
      '@',
      '中',
      ' ',
      '\u00a0',
      'e\u0301',
    ),
    minLength: 0,
    maxLength: 12,
  });
  const fullName = fc.oneof(
    fc.array(word, { maxLength: 12 }).map((w) => w.join(' ')),
    fc.constantFrom(
      'Nguyễn Thị Ánh Tuyết',
      'Hồng',
      `Nguyễn ${'Văn '.repeat(22)}An`,
      `Nguyễn ${'Văn '.repeat(30)}An`,
      `${'Nguyễn'.repeat(17)} An`,
      ' ',
      '',
    ),
  );
  const dayOf = fc.oneof(
    fc
      .date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    fc.constantFrom('2021-02-30', '1899-12-31', '1990', '1990-04', '17/04/1990', ''),
  );
  const dose = fc.record({
    vaccineCode: fc.constantFrom(...VACCINES.map((v) => v.code)),
    administeredOn: dayOf,
    declaredKind: fc.constantFrom(null, 'additional' as const, 'booster' as const),
  });
  const input = fc.record({
    person: fc.record({ fullName, dateOfBirth: dayOf }),
    doses: fc.array(dose, { minLength: 1, maxLength: 11 }),
    certificateId: fc.stringMatching(/^[0-9A-Z]{1,40}$/),
    country: fc.constantFrom(undefined, 'VN', 'FR', 'vn', 'VNM'),
    issuer: fc.constantFrom(undefined, 'Sở Y tế Hà Nội', '', 'x'.repeat(81)),
  });

  it('returns only payloads vnVaccinationPayloadSchema accepts as they are, and refuses with HcertError', () => {
    fc.assert(
      fc.property(input, ({ country, issuer, ...rest }) => {
        let payload: unknown;
        try {
          payload = buildVaccinationPayload({
            ...rest,
            ...(country === undefined ? {} : { country }),
            ...(issuer === undefined ? {} : { issuer }),
          });
        } catch (e) {
          expect(e).toBeInstanceOf(HcertError);
          return;
        }
        const parsed = vnVaccinationPayloadSchema.safeParse(payload);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        expect(parsed.data).toEqual(payload);
        expect(validateDccPayload(payload).ok).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('names word by word (cached) exactly as the general path normalises and transliterates them', () => {
    const viaGeneralPath = (fullName: string) =>
      buildVaccinationPayload({
        person: { fullName, dateOfBirth: '1990-04-17', nameParts: splitVietnameseName(fullName) },
        doses: [{ vaccineCode: PFIZER, administeredOn: '2021-08-01' }],
        certificateId: CERT_ID,
      });
    const outcome = (f: () => unknown) => {
      try {
        return { ok: f() };
      } catch (e) {
        expect(e).toBeInstanceOf(HcertError);
        return { error: (e as HcertError).message };
      }
    };
    fc.assert(
      fc.property(fullName, (name) => {
        // Twice: the second time every word comes from the cache.
        for (let i = 0; i < 2; i++)
          expect(
            outcome(() => build([{ vaccineCode: PFIZER, administeredOn: '2021-08-01' }], { ...tuyet, fullName: name })),
          ).toEqual(outcome(() => viaGeneralPath(name)));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses none of the inputs whose payload would meet the schema', () => {
    const fine = fc.record({
      person: fc.record({
        fullName: fc.constantFrom('Nguyễn Thị Ánh Tuyết', 'Hồng', "H'Hen Niê", 'Đỗ Văn-Minh J.'),
        dateOfBirth: fc.constantFrom('1990-04-17', '1990-04', '1990', ''),
      }),
      doses: fc.array(
        fc.record({
          vaccineCode: fc.constantFrom(...VACCINES.map((v) => v.code)),
          administeredOn: fc.constantFrom('2021-08-01', '2021-09-12', '2022-02-28', '2024-02-29'),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      certificateId: fc.stringMatching(/^[0-9A-Z]{1,40}$/),
    });
    fc.assert(
      fc.property(fine, (ok) => {
        expect(vnVaccinationPayloadSchema.safeParse(buildVaccinationPayload(ok)).success).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('The certificate identifier (UVCI) and its check character', () => {
  it('matches the check characters of the EU test data (Luhn mod 38 over the whole string)', () => {
    for (const ci of [
      'URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B',
      'URN:UVCI:01:AT:858CC18CFCF5965EF82F60E493349AA5#K',
      'URN:UVCI:01:AT:B5921A35D6A0D696421B3E2462178297#I',
      'URN:UVCI:01:NL:DADFCC47C7334E45A906DB12FD859FB7#1',
    ]) {
      expect(isValidUvci(ci), ci).toBe(true);
    }
    expect(uvciCheckCharacter('URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813')).toBe('B');
  });

  it('makes a UVCI from a random id, upper-casing it and dropping a UUID’s hyphens', () => {
    const ci = makeUvci('3f2504e0-4f89-11d3-9a0c-0305e82c3301');
    expect(ci).toMatch(/^URN:UVCI:01:VN:3F2504E04F8911D39A0C0305E82C3301#.$/);
    expect(isValidUvci(ci)).toBe(true);
  });

  it('makes the UVCI any id gives, as the rule says: hyphens dropped, upper case, the check character', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'z', 'A', 'Q', '0', '9', '-', 'é', '_', ' '), maxLength: 70 }),
        (id) => {
          const opaque = id.replace(/-/g, '').toUpperCase();
          if (/^[A-Z0-9]{1,63}$/.test(opaque)) {
            const body = `URN:UVCI:01:VN:${opaque}`;
            expect(makeUvci(id)).toBe(`${body}#${uvciCheckCharacter(body)}`);
            expect(isValidUvci(makeUvci(id))).toBe(true);
          } else expect(() => makeUvci(id)).toThrow(HcertError);
        },
      ),
      { numRuns: 1000 },
    );
    expect(makeUvci(uuidv7())).toMatch(/^URN:UVCI:01:VN:[0-9A-F]{32}#[A-Z0-9/:]$/);
  });

  it('rejects a wrong check character, a missing one, lower case and foreign characters', () => {
    const ci = makeUvci(CERT_ID);
    const wrong = ci.slice(0, -1) + (ci.endsWith('A') ? 'B' : 'A');
    expect(isValidUvci(wrong)).toBe(false);
    expect(isValidUvci(ci.slice(0, -2))).toBe(false);
    expect(isValidUvci(ci.toLowerCase())).toBe(false);
    expect(isValidUvci('URN:UVCI:01:VN:ĐẶNG#A')).toBe(false);
    expect(() => makeUvci('')).toThrow(HcertError);
    expect(() => makeUvci('A'.repeat(64))).toThrow(HcertError);
  });

  it('catches every single mistyped character', () => {
    const body = fc.stringMatching(/^[A-Z0-9]{1,40}$/);
    fc.assert(
      fc.property(body, fc.nat(), fc.nat(), (id, at, by) => {
        const ci = makeUvci(id);
        const i = at % (ci.length - 2); // any character before '#'
        if (ci[i] === '#') return;
        const alphabet = UVCI_CHECKSUM_ALPHABET;
        const replacement = alphabet[(alphabet.indexOf(ci[i]!) + 1 + (by % (alphabet.length - 1))) % alphabet.length]!;
        const typo = ci.slice(0, i) + replacement + ci.slice(i + 1);
        expect(isValidUvci(typo)).toBe(false);
      }),
    );
  });
});

describe('The DCC 1.3.0 schema check for certificates a verifier scans', () => {
  const base = { ver: '1.3.0', nam: { fnt: 'NGUYEN' }, dob: '1990-04-17' };
  const v = {
    tg: '840539006',
    vp: '1119349007',
    mp: PFIZER,
    ma: 'ORG-100030215',
    dn: 1,
    sd: 2,
    dt: '2021-08-01',
    co: 'VN',
    is: 'X',
    ci: 'Y',
  };

  it('accepts one vaccination and tells its type', () => {
    expect(validateDccPayload({ ...base, v: [v] })).toMatchObject({ ok: true, type: 'v' });
  });

  it.each([
    ['no group at all', { ...base }],
    [
      'two groups',
      {
        ...base,
        v: [v],
        r: [{ tg: '840539006', fr: '2021-01-01', co: 'AT', is: 'X', df: '2021-01-01', du: '2021-06-01', ci: 'Y' }],
      },
    ],
    ['two vaccinations', { ...base, v: [v, v] }],
    ['fnt in lower case', { ...base, nam: { fnt: 'nguyen' }, v: [v] }],
    ['a date of birth outside 1900–2099', { ...base, dob: '1899-12-31', v: [v] }],
    ['dn 0', { ...base, v: [{ ...v, dn: 0 }] }],
    ['a date that does not exist', { ...base, v: [{ ...v, dt: '2021-02-30' }] }],
    ['an issuer longer than 80 characters', { ...base, v: [{ ...v, is: 'x'.repeat(81) }] }],
  ])('rejects %s', (_story, payload) => {
    expect(validateDccPayload(payload).ok).toBe(false);
  });
});
