import { describe, expect, it } from 'vitest';
import { validateCccd } from './identity/id-number.js';
import { normalizeName } from './identity/name.js';
import { normalizePhone } from './identity/phone.js';
import { syntheticPopulation } from './synthetic.js';

describe('the synthetic population', () => {
  it('is the same for the same seed, and different for another', () => {
    const a = [...syntheticPopulation('seed-a', 50)];
    expect([...syntheticPopulation('seed-a', 50)]).toEqual(a);
    expect([...syntheticPopulation('seed-b', 50)]).not.toEqual(a);
  });

  it('gives every person a CCCD number consistent with birth date, sex and province, a valid phone, a normalised name', () => {
    for (const p of syntheticPopulation('validity', 5_000)) {
      const id = validateCccd(p.idNumber, { dateOfBirth: p.dateOfBirth, gender: p.gender });
      expect(id.ok, `${p.idNumber} ${p.dateOfBirth} ${p.gender}`).toBe(true);
      if (id.ok) expect(id.value.provinceCode).toBe(p.provinceCode);
      expect(normalizePhone(p.phone)).toEqual({ ok: true, value: p.phone });
      expect(normalizeName(p.fullName)).toMatchObject({ ok: true, value: p.fullName });
    }
  });

  it('never repeats an ID number (200,000 people)', () => {
    const seen = new Set<string>();
    for (const p of syntheticPopulation('unique', 200_000)) seen.add(p.idNumber);
    expect(seen.size).toBe(200_000);
  });

  it('looks like Vietnam: about 38 % Nguyễn, half women, most people in populous provinces', () => {
    const people = [...syntheticPopulation('shape', 20_000)];
    const nguyen = people.filter((p) => p.fullName.startsWith('Nguyễn ')).length / people.length;
    expect(nguyen).toBeGreaterThan(0.3);
    expect(nguyen).toBeLessThan(0.46);
    const women = people.filter((p) => p.gender === 'female').length / people.length;
    expect(Math.abs(women - 0.5)).toBeLessThan(0.02);
    const hcmOrHanoi = people.filter((p) => p.provinceCode === '79' || p.provinceCode === '01').length / people.length;
    expect(hcmOrHanoi).toBeGreaterThan(0.12);
  });
});
