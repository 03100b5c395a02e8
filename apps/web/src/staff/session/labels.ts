import type { TFunction } from 'i18next';
import { formatDate } from '../reception/format';

export { formatDate, formatDateTime, genderLabel, todayIso } from '../reception/format';

/** "Buổi sáng — 24/11/2026" or "Buổi tiêm ngày 24/11/2026". */
export function sessionTitle(t: TFunction, session: { name: string | null; sessionDate: string }): string {
  const date = formatDate(session.sessionDate);
  return session.name ? `${session.name} — ${date}` : t('session.list.sessionName', { date });
}
