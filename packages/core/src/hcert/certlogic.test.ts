import { describe, expect, it } from 'vitest';
import { type BusinessRule, checkAcceptance } from './certlogic.js';
import { VN_ACCEPTANCE_RULES } from './vn-rules.js';

const CLOCK = new Date('2022-04-01T08:00:00Z');
const claims = {
  iss: 'DE',
  iat: Date.parse('2022-01-10T00:00:00Z') / 1000,
  exp: Date.parse('2022-12-01T00:00:00Z') / 1000,
};
const vaccination = (v: Record<string, unknown> = {}) => ({
  ver: '1.3.0',
  nam: { fnt: 'MUELLER' },
  dob: '1985-05-05',
  v: [
    {
      tg: '840539006',
      vp: '1119349007',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn: 2,
      sd: 2,
      dt: '2022-02-01',
      co: 'DE',
      is: 'RKI',
      ci: 'x',
      ...v,
    },
  ],
});
const test = (t: Record<string, unknown>) => ({
  ver: '1.3.0',
  nam: { fnt: 'MUELLER' },
  dob: '1985-05-05',
  t: [
    {
      tg: '840539006',
      tt: 'LP6464-4',
      sc: '2022-03-30T08:00:00Z',
      tr: '260415000',
      tc: 'Lab',
      co: 'DE',
      is: 'RKI',
      ci: 'y',
      ...t,
    },
  ],
});
const check = (payload: Record<string, unknown>, c = claims, clock = CLOCK, rules?: BusinessRule[]) =>
  checkAcceptance({
    destination: 'VN',
    payload,
    claims: c,
    valueSets: null,
    clock,
    rules: rules ?? VN_ACCEPTANCE_RULES,
  });
const failed = (r: ReturnType<typeof check>) => r.rules.filter((x) => x.result !== 'passed').map((x) => x.id);

describe("Vietnam's acceptance rules through CertLogic", () => {
  it('a complete series of an approved vaccine, 2 months old: every rule of its type passes', () => {
    const r = check(vaccination());
    expect(r.passed).toBe(true);
    expect(r.rules.map((x) => x.id)).toEqual(['GR-VN-0000', 'VR-VN-0000', 'VR-VN-0001', 'VR-VN-0002']);
    expect(r.rules[1]!.description.vi).toMatch(/Đã tiêm đủ liều cơ bản/);
  });

  it('says which rule fails: an incomplete series, a dose too recent, a product not approved, an expired certificate', () => {
    expect(failed(check(vaccination({ dn: 1 })))).toEqual(['VR-VN-0000']);
    expect(failed(check(vaccination({ dt: '2022-03-25' })))).toEqual(['VR-VN-0001']);
    expect(failed(check(vaccination({ mp: 'Sputnik-Light' })))).toEqual(['VR-VN-0002']);
    expect(failed(check(vaccination(), { ...claims, exp: Date.parse('2022-03-01T00:00:00Z') / 1000 }))).toEqual([
      'GR-VN-0000',
    ]);
  });

  it('tests: negative, PCR within 72 hours, rapid antigen within 24', () => {
    expect(check(test({})).passed).toBe(true);
    expect(failed(check(test({ tr: '260373001' })))).toEqual(['TR-VN-0000']);
    expect(failed(check(test({ tt: 'LP217198-3', sc: '2022-03-31T02:00:00Z' })))).toEqual(['TR-VN-0001']);
    expect(check(test({ tt: 'LP217198-3', sc: '2022-03-31T20:00:00Z' })).passed).toBe(true);
    expect(failed(check(test({ sc: '2022-03-28T07:00:00Z' })))).toEqual(['TR-VN-0001']);
  });

  it('recovery: valid on the day or not', () => {
    const recovery = (df: string, du: string) => ({
      ver: '1.3.0',
      nam: { fnt: 'MUELLER' },
      dob: '1985-05-05',
      r: [{ tg: '840539006', fr: '2022-01-01', co: 'DE', is: 'RKI', df, du, ci: 'z' }],
    });
    expect(check(recovery('2022-01-12', '2022-06-30')).passed).toBe(true);
    expect(failed(check(recovery('2022-01-12', '2022-03-30')))).toEqual(['RR-VN-0000']);
  });

  it('rules outside their validity do not apply; a rule that cannot be evaluated is open, never passed', () => {
    expect(check(vaccination(), claims, new Date('2022-03-01T00:00:00Z')).rules).toEqual([]);
    const broken: BusinessRule = {
      ...VN_ACCEPTANCE_RULES[1]!,
      Identifier: 'VR-VN-9999',
      Logic: { reduce: [] } as never,
    };
    const r = check(vaccination(), claims, CLOCK, [broken]);
    expect(r.rules).toMatchObject([{ id: 'VR-VN-9999', result: 'open' }]);
    expect(r.passed).toBe(false);
  });

  it('a destination with no rules, or none in force: passed is null (nothing was checked), never true', () => {
    const none = checkAcceptance({
      destination: 'ZZ',
      rules: [],
      payload: vaccination(),
      claims,
      valueSets: null,
      clock: CLOCK,
    });
    expect(none).toEqual({ destination: 'ZZ', passed: null, rules: [] });
    // Vietnam's rules for another destination do not apply to it.
    expect(
      checkAcceptance({
        destination: 'DE',
        rules: VN_ACCEPTANCE_RULES,
        payload: vaccination(),
        claims,
        valueSets: null,
        clock: CLOCK,
      }).passed,
    ).toBeNull();
    expect(check(vaccination(), claims, new Date('2022-03-01T00:00:00Z')).passed).toBeNull();
  });

  it('claims no Date can hold do not throw: the rules that need them are not passed', () => {
    const r = check(vaccination(), { ...claims, exp: 1e15, iat: 8.64e12 + 1 });
    expect(r.passed).toBe(false);
    expect(failed(r)).toContain('GR-VN-0000');
  });
});
