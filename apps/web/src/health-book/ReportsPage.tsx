import { Link } from 'react-router';
import { Badge, type BadgeTone } from '../ui/Badge';
import { usePageTitle } from '../ui/usePageTitle';
import type { HouseholdReport } from './api';
import { formatDateTime } from './format';
import { useBookT } from './i18n';
import { bookPaths } from './paths';
import { useBook } from './store';

const STATUS_TONES: Record<HouseholdReport['status'], BadgeTone> = {
  received: 'neutral',
  in_progress: 'warning',
  resolved: 'success',
};

function ReportItem({ report, now }: { report: HouseholdReport; now: number }) {
  const t = useBookT();
  const overdue = report.status !== 'resolved' && Date.parse(report.dueAt) < now;
  return (
    <li className="card stack stack--tight book-report">
      <h2 className="h3">
        <span className="book-tracking">{report.trackingCode}</span>
      </h2>
      <p>
        <Badge tone={STATUS_TONES[report.status]}>{t(`reports.states.${report.status}`)}</Badge>
      </p>
      <dl className="book-facts">
        <div>
          <dt>{t('reports.person')}</dt>
          <dd>
            {report.personId ? <Link to={bookPaths.member(report.personId)}>{report.fullName}</Link> : report.fullName}
          </dd>
        </div>
        <div>
          <dt>{t('reports.category')}</dt>
          <dd>{t(`categories.${report.category}`)}</dd>
        </div>
        <div>
          <dt>{t('reports.receivedAt')}</dt>
          <dd>{formatDateTime(report.receivedAt)}</dd>
        </div>
        {report.status === 'resolved' && report.resolvedAt ? (
          <div>
            <dt>{t('reports.resolvedAt')}</dt>
            <dd>{formatDateTime(report.resolvedAt)}</dd>
          </div>
        ) : (
          <div>
            <dt>{t('reports.dueAt')}</dt>
            <dd>{formatDateTime(report.dueAt)}</dd>
          </div>
        )}
      </dl>
      {overdue && <p className="book-overdue">{t('reports.overdue')}</p>}
      {report.outcome && (
        <div className="stack stack--tight">
          <p>
            <strong>{t(`reports.outcomes.${report.outcome}`)}</strong>
          </p>
          {report.outcomeReason && <p>{t(`reports.reasons.${report.outcomeReason}`)}</p>}
          {report.outcomeNote && <p className="text-muted">{report.outcomeNote}</p>}
        </div>
      )}
    </li>
  );
}

/** `/so-suc-khoe/phan-anh`: the reports filed from the book, with their status and 48-hour due time (kept offline too). */
export default function ReportsPage() {
  const t = useBookT();
  const headingRef = usePageTitle(t('reports.title'));
  const book = useBook();
  if (!book) return null;
  const now = Date.now();
  const reports = [...book.household.reports].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  return (
    <div className="stack">
      <h1 ref={headingRef} tabIndex={-1}>
        {t('reports.title')}
      </h1>
      <p>{t('reports.intro')}</p>
      {reports.length === 0 ? (
        <p className="text-muted">{t('reports.empty')}</p>
      ) : (
        <ul className="book-reports">
          {reports.map((report) => (
            <ReportItem key={report.trackingCode} report={report} now={now} />
          ))}
        </ul>
      )}
    </div>
  );
}
