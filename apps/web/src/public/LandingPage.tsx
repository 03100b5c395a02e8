import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../auth/session';
import { paths } from '../paths';
import { buttonClass } from '../ui/Button';
import { usePageTitle } from '../ui/usePageTitle';
import { usePublicT } from './i18n';
import { publicPaths } from './paths';
import './public.css';

/** Line icons of the three services (decorative: the card titles say what they are). */
const ICONS = {
  lookup:
    'M6 3h9l5 5v13H6V3Zm8 1.5V9h4.5M9 13h8M9 16.5h8M9 9.5h3.5M17.5 21.5l2.3 1.2-.4-2.6 1.9-1.8-2.6-.4-1.2-2.3-1.2 2.3-2.6.4 1.9 1.8-.4 2.6z',
  report: 'M4 4h16v12H9l-5 4V4Zm8 3v4m0 2.5v.5',
  registration: 'M5 5h14v16H5V5Zm3-2v4m8-4v4M5 10h14m-10 4 2 2 4-4',
} as const;

function ServiceIcon({ path }: { path: string }) {
  return (
    <svg className="service-card__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={path} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/**
 * `/`: the citizens' portal (look-up, report, registration), the e-health book, the verifier and
 * the way in for health workers.
 */
export function LandingPage() {
  const { t } = useTranslation();
  const tp = usePublicT();
  const headingRef = usePageTitle(t('app.fullName'));
  const session = useSession();

  return (
    <>
      <section className="hero" aria-labelledby="landing-title">
        <div className="container hero__inner">
          <div className="hero__text stack">
            <h1 id="landing-title" ref={headingRef} tabIndex={-1} className="hero__title">
              {t('landing.title')}
            </h1>
            <p className="lead">{tp('lead')}</p>
          </div>
          <svg className="hero__art" viewBox="0 0 200 200" aria-hidden="true" focusable="false">
            <circle cx="100" cy="100" r="92" fill="#d7eef2" />
            <path d="M100 34l52 19v40c0 32-22 58-52 68-30-10-52-36-52-68V53z" fill="#0f6b80" />
            <path d="M100 46l40 14.6v32.2c0 25-17 45.6-40 53.8-23-8.2-40-28.8-40-53.8V60.6z" fill="#fff" />
            <path d="M90 70h20v20h20v20h-20v20H90v-20H70V90h20z" fill="#14a0b4" />
          </svg>
        </div>
      </section>

      <section className="container stack services" aria-labelledby="services-title">
        <h2 id="services-title">{tp('servicesTitle')}</h2>
        <ul className="service-list">
          <li className="service-card">
            <ServiceIcon path={ICONS.lookup} />
            <h3>
              <Link className="service-card__link" to={publicPaths.certificateLookup}>
                {tp('lookup.title')}
              </Link>
            </h3>
            <p>{tp('lookup.text')}</p>
          </li>
          <li className="service-card">
            <ServiceIcon path={ICONS.report} />
            <h3>
              <Link className="service-card__link" to={publicPaths.report}>
                {tp('report.title')}
              </Link>
            </h3>
            <p>{tp('report.text')}</p>
            <p className="service-card__extra">
              <Link to={publicPaths.reportStatus}>{tp('report.status')}</Link>
            </p>
          </li>
          <li className="service-card">
            <ServiceIcon path={ICONS.registration} />
            <h3>
              <Link className="service-card__link" to={publicPaths.registration}>
                {tp('registration.title')}
              </Link>
            </h3>
            <p>{tp('registration.text')}</p>
          </li>
        </ul>

        <div className="landing-more">
          <section className="landing-more__item stack stack--tight" aria-labelledby="health-book-title">
            <h2 id="health-book-title" className="h3">
              {tp('healthBook.title')}
            </h2>
            <p className="text-muted">{tp('healthBook.text')}</p>
            <p>
              <Link className={buttonClass('secondary')} to={paths.healthBook}>
                {tp('healthBook.link')}
              </Link>
            </p>
          </section>
          <section className="landing-more__item stack stack--tight" aria-labelledby="verifier-title">
            <h2 id="verifier-title" className="h3">
              {tp('verifier.title')}
            </h2>
            <p className="text-muted">{tp('verifier.text')}</p>
            <p>
              <Link className={buttonClass('secondary')} to={publicPaths.verifier}>
                {tp('verifier.link')}
              </Link>
            </p>
          </section>
          <section className="landing-more__item stack stack--tight" aria-labelledby="statistics-title">
            <h2 id="statistics-title" className="h3">
              {tp('statistics.title')}
            </h2>
            <p className="text-muted">{tp('statistics.text')}</p>
            <p>
              <Link className={buttonClass('secondary')} to={publicPaths.statistics}>
                {tp('statistics.link')}
              </Link>
            </p>
          </section>
          <section className="landing-more__item stack stack--tight" aria-labelledby="staff-title">
            <h2 id="staff-title" className="h3">
              {tp('staff.title')}
            </h2>
            <p className="text-muted">{tp('staff.text')}</p>
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
          </section>
        </div>
      </section>
    </>
  );
}
