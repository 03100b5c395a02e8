import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateDccPayload } from './dcc-check.js';
import { decodeHcert } from './hcert.js';
import { dccPayloadSchema } from './schema.js';

/** What the zod schema says: valid or not, and which group. */
function byZod(value: unknown): { ok: boolean; type?: string } {
  const parsed = dccPayloadSchema.safeParse(value);
  if (!parsed.success) return { ok: false };
  return { ok: true, type: parsed.data.v ? 'v' : parsed.data.t ? 't' : 'r' };
}

function byHand(value: unknown): { ok: boolean; type?: string } {
  const check = validateDccPayload(value);
  return check.ok ? { ok: true, type: check.type } : { ok: false };
}

const NAME = { fn: 'Nguyễn', fnt: 'NGUYEN', gn: 'Văn An', gnt: 'VAN<AN' };
const VACCINATION = {
  tg: '840539006',
  vp: '1119349007',
  mp: 'EU/1/20/1528',
  ma: 'ORG-100030215',
  dn: 2,
  sd: 2,
  dt: '2021-08-01',
  co: 'VN',
  is: 'Bộ Y tế',
  ci: 'URN:UVCI:01:VN:ABC123#X',
};
const TEST = {
  tg: '840539006',
  tt: 'LP6464-4',
  nm: 'PCR',
  ma: '1232',
  sc: '2021-08-01T10:00:00Z',
  tr: '260415000',
  tc: 'Trung tâm',
  co: 'VN',
  is: 'Bộ Y tế',
  ci: 'URN:UVCI:01:VN:T1#Y',
};
const RECOVERY = {
  tg: '840539006',
  fr: '2021-06-01',
  co: 'VN',
  is: 'Bộ Y tế',
  df: '2021-06-12',
  du: '2021-12-01',
  ci: 'URN:UVCI:01:VN:R1#Z',
};
const BASE = { ver: '1.3.0', nam: NAME, dob: '1980-04-02' };

/** Values that probe each rule's edges: types, lengths, patterns, dates, integers. */
const probe = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    '',
    'A',
    'VN',
    'vn',
    '1.3.0',
    '1x3y0',
    '13.0',
    'NGUYEN<VAN',
    'Nguyen',
    '1980',
    '1980-04',
    '1899-01-01',
    '2021-02-29',
    '2024-02-29',
    '2021-13-01',
    '2021-08-01T10:00:00Z',
    '2021-08-01T24:00:00Z',
    '2021-08-01 10:00:00+07:00',
    '2021-08-01T10:00:00',
    'x'.repeat(80),
    'X'.repeat(81),
    0,
    1,
    -1,
    1.5,
    2 ** 53,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    [],
    {},
  ),
  fc.string({ maxLength: 90 }),
  fc.integer(),
  fc.anything({ maxDepth: 1 }),
);

/** A payload made from the valid ones with some fields changed, removed or added. */
const payload = fc
  .tuple(
    fc.subarray(['v', 't', 'r'] as const, { minLength: 0, maxLength: 3 }),
    fc.array(
      fc.tuple(
        fc.constantFrom('', 'nam', 'v.0', 't.0', 'r.0', 'v', 't', 'r'),
        fc.constantFrom(
          ...new Set([
            ...Object.keys(BASE),
            ...Object.keys(NAME),
            ...Object.keys(VACCINATION),
            ...Object.keys(TEST),
            ...Object.keys(RECOVERY),
            'extra',
          ]),
        ),
        probe,
      ),
      { maxLength: 4 },
    ),
    fc.integer({ min: 0, max: 2 }),
  )
  .map(([groups, changes, entries]) => {
    const p: Record<string, unknown> = structuredClone(BASE);
    const group = { v: VACCINATION, t: TEST, r: RECOVERY };
    for (const g of groups) p[g] = Array.from({ length: entries || 1 }, () => structuredClone(group[g]));
    for (const [where, key, value] of changes) {
      let target: unknown = p;
      for (const step of where.split('.').filter(Boolean))
        target = (target as Record<string, unknown> | undefined)?.[step];
      if (typeof target === 'object' && target !== null) (target as Record<string, unknown>)[key] = value;
    }
    return p;
  });

describe('validateDccPayload (the DCC 1.3.0 schema without zod)', () => {
  it('accepts each kind of certificate and tells which', () => {
    expect(validateDccPayload({ ...BASE, v: [VACCINATION] })).toMatchObject({ ok: true, type: 'v' });
    expect(validateDccPayload({ ...BASE, t: [TEST] })).toMatchObject({ ok: true, type: 't' });
    expect(validateDccPayload({ ...BASE, r: [RECOVERY] })).toMatchObject({ ok: true, type: 'r' });
  });

  it('says what is wrong, by path', () => {
    const check = validateDccPayload({
      ...BASE,
      nam: { fnt: 'nguyen' },
      v: [{ ...VACCINATION, dn: 0, dt: '2021-02-30' }],
    });
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.issues).toContain('nam.fnt: expected ICAO 9303 characters A–Z and <');
      expect(check.issues).toContain('v.0.dn: too small: at least 1');
      expect(check.issues).toContain('v.0.dt: expected a date YYYY-MM-DD');
    }
    expect(validateDccPayload({ ...BASE, v: [VACCINATION], r: [RECOVERY] })).toEqual({
      ok: false,
      issues: ['(root): a DCC holds exactly one of v, t, r (found v, r)'],
    });
    expect(validateDccPayload([])).toMatchObject({ ok: false });
  });

  it('agrees with the zod schema on generated payloads', () => {
    fc.assert(
      fc.property(payload, (p) => {
        expect(byHand(p)).toEqual(byZod(p));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with the zod schema on anything at all', () => {
    fc.assert(
      fc.property(fc.anything(), (p) => {
        expect(byHand(p)).toEqual(byZod(p));
      }),
      { numRuns: 1000 },
    );
  });

  // The EU DCC conformance vectors (reference/dcc-testdata): every payload that decodes.
  const dir = fileURLToPath(new URL('../../../../reference/dcc-testdata', import.meta.url));
  it('agrees with the zod schema on every EU conformance vector', async () => {
    expect(existsSync(dir)).toBe(true);
    let compared = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const vector = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as { PREFIX?: string; JSON?: unknown };
      const payloads: unknown[] = [];
      if (vector.JSON !== undefined) payloads.push(vector.JSON);
      if (vector.PREFIX)
        payloads.push(
          await decodeHcert(vector.PREFIX).then(
            (d) => d.payload,
            () => undefined,
          ),
        );
      for (const p of payloads.filter((x) => x !== undefined)) {
        expect(byHand(p), file).toEqual(byZod(p));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(30);
  });
});
