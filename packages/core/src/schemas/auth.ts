import { z } from 'zod';
import { roleSchema } from '../roles.js';

export const loginBodySchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

/** The signed-in user as the web app sees it. */
export const authUserSchema = z.object({
  username: z.string(),
  role: roleSchema,
  displayName: z.string(),
  unitCode: z.string().nullable(),
  facilityId: z.string().nullable(),
  /**
   * The password was made or reset by an administrator: until `POST /api/auth/password` sets a new
   * one, every other staff endpoint answers 403 `password_change_required`.
   */
  mustChangePassword: z.boolean().optional(),
});
export type AuthUser = z.infer<typeof authUserSchema>;

export const loginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: authUserSchema,
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const meResponseSchema = z.object({ user: authUserSchema });
export type MeResponse = z.infer<typeof meResponseSchema>;

/** The shortest password a staff account may have. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/** What the password rule refuses (codes of the error catalogue). */
export type PasswordProblem = 'weak_password' | 'password_contains_username';

/** Characters that show nothing: spaces of every kind, controls, and format characters (zero-width spaces, marks). */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}]/gu;

/**
 * The password rule of staff accounts: at least {@link PASSWORD_MIN_LENGTH} characters that show
 * (counted as characters, not bytes; spaces, controls and zero-width characters not counted — ten
 * spaces were taken as a password), and not containing the account's username (case ignored).
 * Null when the password is acceptable. Whether it differs from the current one is the server's check.
 */
export function passwordProblem(password: string, username?: string): PasswordProblem | null {
  if ([...password.replace(INVISIBLE, '')].length < PASSWORD_MIN_LENGTH) return 'weak_password';
  const name = username?.trim().toLowerCase();
  if (name && name.length >= 3 && password.toLowerCase().includes(name)) return 'password_contains_username';
  return null;
}

/** `POST /api/auth/password`: the signed-in user's current password and the new one. */
export const changePasswordBodySchema = z.object({
  currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  newPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});
export type ChangePasswordBody = z.infer<typeof changePasswordBodySchema>;
