import { provinceByCode } from '@tiemchung/core';

export { formatDate, formatDateTime, isoDay, parseFormDate, tidyFormDate, todayIso } from '../ui/dates';

/** The short name of a 2021 province ("Đồng Tháp"), or the code when unknown. */
export function provinceName(code: string | null | undefined): string {
  if (!code) return '';
  return provinceByCode(code)?.shortName ?? code;
}

/** A file size for people: `850 KB`, `7,2 MB` (Vietnamese decimal comma). */
export function formatFileSize(bytes: number, lang: 'vi' | 'en' = 'vi'): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 })} MB`;
}
