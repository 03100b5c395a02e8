import { OBSERVATION_MINUTES, REPORT_SLA_HOURS } from '@tiemchung/core';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import vi from './vi.json';

/** The two languages of the platform. Vietnamese is the default; English is opt-in. */
export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'vi';

/** Where the user's explicit choice is remembered (only an explicit switch is stored). */
export const LANGUAGE_STORAGE_KEY = 'tiemchung.lang';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function readStoredLanguage(): Language | undefined {
  try {
    const stored = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(stored) ? stored : undefined;
  } catch {
    return undefined; // storage disabled (privacy mode): fall back to the default
  }
}

function storeLanguage(lang: Language): void {
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, lang);
  } catch {
    // ignore: the choice then lasts for this page only
  }
}

function applyToDocument(lang: string): void {
  if (typeof document === 'undefined') return; // pre-rendering (src/prerender.tsx)
  document.documentElement.lang = isLanguage(lang) ? lang : DEFAULT_LANGUAGE;
}

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  // Vietnamese by default, whatever the browser prefers: this is a national Vietnamese service.
  lng: readStoredLanguage() ?? DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: LANGUAGES,
  nonExplicitSupportedLngs: false,
  defaultNS: 'translation',
  resources: {
    vi: { translation: viResources },
    en: { translation: enResources },
  },
  interpolation: {
    escapeValue: false, // React escapes
    // Core's clocks, named in texts ("trong vòng {{slaHours}} giờ"): one source for the rule and its words.
    defaultVariables: { slaHours: REPORT_SLA_HOURS, observationMinutes: OBSERVATION_MINUTES },
  },
  returnNull: false,
  initAsync: false, // resources are bundled: be ready synchronously before the first render
});

applyToDocument(i18n.language);
i18n.on('languageChanged', applyToDocument);

/** The language currently in use (always one of LANGUAGES). */
export function currentLanguage(): Language {
  const lang = i18n.resolvedLanguage ?? i18n.language;
  return isLanguage(lang) ? lang : DEFAULT_LANGUAGE;
}

/** Switches the interface language and remembers the choice in localStorage. */
export async function changeLanguage(lang: Language): Promise<void> {
  storeLanguage(lang);
  await i18n.changeLanguage(lang);
}
