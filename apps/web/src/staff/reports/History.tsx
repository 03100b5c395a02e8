import type { AssignedUnit, Dose, Facility, ReportAction, ReportDetail, UnitLevel } from './api';
import { useUnitsByCode } from './api';
import { formatDate, formatDateTime, rejectionLabel, unitLabel } from './format';
import { type ReportsKey, type ReportsT, useReportsT } from './i18n';

const KNOWN_ACTIONS = [
  'claim',
  'reassign',
  'link_person',
  'add_dose',
  'correct_dose',
  'correct_person',
  'merge',
  'resolve',
] as const;
type KnownAction = (typeof KNOWN_ACTIONS)[number];

function isKnown(action: string): action is KnownAction {
  return (KNOWN_ACTIONS as readonly string[]).includes(action);
}

const LEVELS: readonly UnitLevel[] = ['facility', 'commune', 'district', 'province'];

/** `facility:DT-CL-01` (the server's notation in a re-assignment) → the unit. */
function parseUnit(text: unknown): AssignedUnit | null {
  if (typeof text !== 'string') return null;
  const [level, code] = text.split(':');
  return level && code && (LEVELS as readonly string[]).includes(level) ? { level: level as UnitLevel, code } : null;
}

function record(detail: unknown): Record<string, unknown> {
  return typeof detail === 'object' && detail !== null ? (detail as Record<string, unknown>) : {};
}

function describe(
  t: ReportsT,
  action: ReportAction,
  doses: readonly Dose[] | undefined,
  unitName: (unit: AssignedUnit) => string,
): string {
  const detail = record(action.detail);
  const dose = doses?.find((d) => d.id === action.entityId);
  switch (action.action) {
    case 'reassign': {
      const from = parseUnit(detail.from);
      const to = parseUnit(detail.to);
      return t('history.reassignDetail', {
        from: from ? unitName(from) : String(detail.from ?? ''),
        to: to ? unitName(to) : String(detail.to ?? ''),
        reason: String(detail.reason ?? ''),
      });
    }
    case 'add_dose':
    case 'correct_dose':
      return dose ? t('history.doseDetail', { n: dose.doseNumber, date: formatDate(dose.administeredOn) }) : '';
    case 'resolve': {
      const outcome = typeof detail.outcome === 'string' ? detail.outcome : '';
      const label = ['corrected', 'rejected', 'duplicate'].includes(outcome)
        ? t(`outcome.${outcome}` as ReportsKey)
        : outcome;
      const reason = typeof detail.reason === 'string' ? rejectionLabel(detail.reason) : '';
      return reason ? `${label} — ${reason}` : label;
    }
    default:
      return '';
  }
}

/** What was done on the report, oldest first, from its receipt on. */
export function History({
  report,
  doses,
  facilities,
}: {
  report: ReportDetail;
  doses: readonly Dose[] | undefined;
  facilities: readonly Facility[] | undefined;
}) {
  const t = useReportsT();
  const reassigned = report.actions
    .filter((a) => a.action === 'reassign')
    .flatMap((a) => [parseUnit(record(a.detail).from), parseUnit(record(a.detail).to)])
    .filter((u): u is AssignedUnit => u !== null && u.level !== 'facility');
  const units = useUnitsByCode(reassigned.map((u) => u.code));
  const unitName = (unit: AssignedUnit) => unitLabel(t, unit, { facilities, units });

  return (
    <section className="card stack" aria-labelledby="history-title">
      <h2 id="history-title" className="h3">
        {t('history.title')}
      </h2>
      <ol className="history">
        <li className="history__item">
          <span className="history__what">{t('history.received')}</span>
          <span className="history__meta">
            <time dateTime={report.receivedAt}>{formatDateTime(report.receivedAt)}</time>
            <span>{t('history.citizen')}</span>
          </span>
        </li>
        {report.actions.map((action, index) => {
          const detail = describe(t, action, doses, unitName);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: the log is append-only; two entries may share a time
            <li key={`${action.at}-${index}`} className="history__item">
              <span className="history__what">
                {isKnown(action.action) ? t(`history.actions.${action.action}`) : action.action}
              </span>
              {detail && <span className="history__detail">{detail}</span>}
              <span className="history__meta">
                <time dateTime={action.at}>{formatDateTime(action.at)}</time>
                {action.actor && <span>{action.actor}</span>}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
