import type { Role as CoreRole } from '@tiemchung/core';

/**
 * The staff roles of the platform. Same list as @tiemchung/core's ROLES, kept here as a literal so
 * the main bundle does not pull the core package's runtime (zod schemas) in for five strings; the
 * type checks below fail the build if the two lists ever differ.
 */
export const ROLES = [
  'national_admin',
  'province_admin',
  'district_admin',
  'site_staff',
  'report_handler',
] as const satisfies readonly CoreRole[];

export type Role = (typeof ROLES)[number];

// Compile-time: every core role is listed above (the `satisfies` checks the other direction).
type MissingRoles = Exclude<CoreRole, Role>;
const noMissingRoles: [MissingRoles] extends [never] ? true : MissingRoles = true;
void noMissingRoles;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
