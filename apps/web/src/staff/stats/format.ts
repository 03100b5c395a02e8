import { currentLanguage } from '../../i18n';

/** The locale numbers are written in: Vietnamese `1.234,5`, English `1,234.5`. */
export function numberLocale(): string {
  return currentLanguage() === 'vi' ? 'vi-VN' : 'en-GB';
}

/** A count with its thousands grouped (`12.345`). */
export function formatCount(n: number): string {
  return n.toLocaleString(numberLocale());
}

/** A percentage with one decimal (`87,5`), without the sign; null stays null. */
export function formatPercentValue(p: number | null | undefined): string | null {
  if (p === null || p === undefined) return null;
  return p.toLocaleString(numberLocale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** `YYYY-MM-DD` → `dd/MM/yyyy`. */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** A time `HH:mm dd/MM/yyyy` in the user's time zone. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())} ${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}
