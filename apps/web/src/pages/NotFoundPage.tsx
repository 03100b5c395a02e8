import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../auth/session';
import { paths } from '../paths';
import { buttonClass } from '../ui/Button';
import { usePageTitle } from '../ui/usePageTitle';

/** 404 for any unknown address (public or staff). */
export function NotFoundPage() {
  const { t } = useTranslation();
  const headingRef = usePageTitle(t('notFound.title'));
  const session = useSession();
  return (
    <div className="container page page--narrow stack">
      <p className="page__eyebrow" aria-hidden="true">
        404
      </p>
      <h1 ref={headingRef} tabIndex={-1}>
        {t('notFound.title')}
      </h1>
      <p>{t('notFound.text')}</p>
      <p>
        <Link className={buttonClass('secondary')} to={session.user ? paths.staffHome : paths.landing}>
          {t('notFound.home')}
        </Link>
      </p>
    </div>
  );
}
