import type { Urgency } from '@tiemchung/core';
import { Badge, type BadgeTone } from '../../ui/Badge';
import { cx } from '../../ui/cx';
import { useNow } from '../../ui/useNow';
import type { Report, ReportStatus } from './api';
import { answeredOnTime, formatDuration, liveUrgency } from './format';
import { useReportsT } from './i18n';

/** Distinct shapes per urgency, so that colour is never the only cue. */
const ICONS: Record<Urgency, string> = {
  // a clock
  ok: 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm0 2a6.5 6.5 0 1 1 0 13 6.5 6.5 0 0 1 0-13Zm-.9 2.5v4.6l3.6 2.2.9-1.5-2.7-1.6V6H9.1Z',
  // an hourglass
  soon: 'M5 1.5h10v2h-1v2.7L11.4 10 14 13.8v2.7h1v2H5v-2h1v-2.7L8.6 10 6 6.2V3.5H5v-2Zm3 2v2.1l2.6 3.9L8 13.4v3.1h4v-3.1L9.4 9.5 12 5.6V3.5H8Z',
  // a warning triangle
  urgent: 'M10 1.8 1 17.5h18L10 1.8Zm-.9 5.7h1.8v5h-1.8v-5Zm0 6.5h1.8v1.8h-1.8V14Z',
  // a stop sign
  overdue: 'M6.5 1.5h7l5 5v7l-5 5h-7l-5-5v-7l5-5Zm2.6 4v6h1.8v-6H9.1Zm0 7.5v1.8h1.8V13H9.1Z',
};

/** The time left to answer an open report (or how late it is), ticking every second, in its urgency colour. */
export function Countdown({
  report,
  size = 'normal',
}: {
  report: Pick<Report, 'dueAt' | 'status' | 'resolvedAt'>;
  size?: 'normal' | 'large';
}) {
  const t = useReportsT();
  const now = useNow();
  if (report.status === 'resolved') {
    // Closed: whether it was answered within the 48 hours.
    const onTime = answeredOnTime(report);
    return (
      <Badge tone={onTime ? 'success' : 'warning'} className="countdown-done">
        {onTime ? t('countdown.doneOnTime') : t('countdown.doneLate')}
      </Badge>
    );
  }
  const left = Date.parse(report.dueAt) - now;
  const u = liveUrgency(report, now);
  const time = formatDuration(Math.abs(left));
  return (
    <span className={cx('countdown', `countdown--${u}`, size === 'large' && 'countdown--large')} data-urgency={u}>
      <svg className="countdown__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path fill="currentColor" fillRule="evenodd" d={ICONS[u]} />
      </svg>
      <span className="countdown__text">
        {/* role="timer": read when reached, never announced on every tick. */}
        <span className="countdown__time" role="timer">
          {left >= 0 ? t('countdown.left', { time }) : t('countdown.over', { time })}
        </span>
        <span className="countdown__label">{t(`urgency.${u}`)}</span>
      </span>
    </span>
  );
}

const STATUS_TONES: Record<ReportStatus, BadgeTone> = {
  received: 'neutral',
  in_progress: 'neutral',
  resolved: 'success',
};

export function StatusBadge({ status }: { status: ReportStatus }) {
  const t = useReportsT();
  return <Badge tone={STATUS_TONES[status] ?? 'neutral'}>{t(`status.${status}`)}</Badge>;
}
