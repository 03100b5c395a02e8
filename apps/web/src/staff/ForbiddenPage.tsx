import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { paths } from '../paths';
import { Alert } from '../ui/Alert';
import { usePageTitle } from '../ui/usePageTitle';

/** Shown when a user opens a staff area their role may not use. */
export function ForbiddenPage() {
  const { t } = useTranslation();
  const headingRef = usePageTitle(t('staff.forbiddenTitle'));
  return (
    <div className="stack">
      <h1 ref={headingRef} tabIndex={-1}>
        {t('staff.forbiddenTitle')}
      </h1>
      <Alert variant="warning" role="none">
        <p>{t('staff.forbiddenText')}</p>
      </Alert>
      <p>
        <Link to={paths.staffHome}>{t('staff.backHome')}</Link>
      </p>
    </div>
  );
}
