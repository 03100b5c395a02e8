import { TabNav } from '../../ui/TabNav';
import { useApprovalsT } from './i18n';
import { approvalsPaths } from './paths';

/** The area's tabs: the requests to decide, and the records that block a vaccine passport. */
export function SubNav() {
  const t = useApprovalsT();
  return (
    <TabNav
      label={t('nav.label')}
      items={[
        { to: approvalsPaths.list, label: t('nav.requests'), end: true },
        { to: approvalsPaths.blocked, label: t('nav.blocked') },
      ]}
    />
  );
}
