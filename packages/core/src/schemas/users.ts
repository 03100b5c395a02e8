import { z } from 'zod';
import { roleSchema } from '../roles.js';

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, {
    message: '3–64 characters: letters a–z, digits, dot, hyphen, underscore',
  });

export const createUserBodySchema = z.object({
  username: usernameSchema,
  password: z.string().min(1).max(256),
  role: roleSchema,
  displayName: z.string().trim().min(1).max(120).optional(),
  /** Official code of the administrative unit (province "87", district "866", commune "29863"). */
  unitCode: z
    .string()
    .regex(/^\d{2}(\d{1}|\d{3})?$/, { message: 'a 2-, 3- or 5-digit unit code' })
    .optional(),
  facilityId: z.string().min(1).max(40).optional(),
});
export type CreateUserBody = z.infer<typeof createUserBodySchema>;

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  displayName: z.string(),
  unitCode: z.string().nullable(),
  facilityId: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof userSchema>;
