import { useQuery } from '@tanstack/react-query';
import { type PersonReport, REPORT_ROLES } from '@tiemchung/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { useCurrentUser } from '../../auth/session';
import { Alert } from '../../ui/Alert';
import { Badge } from '../../ui/Badge';
import { reportsPaths } from '../reports/paths';
import type { ItemsResponse } from './api';
import { formatDateTime } from './format';

/**
 * "Phản ánh về người này": the citizens' reports about the person (`GET /api/people/{id}/reports`)
 * — tracking code, what it is about, where it stands and its deadline; never its content. Report
 * handlers and administrators open a report from here (its page checks their scope).
 */
export function PersonReports({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const handles = (REPORT_ROLES as readonly string[]).includes(user.role);
  const reports = useQuery({
    queryKey: ['people', 'reports', personId],
    queryFn: ({ signal }) =>
      api.get<ItemsResponse<PersonReport>>(`/api/people/${encodeURIComponent(personId)}/reports`, { signal }),
  });
  const items = reports.data?.items;

  const state = (r: PersonReport) => {
    if (r.status === 'resolved')
      return t('reception.reports.resolved', {
        at: formatDateTime(r.resolvedAt),
        outcome: r.outcome ? t(`reception.reports.outcomes.${r.outcome}`) : '',
      });
    return t('reception.reports.due', { at: formatDateTime(r.dueAt) });
  };

  return (
    <section className="card stack" aria-labelledby="person-reports-title">
      <h2 id="person-reports-title" className="h3">
        {t('reception.reports.title')}
      </h2>
      {reports.isPending && <p className="text-muted">{t('reception.reports.loading')}</p>}
      {reports.isError && (
        <Alert variant="error">
          <p>{t('reception.reports.loadFailed')}</p>
        </Alert>
      )}
      {items && items.length === 0 && <p>{t('reception.reports.none')}</p>}
      {items && items.length > 0 && (
        <ul className="person-reports">
          {items.map((r) => (
            <li key={r.id} className="person-report">
              <p className="person-report__head">
                <strong>
                  {handles ? <Link to={reportsPaths.report(r.id)}>{r.trackingCode}</Link> : r.trackingCode}
                </strong>{' '}
                <span>{t(`reception.reports.categories.${r.category}`)}</span>
              </p>
              <p className="person-report__state">
                <Badge tone={r.status === 'resolved' ? 'success' : r.overdue ? 'danger' : 'warning'}>
                  {r.overdue && r.status !== 'resolved'
                    ? t('reception.reports.overdue')
                    : t(`reception.reports.statuses.${r.status}`)}
                </Badge>{' '}
                <span>{state(r)}</span>
              </p>
              <p className="text-muted">{t('reception.reports.received', { at: formatDateTime(r.receivedAt) })}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
