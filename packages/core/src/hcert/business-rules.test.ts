import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type DccValueSetFile, dccFindings, valueSetsOf } from './business-rules.js';
import { buildVaccinationPayload } from './payload.js';

const DIR = fileURLToPath(new URL('../../../../reference/dcc-valuesets/', import.meta.url));
const valueSets = valueSetsOf(
  readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(`${DIR}/${f}`, 'utf8')) as DccValueSetFile),
);
const claims = {
  iss: 'VN',
  iat: Date.parse('2022-01-10T00:00:00Z') / 1000,
  exp: Date.parse('2023-01-10T00:00:00Z') / 1000,
};
const PRODUCTS = [
  'EU/1/21/1529',
  'Sputnik-V',
  'BBIBP-CorV',
  'EU/1/20/1528',
  'EU/1/20/1507',
  'EU/1/20/1525',
  'Hayat-Vax',
  'Abdala',
];

const payloadOf = (vaccineCode = 'EU/1/20/1528') =>
  buildVaccinationPayload({
    person: { fullName: 'Nguyễn Văn An', dateOfBirth: '1980-01-01' },
    doses: [{ vaccineCode, administeredOn: '2021-08-01' }],
    certificateId: '0123456789ABCDEF',
  }) as unknown as Record<string, unknown>;

const rules = (payload: Record<string, unknown>, c = claims) => dccFindings(payload, c, valueSets).map((f) => f.rule);

describe('dccFindings: EU DCC value sets and plausibility', () => {
  it('every vaccine of the catalogue gives a certificate with nothing to find', () => {
    expect(Object.keys(valueSets).length).toBe(8);
    for (const code of PRODUCTS) expect(rules(payloadOf(code)), code).toEqual([]);
  });

  it('a country "XY", a manufacturer "ORG-99999999", an unknown product or vaccine type: each named', () => {
    const p = payloadOf();
    const v = (p.v as Record<string, unknown>[])[0]!;
    expect(rules({ ...p, v: [{ ...v, co: 'XY' }] })).toEqual(['VS-V-CO']);
    expect(rules({ ...p, v: [{ ...v, ma: 'ORG-99999999' }] })).toEqual(['VS-V-MA']);
    expect(rules({ ...p, v: [{ ...v, mp: 'EU/9/99/9999', vp: '123' }] })).toEqual(['VS-V-VP', 'VS-V-MP']);
    const found = dccFindings({ ...p, v: [{ ...v, co: 'XY' }] }, claims, valueSets)[0]!;
    expect(found).toMatchObject({ field: 'v[0].co' });
    expect(found.message.vi).toMatch(/"XY" không có trong danh mục/);
    // Without value sets only plausibility is checked.
    expect(dccFindings({ ...p, v: [{ ...v, co: 'XY' }] }, claims, null)).toEqual([]);
  });

  it('dates that cannot be: born after issue or after the dose, a dose after issue, dose numbers, expiry before issue', () => {
    const p = payloadOf();
    const v = (p.v as Record<string, unknown>[])[0]!;
    expect(rules({ ...p, dob: '2022-06-01' })).toEqual(['PL-DOB-BEFORE', 'PL-DOB-AFTER-ISSUE']);
    expect(rules({ ...p, v: [{ ...v, dt: '2022-03-01' }] })).toEqual(['PL-AFTER-ISSUE']);
    expect(rules({ ...p, v: [{ ...v, dn: 0 }] })).toEqual(['PL-DOSE-NUMBER']);
    expect(rules(p, { ...claims, exp: claims.iat - 10 })).toEqual(['PL-EXPIRY']);
    // A year of birth alone is its earliest day.
    expect(rules({ ...p, dob: '1980' })).toEqual([]);
  });

  it('tests and recoveries: codes and dates', () => {
    const base = { ver: '1.3.0', nam: { fnt: 'MUELLER' }, dob: '1985-05-05' };
    const test = {
      tg: '840539006',
      tt: 'LP6464-4',
      sc: '2021-12-01T10:00:00Z',
      tr: '260415000',
      tc: 'Lab',
      co: 'DE',
      is: 'RKI',
      ci: 'x',
    };
    expect(rules({ ...base, t: [test] })).toEqual([]);
    expect(rules({ ...base, t: [{ ...test, tt: 'X', ma: '9999' }] })).toEqual(['VS-T-TT', 'VS-T-MA']);
    const rec = { tg: '840539006', fr: '2021-11-01', co: 'DE', is: 'RKI', df: '2021-11-12', du: '2022-05-01', ci: 'y' };
    expect(rules({ ...base, r: [rec] })).toEqual([]);
    expect(rules({ ...base, r: [{ ...rec, df: '2021-10-01', du: '2021-09-01' }] })).toEqual([
      'PL-R-VALID-FROM',
      'PL-R-VALID-UNTIL',
    ]);
  });
});
