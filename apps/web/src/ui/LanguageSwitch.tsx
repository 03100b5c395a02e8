import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage, type Language } from '../i18n';

/**
 * Switches between Vietnamese (default) and English: one button named, in its own language, after
 * the language it switches to ("English" / "Tiếng Việt"). The choice is remembered in localStorage.
 */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  void i18n.language; // re-render on language change
  const target: Language = currentLanguage() === 'vi' ? 'en' : 'vi';
  return (
    <button type="button" className="lang-switch" lang={target} onClick={() => void changeLanguage(target)}>
      <svg className="lang-switch__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm5.9 7.6h-2.6a13 13 0 0 0-1.1-5 6.8 6.8 0 0 1 3.7 5ZM10 3.4c.8 1 1.5 3 1.6 5.7H8.4C8.5 6.4 9.2 4.4 10 3.4ZM7.8 4.1a13 13 0 0 0-1.1 5H4.1a6.8 6.8 0 0 1 3.7-5Zm-3.7 6.8h2.6a13 13 0 0 0 1.1 5 6.8 6.8 0 0 1-3.7-5Zm5.9 5.7c-.8-1-1.5-3-1.6-5.7h3.2c-.1 2.7-.8 4.7-1.6 5.7Zm2.2-.7a13 13 0 0 0 1.1-5h2.6a6.8 6.8 0 0 1-3.7 5Z"
        />
      </svg>
      {t(`lang.${target}`)}
    </button>
  );
}
