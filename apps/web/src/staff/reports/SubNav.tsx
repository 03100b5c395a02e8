import { TabNav } from '../../ui/TabNav';
import { useReportsT } from './i18n';
import { reportsPaths } from './paths';

/** The area's own tabs: the queue and the campaigns. */
export function SubNav() {
  const t = useReportsT();
  return (
    <TabNav
      className="reports-subnav"
      label={t('nav.label')}
      items={[
        { to: reportsPaths.queue, label: t('nav.queue'), end: true },
        { to: reportsPaths.campaigns, label: t('nav.campaigns') },
      ]}
    />
  );
}
