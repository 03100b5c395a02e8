import { describe, expect, it } from 'vitest';
import { searchOf, statsQueryOf, withoutUnknownProvince } from './query';

const of = (search: string) => statsQueryOf(new URLSearchParams(search));

describe('the statistics page URL', () => {
  it('reads the list and the province, the defaults for anything else', () => {
    expect(of('')).toEqual({ scheme: '2021', province: '' });
    expect(of('scheme=2025&tinh=82')).toEqual({ scheme: '2025', province: '82' });
    expect(of('scheme=1999&tinh=abc')).toEqual({ scheme: '2021', province: '' });
    expect(of('tinh=8')).toEqual({ scheme: '2021', province: '' });
  });

  it('writes only what differs from the defaults', () => {
    expect(searchOf({ scheme: '2021', province: '' }).toString()).toBe('');
    expect(searchOf({ scheme: '2025', province: '82' }).toString()).toBe('scheme=2025&tinh=82');
    expect(searchOf(of('tinh=87')).toString()).toBe('tinh=87');
  });

  it('falls back to the whole country of the same list when the API knows no such province', () => {
    const unknownUnit = { status: 400, field: 'province' };
    // `?tinh=99`: no province has that code.
    expect(withoutUnknownProvince(of('tinh=99'), unknownUnit)).toEqual({ scheme: '2021', province: '' });
    // `?tinh=87&scheme=2025`: a 2021 code in a link for the 2025 list.
    expect(searchOf(withoutUnknownProvince(of('tinh=87&scheme=2025'), unknownUnit)).toString()).toBe('scheme=2025');
  });

  it('keeps the province for any other failure (a retry may mend it) or none', () => {
    const q = of('tinh=87');
    expect(withoutUnknownProvince(q, null)).toBe(q);
    expect(withoutUnknownProvince(q, { status: 0, field: undefined })).toBe(q);
    expect(withoutUnknownProvince(q, { status: 503, field: undefined })).toBe(q);
    expect(withoutUnknownProvince(q, { status: 400, field: 'scheme' })).toBe(q);
  });
});
