import { ageOn as ageInYears, vaccineByCode, vaccineDisplayName } from '@tiemchung/core';

/** Formats of the session screens that need no i18n (unit-tested); see labels.ts for the rest. */

/** Milliseconds as `mm:ss` (minutes may exceed 59); negative values count as zero. */
export function mmss(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

/** `HH:mm` of an ISO time or epoch ms, in the user's time zone. */
export function formatTime(at: string | number | null | undefined): string {
  if (at === null || at === undefined || at === '') return '';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Whole years of age on a day (`YYYY-MM-DD` both; core's ageOn), or null for a date it cannot read or before birth. */
export function ageOn(dateOfBirth: string, day: string): number | null {
  const date = /^\d{4}-\d{2}-\d{2}/;
  const b = date.exec(dateOfBirth)?.[0];
  const d = date.exec(day)?.[0];
  if (!b || !d) return null;
  const age = ageInYears(b, d);
  return age >= 0 ? age : null;
}

/** The name staff use for a vaccine ("Pfizer"), or the code. */
export function vaccineShortName(code: string): string {
  return vaccineByCode(code)?.localName ?? code;
}

/** "Pfizer (Comirnaty)", "BBIBP-CorV (Vero Cell)", or the code. */
export function vaccineLabel(code: string): string {
  const v = vaccineByCode(code);
  if (!v) return code;
  return vaccineDisplayName(v);
}

/** `YYYY-MM-DD` of `days` days before `today`. */
export function daysBefore(today: string, days: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** Numbers as Vietnamese / English write them (5.000 / 5,000). */
export function formatNumber(n: number, lang: string): string {
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN').format(n);
}
