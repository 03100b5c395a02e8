import { useTranslation } from 'react-i18next';

/** Placeholder while a page or its data loads (a polite live region). */
export function PageLoading() {
  const { t } = useTranslation();
  return (
    <div className="page-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{t('app.loading')}</span>
    </div>
  );
}
