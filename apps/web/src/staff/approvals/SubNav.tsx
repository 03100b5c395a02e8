import { useCurrentUser } from '../../auth/session';
import { TabNav } from '../../ui/TabNav';
import { useApprovalsT } from './i18n';
import { approvalsPaths } from './paths';

/**
 * The area's tabs: the requests to decide and the records that block a vaccine passport (for
 * supervisors), and the vaccine passports (for supervisors and sites alike).
 */
export function SubNav() {
  const t = useApprovalsT();
  const { role } = useCurrentUser();
  const passports = { to: approvalsPaths.passports, label: t('nav.passports') };
  return (
    <TabNav
      label={t('nav.label')}
      items={
        role === 'site_staff'
          ? [passports]
          : [
              { to: approvalsPaths.list, label: t('nav.requests'), end: true },
              { to: approvalsPaths.blocked, label: t('nav.blocked') },
              passports,
            ]
      }
    />
  );
}
