import { type Localized, provinceByCode } from '@tiemchung/core';
import type { TFunction } from 'i18next';
import { currentLanguage } from '../../i18n';
import type vi from '../../i18n/vi.json';

/** `YYYY-MM-DD` → `dd/MM/yyyy` (as printed on Vietnamese documents); other text is returned as is. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** A date and time `dd/MM/yyyy HH:mm` in the user's time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Today in the local time zone, `YYYY-MM-DD`. */
export function todayIso(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The short name of a 2021 province ("Đồng Tháp"), or the code when unknown. */
export function provinceName(code: string | null | undefined): string {
  if (!code) return '';
  return provinceByCode(code)?.shortName ?? code;
}

export function genderLabel(t: TFunction, gender: string | null | undefined): string {
  if (gender === 'male') return t('reception.gender.male');
  if (gender === 'female') return t('reception.gender.female');
  return gender ?? '';
}

/** A message of the core rules in the interface language. */
export function localized(message: Localized): string {
  return message[currentLanguage()];
}

/**
 * A message shown under a field or in an alert: an i18n key of this app, a bilingual message of
 * the core rules, or a text the server already wrote in the interface language. Kept in this form
 * (not as a string) so that switching the language re-renders it in the new language.
 */
export type Message = { key: ReceptionMessageKey } | { localized: Localized } | { text: string };

export type ReceptionMessageKey = `reception.errors.${keyof (typeof vi)['reception']['errors']}`;

export function messageText(t: TFunction, message: Message): string {
  if ('key' in message) return t(message.key);
  if ('localized' in message) return localized(message.localized);
  return message.text;
}
