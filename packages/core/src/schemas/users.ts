import { z } from 'zod';
import { type Role, roleSchema } from '../roles.js';
import { unitCodeSchema } from './common.js';
import { schemaMessage } from './messages.js';

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, schemaMessage('username'));

/** A unit's official code (province "87", district "866", commune "29863"). */
const userUnitCodeSchema = z.string().regex(/^\d{2}(\d{1}|\d{3})?$/, schemaMessage('unitCode'));

/**
 * `POST /api/users`. Without `password` the server makes a temporary one and answers it once
 * (`temporaryPassword`). Either way an account made by an administrator must set its own password
 * at its first sign-in (`mustChangePassword`).
 */
export const createUserBodySchema = z.object({
  username: usernameSchema,
  password: z.string().min(1).max(256).optional(),
  role: roleSchema,
  displayName: z.string().trim().min(1).max(120).optional(),
  /** Official code of the administrative unit (province "87", district "866", commune "29863"). */
  unitCode: userUnitCodeSchema.optional(),
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
  /** The account must set a new password before it may do anything else. */
  mustChangePassword: z.boolean().optional(),
  /** When and by whom (username) the account was disabled; null while it is active. */
  disabledAt: z.string().nullable().optional(),
  disabledBy: z.string().nullable().optional(),
  /** The name of the unit or facility the account is anchored to (null for the nation). */
  placeName: z.string().nullable().optional(),
});
export type User = z.infer<typeof userSchema>;

/** `POST /api/users` answers the account, and the temporary password when the server made it. */
export const createdUserSchema = userSchema.extend({
  /** Shown once: the server keeps only its hash. */
  temporaryPassword: z.string().optional(),
});
export type CreatedUser = z.infer<typeof createdUserSchema>;

/** `GET /api/users`: the accounts within the caller's units, narrowed by these filters. */
export const userListQuerySchema = z.object({
  /** Accounts inside this province, district or commune (any level below it included). */
  unitCode: unitCodeSchema.optional(),
  facilityId: z.string().min(1).max(40).optional(),
  role: roleSchema.optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  /** Part of the username or of the display name (diacritics optional). */
  q: z.string().trim().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export type UserListQuery = z.input<typeof userListQuerySchema>;
export type UserListFilter = z.output<typeof userListQuerySchema>;

/**
 * `PATCH /api/users/{id}`: a new role, display name, unit or facility. A new role without a new
 * place keeps the account's place when the role may be anchored there.
 */
export const updateUserBodySchema = z
  .object({
    role: roleSchema.optional(),
    displayName: z.string().trim().min(1).max(120).optional(),
    unitCode: userUnitCodeSchema.optional(),
    facilityId: z.string().min(1).max(40).optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), schemaMessage('nothingToChange'));
export type UpdateUserBody = z.infer<typeof updateUserBodySchema>;

/** `POST /api/users/{id}/disable`: why (kept in the audit log). */
export const disableUserBodySchema = z.object({ reason: z.string().trim().min(1).max(500).optional() });
export type DisableUserBody = z.infer<typeof disableUserBodySchema>;

/** `POST /api/users/{id}/password-reset`: the temporary password, shown once. */
export const passwordResetResultSchema = z.object({ user: userSchema, temporaryPassword: z.string() });
export type PasswordResetResult = z.infer<typeof passwordResetResultSchema>;

/**
 * The roles each administrator may create and manage (edit, disable, reset), beside the scope
 * check: never one at or above their own, except the national administrator, who manages all.
 */
export const MANAGED_ROLES: Readonly<Record<Role, readonly Role[]>> = {
  national_admin: ['national_admin', 'province_admin', 'district_admin', 'site_staff', 'report_handler'],
  province_admin: ['district_admin', 'site_staff', 'report_handler'],
  district_admin: ['site_staff', 'report_handler'],
  site_staff: [],
  report_handler: [],
};
