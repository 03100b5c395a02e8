import { roleLabel } from '../../../auth/roleLabel';
import { currentLanguage } from '../../../i18n';
import type { User } from './api';
import type { AdminUsersT } from './i18n';

/** An instant in Vietnam's time, in the interface language (`09:30 08/11/2021`). */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(currentLanguage() === 'en' ? 'en-GB' : 'vi-VN', {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Asia/Ho_Chi_Minh',
  }).format(new Date(iso));
}

/** Where an account works, in words: the unit's or facility's name, "Nationwide", or the code. */
export function placeLabel(t: AdminUsersT, user: Pick<User, 'placeName' | 'unitCode' | 'facilityId'>): string {
  if (user.placeName) return user.placeName;
  const code = user.facilityId ?? user.unitCode;
  return code ? t('fields.placeCode', { code }) : t('fields.nation');
}

export { roleLabel };
