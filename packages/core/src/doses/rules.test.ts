import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VACCINES } from '../vaccines.js';
import { addMonths, daysBetween } from './calendar.js';
import {
  birthDateAfterDoses,
  checkDose,
  type DoseCheckInput,
  historyViolations,
  latestDose,
  type PastDose,
  primaryMixAllowed,
  primarySeriesLength,
  sequenceDoses,
} from './rules.js';

const AZ = 'EU/1/21/1529';
const PFIZER = 'EU/1/20/1528';
const MODERNA = 'EU/1/20/1507';
const JANSSEN = 'EU/1/20/1525';
const VERO = 'BBIBP-CorV';
const SPUTNIK = 'Sputnik-V';
const HAYAT = 'Hayat-Vax';
const ABDALA = 'Abdala';

const lotOf = (vaccineCode: string, expiresOn = '2027-12-31') => ({
  lotNumber: `L-${vaccineCode}`,
  vaccineCode,
  expiresOn,
});
let n = 0;
const past = (vaccineCode: string, administeredOn: string, declaredKind?: PastDose['declaredKind']): PastDose => ({
  id: `d${++n}`,
  vaccineCode,
  administeredOn,
  declaredKind,
});

function check(
  over: Partial<DoseCheckInput> & { vaccineCode?: string; on?: string; kind?: PastDose['declaredKind'] } = {},
) {
  const vaccineCode = over.vaccineCode ?? PFIZER;
  return checkDose({
    person: over.person ?? { dateOfBirth: '1980-05-05' },
    history: over.history ?? [],
    dose: {
      vaccineCode,
      lotNumber: `L-${vaccineCode}`,
      administeredOn: over.on ?? '2021-10-01',
      declaredKind: over.kind ?? null,
    },
    lot: over.lot === undefined ? lotOf(vaccineCode) : over.lot,
    today: over.today ?? '2022-12-31',
  });
}

const codes = (r: ReturnType<typeof check>) => (r.ok ? [] : r.violations.map((x) => x.code));

describe('a valid first dose', () => {
  it('is primary dose 1', () => {
    expect(check()).toEqual({ ok: true, doseNumber: 1, doseKind: 'primary', warnings: [] });
  });
});

describe('data rules (never overridable)', () => {
  it('an unknown vaccine', () => {
    const r = check({ vaccineCode: 'Covaxin' });
    expect(codes(r)).toEqual(['unknown_vaccine']);
    expect(!r.ok && r.violations[0]?.field).toBe('vaccineCode');
  });

  it('a date in the future — today is fine, tomorrow is not', () => {
    expect(check({ on: '2022-12-31', today: '2022-12-31' }).ok).toBe(true);
    const r = check({ on: '2023-01-01', today: '2022-12-31' });
    expect(codes(r)).toEqual(['date_in_future']);
    expect(!r.ok && r.violations[0]).toMatchObject({ field: 'administeredOn', overridable: false });
  });

  it('a date before the vaccine was approved in Vietnam — the approval day is fine', () => {
    expect(check({ vaccineCode: PFIZER, on: '2021-06-12' }).ok).toBe(true);
    expect(codes(check({ vaccineCode: PFIZER, on: '2021-06-11' }))).toEqual(['date_before_approval']);
    for (const v of VACCINES) {
      expect(check({ vaccineCode: v.code, on: v.approvedOn, person: { dateOfBirth: '1980-01-01' } }).ok, v.code).toBe(
        true,
      );
    }
  });

  it('a date before birth', () => {
    expect(codes(check({ person: { dateOfBirth: '2021-10-02' }, on: '2021-10-01' }))).toContain('date_before_birth');
  });

  it('an unknown lot, and a lot of another vaccine', () => {
    expect(codes(check({ lot: null }))).toEqual(['unknown_lot']);
    const r = check({ vaccineCode: PFIZER, lot: lotOf(MODERNA) });
    expect(codes(r)).toEqual(['lot_vaccine_mismatch']);
    expect(!r.ok && r.violations[0]?.field).toBe('lotNumber');
  });

  it('a second dose the same day', () => {
    const r = check({ history: [past(PFIZER, '2021-10-01')], on: '2021-10-01' });
    expect(codes(r)).toContain('dose_same_day');
  });
});

describe('lot expiry (overridable)', () => {
  it('the expiry day itself is fine; the day after is not', () => {
    expect(check({ on: '2021-10-01', lot: lotOf(PFIZER, '2021-10-01') }).ok).toBe(true);
    const r = check({ on: '2021-10-02', lot: lotOf(PFIZER, '2021-10-01') });
    expect(codes(r)).toEqual(['lot_expired']);
    expect(!r.ok && r.violations[0]?.overridable).toBe(true);
  });
});

describe('minimum interval in the primary series, at the exact boundary day', () => {
  for (const v of VACCINES.filter((x) => x.minIntervalDays)) {
    it(`${v.localName}: ${v.minIntervalDays} days is allowed, one day less is not`, () => {
      const first = '2021-10-01';
      const okDay = new Date(Date.parse(`${first}T00:00:00Z`) + v.minIntervalDays! * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const shortDay = new Date(Date.parse(`${first}T00:00:00Z`) + (v.minIntervalDays! - 1) * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const history = [past(v.code, first)];
      const person = { dateOfBirth: '1980-01-01' };
      const ok = check({ vaccineCode: v.code, history, on: okDay, person });
      expect(ok).toMatchObject({ ok: true, doseNumber: 2, doseKind: 'primary' });
      const short = check({ vaccineCode: v.code, history, on: shortDay, person });
      expect(codes(short)).toEqual(['interval_too_short']);
      expect(!short.ok && short.violations[0]).toMatchObject({ field: 'administeredOn', overridable: true });
      expect(!short.ok && short.violations[0]?.message.vi).toMatch(
        new RegExp(`ít nhất ${v.minIntervalDays} ngày; mới được ${v.minIntervalDays! - 1} ngày`),
      );
    });
  }
});

describe('mixing in the primary series (letters 6030/BYT-DP, 7548/BYT-DP)', () => {
  const allowed: [string, string][] = [
    [AZ, AZ],
    [AZ, PFIZER],
    [AZ, MODERNA],
    [PFIZER, MODERNA],
    [MODERNA, PFIZER],
    [PFIZER, PFIZER],
    [VERO, VERO],
    [VERO, HAYAT],
    [HAYAT, VERO],
    [SPUTNIK, SPUTNIK],
    [ABDALA, ABDALA],
  ];
  it('the whole matrix: exactly the allowed pairs', () => {
    const all = VACCINES.map((x) => x.code);
    for (const a of all) {
      for (const b of all) {
        const expected = a === b || allowed.some(([x, y]) => x === a && y === b);
        expect(primaryMixAllowed(a, b), `${a} → ${b}`).toBe(expected);
      }
    }
  });

  it('Vero Cell then Pfizer is refused with an explanation; a supervisor may override', () => {
    const r = check({ vaccineCode: PFIZER, history: [past(VERO, '2021-09-01')], on: '2021-10-01' });
    expect(codes(r)).toEqual(['mixing_not_allowed']);
    expect(!r.ok && r.violations[0]).toMatchObject({ overridable: true, field: 'vaccineCode' });
    expect(!r.ok && r.violations[0]?.message.vi).toMatch(/Vero Cell/);
  });

  it('Pfizer then AstraZeneca is refused (the guidance allows AstraZeneca first only)', () => {
    expect(codes(check({ vaccineCode: AZ, history: [past(PFIZER, '2021-07-01')], on: '2021-10-01' }))).toEqual([
      'mixing_not_allowed',
    ]);
  });

  it('AstraZeneca then Pfizer completes the series (mixed series count)', () => {
    const r = check({ vaccineCode: PFIZER, history: [past(AZ, '2021-08-01')], on: '2021-10-01' });
    expect(r).toMatchObject({ ok: true, doseNumber: 2, doseKind: 'primary' });
  });
});

describe('dose kind and number derived from history', () => {
  it('Janssen is a one-dose series: the next dose is a booster', () => {
    const r = check({ vaccineCode: PFIZER, history: [past(JANSSEN, '2021-08-01')], on: '2021-11-01' });
    expect(r).toMatchObject({ ok: true, doseNumber: 2, doseKind: 'booster' });
  });

  it('Abdala has three primary doses, 14 days apart', () => {
    const person = { dateOfBirth: '1980-01-01' };
    const history = [past(ABDALA, '2021-10-01'), past(ABDALA, '2021-10-15')];
    expect(check({ vaccineCode: ABDALA, history, on: '2021-10-29', person })).toMatchObject({
      ok: true,
      doseNumber: 3,
      doseKind: 'primary',
    });
  });

  it('a declared booster while the series is incomplete is refused', () => {
    const r = check({ vaccineCode: PFIZER, history: [past(PFIZER, '2021-08-01')], on: '2021-12-01', kind: 'booster' });
    expect(codes(r)).toEqual(['primary_series_incomplete']);
    expect(!r.ok && r.violations[0]?.field).toBe('doseKind');
  });

  it('a declared primary dose after the series is complete is refused', () => {
    const history = [past(PFIZER, '2021-07-01'), past(PFIZER, '2021-08-01')];
    expect(codes(check({ vaccineCode: PFIZER, history, on: '2021-12-01', kind: 'primary' }))).toEqual([
      'primary_series_complete',
    ]);
  });

  it('a retroactive entry before recorded doses renumbers the history', () => {
    const seq = sequenceDoses([past(PFIZER, '2021-09-01'), past(PFIZER, '2021-08-01'), past(PFIZER, '2022-03-01')]);
    expect(seq.map((d) => [d.administeredOn, d.doseNumber, d.doseKind])).toEqual([
      ['2021-08-01', 1, 'primary'],
      ['2021-09-01', 2, 'primary'],
      ['2022-03-01', 3, 'booster'],
    ]);
  });

  it('a retroactive first dose too close to the recorded second one is accepted, with a warning', () => {
    const r = check({ vaccineCode: PFIZER, history: [past(PFIZER, '2021-09-10')], on: '2021-09-01' });
    expect(r.ok).toBe(true);
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['next_dose_interval_short']);
    expect(r).toMatchObject({ doseNumber: 1 });
  });
});

describe('additional and booster doses', () => {
  const series = () => [past(AZ, '2021-08-01'), past(AZ, '2021-09-01')];

  it('additional dose: 28 days after the series is allowed, 27 is not', () => {
    expect(check({ vaccineCode: PFIZER, history: series(), on: '2021-09-29', kind: 'additional' })).toMatchObject({
      ok: true,
      doseKind: 'additional',
      doseNumber: 3,
    });
    expect(codes(check({ vaccineCode: PFIZER, history: series(), on: '2021-09-28', kind: 'additional' }))).toEqual([
      'interval_too_short',
    ]);
  });

  it('booster: 3 months after the series is allowed, the day before is not', () => {
    expect(addMonths('2021-09-01', 3)).toBe('2021-12-01');
    expect(check({ vaccineCode: PFIZER, history: series(), on: '2021-12-01' })).toMatchObject({
      ok: true,
      doseKind: 'booster',
      doseNumber: 3,
    });
    expect(codes(check({ vaccineCode: PFIZER, history: series(), on: '2021-11-30' }))).toEqual(['interval_too_short']);
  });

  it('second booster: 4 months after the first', () => {
    const history = [...series(), past(PFIZER, '2022-01-10')];
    expect(check({ vaccineCode: MODERNA, history, on: '2022-05-10' })).toMatchObject({
      ok: true,
      doseKind: 'booster',
      doseNumber: 4,
    });
    expect(codes(check({ vaccineCode: MODERNA, history, on: '2022-05-09' }))).toEqual(['interval_too_short']);
  });

  it('boosters are mRNA or the primary series’ product; Sputnik V after AstraZeneca is refused', () => {
    expect(check({ vaccineCode: AZ, history: series(), on: '2022-01-01' }).ok).toBe(true);
    expect(check({ vaccineCode: MODERNA, history: series(), on: '2022-01-01' }).ok).toBe(true);
    expect(codes(check({ vaccineCode: SPUTNIK, history: series(), on: '2022-01-01' }))).toEqual([
      'booster_product_not_allowed',
    ]);
    expect(
      check({ vaccineCode: HAYAT, history: [past(VERO, '2021-08-01'), past(VERO, '2021-09-01')], on: '2022-01-01' }).ok,
    ).toBe(true);
  });
});

describe('a whole history checked again (a merge of two records)', () => {
  const person = { dateOfBirth: '1980-05-05' };

  it('an earlier dose from the other record turns the second dose into a booster a month after the series', () => {
    const early = past(PFIZER, '2021-10-01');
    const a1 = past(PFIZER, '2021-11-08');
    const a2 = past(PFIZER, '2021-12-08');
    const found = historyViolations(person, [a1, a2, early]);
    expect(found.map((f) => [f.dose.id, f.dose.doseNumber, f.dose.doseKind, f.violations.map((x) => x.code)])).toEqual([
      [a2.id, 3, 'booster', ['interval_too_short']],
    ]);
  });

  it('a history that keeps the rules, whatever order it is given in: nothing', () => {
    expect(
      historyViolations(person, [past(PFIZER, '2022-01-10'), past(AZ, '2021-08-01'), past(AZ, '2021-09-01')]),
    ).toEqual([]);
  });

  it('only the rules that read the doses before: an unknown lot, a future date or an age are not re-judged', () => {
    expect(historyViolations({ dateOfBirth: '2015-01-01' }, [past(AZ, '2021-08-01'), past(AZ, '2099-09-01')])).toEqual(
      [],
    );
  });

  it('mixing in the primary series and a declared kind the history no longer bears out', () => {
    const found = historyViolations(person, [past(VERO, '2021-08-01'), past(PFIZER, '2021-09-15', 'booster')]);
    expect(found.flatMap((f) => f.violations.map((x) => x.code)).sort()).toEqual([
      'mixing_not_allowed',
      'primary_series_incomplete',
    ]);
  });
});

describe('age', () => {
  it('Abdala is for 19 to 65', () => {
    expect(check({ vaccineCode: ABDALA, person: { dateOfBirth: '2002-10-01' }, on: '2021-10-01' }).ok).toBe(true);
    expect(codes(check({ vaccineCode: ABDALA, person: { dateOfBirth: '2002-10-02' }, on: '2021-10-01' }))).toEqual([
      'age_not_eligible',
    ]);
    expect(check({ vaccineCode: ABDALA, person: { dateOfBirth: '1955-10-02' }, on: '2021-10-01' }).ok).toBe(true);
    expect(codes(check({ vaccineCode: ABDALA, person: { dateOfBirth: '1955-10-01' }, on: '2021-10-01' }))).toEqual([
      'age_not_eligible',
    ]);
  });
});

describe('properties', () => {
  it('numbers are 1…n in date order, the primary series comes first, and its length is the first vaccine’s', () => {
    const code = fc.constantFrom(...VACCINES.map((x) => x.code));
    const day = fc
      .integer({ min: 0, max: 900 })
      .map((d) => new Date(Date.UTC(2021, 6, 1) + d * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.array(fc.record({ code, day, extra: fc.boolean() }), { maxLength: 8 }), (items) => {
        const seq = sequenceDoses(
          items.map((x) => past(x.code, x.day, x.extra ? 'additional' : null)).map((d, i) => ({ ...d, id: `x${i}` })),
        );
        seq.forEach((d, i) => {
          expect(d.doseNumber).toBe(i + 1);
        });
        for (let i = 1; i < seq.length; i++)
          expect(daysBetween(seq[i - 1]!.administeredOn, seq[i]!.administeredOn)).toBeGreaterThanOrEqual(0);
        const required = VACCINES.find((x) => x.code === seq[0]?.vaccineCode)?.primaryDoses ?? 0;
        expect(seq.filter((d) => d.doseKind === 'primary').length).toBe(Math.min(required, seq.length));
        const firstNonPrimary = seq.findIndex((d) => d.doseKind !== 'primary');
        if (firstNonPrimary >= 0) expect(seq.slice(firstNonPrimary).every((d) => d.doseKind !== 'primary')).toBe(true);
      }),
    );
  });

  it('latestDose is the last dose of the sequence, with its number and kind, same-day doses in given order', () => {
    const code = fc.constantFrom(...VACCINES.map((x) => x.code));
    const day = fc
      .integer({ min: 0, max: 60 })
      .map((d) => new Date(Date.UTC(2021, 6, 1) + d * 7 * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.array(fc.record({ code, day, extra: fc.boolean() }), { maxLength: 8 }), (items) => {
        const doses = items.map((x) => ({
          vaccineCode: x.code,
          administeredOn: x.day,
          declaredKind: x.extra ? ('additional' as const) : null,
        }));
        const seq = sequenceDoses(doses.map((d, i) => ({ ...d, id: String(i).padStart(8, '0') })));
        const latest = latestDose(doses);
        if (seq.length === 0) {
          expect(latest).toBeNull();
          return;
        }
        const last = seq.at(-1)!;
        expect(latest).not.toBeNull();
        expect(latest!.dose).toBe(doses[Number(last.id)]);
        expect(latest!.doseNumber).toBe(last.doseNumber);
        expect(latest!.doseKind).toBe(last.doseKind);
        expect(latest!.seriesLength).toBe(primarySeriesLength(seq[0]!.vaccineCode));
      }),
      { numRuns: 500 },
    );
  });
});

describe('a date of birth corrected on a record with doses (date_before_birth, seen from the birth date)', () => {
  it('is refused while a dose is dated before it, naming the earliest such dose; a dose on the day of birth is not before it', () => {
    const doses = ['2021-12-01', '2021-09-01', '2021-10-01'];
    const late = birthDateAfterDoses('2021-11-01', doses);
    expect(late).toMatchObject({ code: 'date_before_birth', field: 'dateOfBirth', overridable: false });
    expect(late?.message.vi).toContain('01/09/2021');
    expect(late?.message.en).toContain('2021-09-01');
    expect(birthDateAfterDoses('2021-09-01', doses)).toBeNull();
    expect(birthDateAfterDoses('1980-01-01', doses)).toBeNull();
    expect(birthDateAfterDoses('2021-11-01', [])).toBeNull();
  });

  it('agrees with the check of a dose at entry: a date of birth is refused exactly when a dose on record would be', () => {
    const day = fc
      .integer({ min: 0, max: 2000 })
      .map((n) => new Date(Date.UTC(2018, 0, 1 + n)).toISOString().slice(0, 10));
    const refusedAtEntry = (dateOfBirth: string, on: string) => {
      const check = checkDose({
        person: { dateOfBirth },
        history: [],
        dose: { vaccineCode: 'EU/1/20/1528', lotNumber: '', administeredOn: on },
        lot: null,
        today: '2030-01-01',
      });
      return !check.ok && check.violations.some((v) => v.code === 'date_before_birth');
    };
    fc.assert(
      fc.property(day, fc.array(day, { maxLength: 4 }), (dateOfBirth, doses) => {
        const atEntry = doses.some((on) => refusedAtEntry(dateOfBirth, on));
        expect(birthDateAfterDoses(dateOfBirth, doses) !== null).toBe(atEntry);
      }),
    );
  });
});
