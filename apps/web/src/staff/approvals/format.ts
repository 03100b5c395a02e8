import { currentLanguage } from '../../i18n';

/** How long ago an instant was, in the interface language ("5 phút trước", "2 hours ago"). */
export function ago(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(currentLanguage(), { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3_600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3_600), 'hour');
  return rtf.format(Math.round(seconds / 86_400), 'day');
}

/**
 * Whether the identity gate stops a dose for this person at the desk: not verified by the
 * population database, not approved by a supervisor, not a passport (checked at the site), and not
 * a registry that did not answer (the dose goes ahead and the identity is checked again later).
 */
export function identityBlocksDose(person: {
  idType: string | null;
  verification: { status: string; override: unknown };
}): boolean {
  const { status, override } = person.verification;
  return person.idType !== 'passport' && status !== 'verified' && status !== 'unavailable' && override === null;
}
