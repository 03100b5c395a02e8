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
