import { describe, expect, it } from 'vitest';
import { ago, identityBlocksDose } from './format';

const person = (status: string, override: unknown = null, idType: string | null = 'cccd') => ({
  idType,
  verification: { status, override },
});

describe('identityBlocksDose (the desk shows the approval path)', () => {
  it('blocks a record the registry did not confirm, unless approved or a passport', () => {
    expect(identityBlocksDose(person('not_found'))).toBe(true);
    expect(identityBlocksDose(person('mismatch'))).toBe(true);
    expect(identityBlocksDose(person('pending', null, null))).toBe(true);
    expect(identityBlocksDose(person('verified'))).toBe(false);
    expect(identityBlocksDose(person('not_found', { by: 'caolanh.admin', reason: 'Đúng người', at: '' }))).toBe(false);
    expect(identityBlocksDose(person('pending', null, 'passport'))).toBe(false);
    // The registry did not answer: the dose goes ahead, the identity is checked again later.
    expect(identityBlocksDose(person('unavailable'))).toBe(false);
  });
});

describe('ago', () => {
  it('says how long ago in the interface language', () => {
    const now = Date.parse('2021-11-20T10:00:00Z');
    expect(ago('2021-11-20T09:55:00Z', now)).toMatch(/5/);
    expect(ago('2021-11-20T07:00:00Z', now)).toMatch(/3/);
    expect(ago('2021-11-18T10:00:00Z', now)).toMatch(/2|hôm kia/i);
  });
});
