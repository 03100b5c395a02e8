import type { TFunction } from 'i18next';
import { isRole } from './roles';

/** The role's name in the interface language (the raw code for a role this client doesn't know). */
export function roleLabel(t: TFunction, role: string): string {
  return isRole(role) ? t(`roles.${role}`) : role;
}
