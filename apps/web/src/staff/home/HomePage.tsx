import { useTranslation } from 'react-i18next';
import { roleLabel } from '../../auth/roleLabel';
import { useCurrentUser } from '../../auth/session';
import { usePageTitle } from '../../ui/usePageTitle';

/** `/quan-tri` — "Tổng quan": the staff home, greeting the signed-in user. */
export function HomePage() {
  const { t } = useTranslation();
  const headingRef = usePageTitle(t('staff.homeTitle'));
  const user = useCurrentUser();
  const role = roleLabel(t, user.role);

  return (
    <div className="stack">
      <h1 ref={headingRef} tabIndex={-1}>
        {t('staff.homeTitle')}
      </h1>
      <section className="card stack" aria-labelledby="greeting">
        <h2 id="greeting" className="greeting">
          {t('staff.greeting', { name: user.displayName })}
        </h2>
        <p>{t('staff.roleLine', { role })}</p>
      </section>
      <section className="card stack" aria-labelledby="account-title">
        <h2 id="account-title" className="h3">
          {t('staff.accountTitle')}
        </h2>
        <dl className="details">
          <div>
            <dt>{t('staff.username')}</dt>
            <dd>{user.username}</dd>
          </div>
          <div>
            <dt>{t('staff.role')}</dt>
            <dd>{role}</dd>
          </div>
          {user.unitCode && (
            <div>
              <dt>{t('staff.unit')}</dt>
              <dd>{user.unitCode}</dd>
            </div>
          )}
          {user.facilityId && (
            <div>
              <dt>{t('staff.facility')}</dt>
              <dd>{user.facilityId}</dd>
            </div>
          )}
        </dl>
      </section>
    </div>
  );
}
