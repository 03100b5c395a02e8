import { describe, expect, it } from 'vitest';
import { ISO_COUNTRY_CODES, isCountryCode } from './countries.js';

describe('ISO 3166-1 alpha-2 country codes', () => {
  it('are the 249 assigned codes: unique, two upper-case letters, frozen', () => {
    expect(ISO_COUNTRY_CODES).toHaveLength(249);
    expect(new Set(ISO_COUNTRY_CODES).size).toBe(249);
    for (const code of ISO_COUNTRY_CODES) expect(code).toMatch(/^[A-Z]{2}$/);
    expect(Object.isFrozen(ISO_COUNTRY_CODES)).toBe(true);
  });

  it('take VN, US, FR, GB; not XX, ZZ, EU, UK, nor a lower-case code', () => {
    for (const code of ['VN', 'US', 'FR', 'GB']) expect(isCountryCode(code), code).toBe(true);
    for (const code of ['XX', 'ZZ', 'EU', 'UK', 'vn', 'V', 'VNM', '']) expect(isCountryCode(code), code).toBe(false);
    expect(ISO_COUNTRY_CODES).not.toContain('UK');
  });
});
