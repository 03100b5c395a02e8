import { describe, expect, it } from 'vitest';
import { PASSWORD_MIN_LENGTH, passwordProblem } from './auth.js';

describe('the password rule of staff accounts', () => {
  it('counts the characters that show: spaces, controls and zero-width characters do not', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(10);
    for (const blank of [
      ' '.repeat(10),
      '\t'.repeat(12),
      '\u200b'.repeat(10),
      '\u3000\u00a0'.repeat(6),
      '\ufeff'.repeat(20),
    ])
      expect(passwordProblem(blank), JSON.stringify(blank)).toBe('weak_password');
    expect(passwordProblem('Ngan-123\u200b\u200b\u200b')).toBe('weak_password');
    expect(passwordProblem('Ngan 123 4')).toBe('weak_password');
    expect(passwordProblem('Ngan 12345 6')).toBeNull();
    // Characters, not bytes: ten Vietnamese letters are ten.
    expect(passwordProblem('Mậtkhẩuđủ1')).toBeNull();
    expect(passwordProblem('Mậtkhẩu12')).toBe('weak_password');
  });

  it('refuses the username inside, case ignored', () => {
    expect(passwordProblem('X-CAOLANH.TIEM-2021', 'caolanh.tiem')).toBe('password_contains_username');
    expect(passwordProblem('MatKhau@2021x', 'caolanh.tiem')).toBeNull();
  });
});
