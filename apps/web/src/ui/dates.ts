import { formatIsoDate, parseIsoDate, parseVnDate } from '@tiemchung/core';

/**
 * Dates as people read and type them (day first, as Vietnamese documents print them), for the
 * citizens' pages: the portal and the e-health book. Free of React and i18next.
 */

/** `YYYY-MM-DD` → `dd/MM/yyyy` (as printed on Vietnamese documents); other text is returned as is. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** A moment as `HH:mm dd/MM/yyyy` in the user's time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())} ${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}

/** A local date `YYYY-MM-DD`. */
export function isoDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Today in the local time zone, `YYYY-MM-DD`. */
export function todayIso(): string {
  return isoDay(new Date());
}

/** A date typed as `dd/MM/yyyy`, `ddMMyyyy` (or `YYYY-MM-DD`) → `YYYY-MM-DD`, or null when not a real date. */
export function parseFormDate(text: string): string | null {
  const s = text.trim();
  const date = parseVnDate(s) ?? parseIsoDate(s);
  return date ? formatIsoDate(date) : null;
}

/** `15031995` → `15/03/1995` once the date is complete and real; other text unchanged. */
export function tidyFormDate(text: string): string {
  const iso = parseFormDate(text);
  return iso ? formatDate(iso) : text;
}
