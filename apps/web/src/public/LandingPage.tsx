import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../auth/session';
import { paths } from '../paths';
import { buttonClass } from '../ui/Button';
import { usePageTitle } from '../ui/usePageTitle';

/** `/`: what the platform is, and the way in for health workers. */
export function LandingPage() {
  const { t } = useTranslation();
  const headingRef = usePageTitle(t('app.fullName'));
  const session = useSession();

  return (
    <section className="hero" aria-labelledby="landing-title">
      <div className="container hero__inner">
        <div className="hero__text stack">
          <h1 id="landing-title" ref={headingRef} tabIndex={-1} className="hero__title">
            {t('landing.title')}
          </h1>
          <p className="lead">{t('landing.description')}</p>
          <p>
            {session.user ? (
              <Link className={buttonClass('primary')} to={paths.staffHome}>
                {t('landing.goToStaff')}
              </Link>
            ) : (
              <Link className={buttonClass('primary')} to={paths.login}>
                {t('landing.staffLogin')}
              </Link>
            )}
          </p>
        </div>
        <svg className="hero__art" viewBox="0 0 200 200" aria-hidden="true" focusable="false">
          <circle cx="100" cy="100" r="92" fill="#d7eef2" />
          <path d="M100 34l52 19v40c0 32-22 58-52 68-30-10-52-36-52-68V53z" fill="#0f6b80" />
          <path d="M100 46l40 14.6v32.2c0 25-17 45.6-40 53.8-23-8.2-40-28.8-40-53.8V60.6z" fill="#fff" />
          <path d="M90 70h20v20h20v20h-20v20H90v-20H70V90h20z" fill="#14a0b4" />
        </svg>
      </div>
    </section>
  );
}
