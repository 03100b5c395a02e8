import { describe, expect, it } from 'vitest';
import { vaccineByCode, vaccineDisplayName } from './vaccines.js';

describe('vaccineDisplayName', () => {
  it('names the vaccine as staff do, then the product, but never twice', () => {
    const name = (code: string) => vaccineDisplayName(vaccineByCode(code)!);
    expect(name('EU/1/20/1528')).toBe('Pfizer (Comirnaty)');
    expect(name('BBIBP-CorV')).toBe('BBIBP-CorV (Vero Cell)');
    expect(name('Sputnik-V')).toBe('Sputnik V');
  });
});
