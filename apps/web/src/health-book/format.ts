import { currentLanguage } from '../i18n';

export { formatDate, formatDateTime, parseFormDate, todayIso } from '../ui/dates';

/** A bilingual text of the server or core's rules, in the interface language. */
export function localized(text: { vi: string; en: string }): string {
  return text[currentLanguage()];
}

/**
 * A name for this device, offered when signing in (the citizen may change it): what the list of
 * signed-in devices shows, so that a lost phone can be told apart and revoked.
 */
export function guessDeviceName(userAgent: string, lang: 'vi' | 'en'): string {
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /SamsungBrowser\//.test(userAgent)
      ? 'Samsung Internet'
      : /Firefox\//.test(userAgent)
        ? 'Firefox'
        : /(Chrome|CriOS)\//.test(userAgent)
          ? 'Chrome'
          : /Safari\//.test(userAgent)
            ? 'Safari'
            : null;
  const device = /iPhone/.test(userAgent)
    ? 'iPhone'
    : /iPad/.test(userAgent)
      ? 'iPad'
      : /Android/.test(userAgent)
        ? lang === 'vi'
          ? 'Điện thoại Android'
          : 'Android phone'
        : /Windows/.test(userAgent)
          ? lang === 'vi'
            ? 'Máy tính Windows'
            : 'Windows computer'
          : /Mac OS X/.test(userAgent)
            ? 'Mac'
            : /Linux/.test(userAgent)
              ? lang === 'vi'
                ? 'Máy tính Linux'
                : 'Linux computer'
              : null;
  const name = [device, browser].filter(Boolean).join(' · ');
  return name || (lang === 'vi' ? 'Thiết bị của tôi' : 'My device');
}
