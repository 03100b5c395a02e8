import { useQueries } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { type Facility, reportsApi, reportsKeys, useUnitsByCode } from './api';
import { unitLabel } from './format';
import { useReportsT } from './i18n';
import { countByUnit } from './logic';

/** How many open reports of each status the per-unit view counts at most. */
const OPEN_LIMIT = 5000;

/**
 * The supervisors' view: every open report in the user's scope (whatever the queue's filters),
 * counted by the unit it is assigned to — open, and overdue. Open by default for supervisors,
 * a click away for handlers; loaded only when shown.
 */
export function UnitsSummary({
  defaultOpen,
  facilities,
}: {
  defaultOpen: boolean;
  facilities: readonly Facility[] | undefined;
}) {
  const t = useReportsT();
  const id = useId();
  const [open, setOpen] = useState(defaultOpen);
  const results = useQueries({
    queries: (['received', 'in_progress'] as const).map((status) => ({
      queryKey: reportsKeys.open(status),
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        reportsApi.list({ view: 'all', status, limit: OPEN_LIMIT }, signal),
      enabled: open,
      refetchInterval: 60_000,
    })),
  });
  const error = results.find((r) => r.isError)?.error;
  const loaded = results.every((r) => r.data);
  const reports = loaded ? results.flatMap((r) => r.data?.items ?? []) : [];
  const rows = countByUnit(reports);
  const units = useUnitsByCode(rows.filter((r) => r.unit.level !== 'facility').map((r) => r.unit.code));
  const truncated = results.some((r) => (r.data?.items.length ?? 0) >= OPEN_LIMIT);
  const total = rows.reduce((a, r) => ({ open: a.open + r.open, overdue: a.overdue + r.overdue }), {
    open: 0,
    overdue: 0,
  });

  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <div className="units-summary__head">
        <h2 id={`${id}-title`} className="h3">
          {t('queue.units.title')}
        </h2>
        <Button
          variant="secondary"
          aria-expanded={open}
          aria-controls={open ? `${id}-body` : undefined}
          onClick={() => setOpen(!open)}
        >
          {open ? t('queue.units.hide') : t('queue.units.show')}
        </Button>
      </div>
      {open && (
        <div id={`${id}-body`} className="stack stack--tight">
          <p className="text-muted">{t('queue.units.intro')}</p>
          {error && (
            <Alert variant="error" title={t('common.loadFailed')}>
              <p>{error.message}</p>
            </Alert>
          )}
          {!loaded && !error && <p role="status">{t('common.loading')}</p>}
          {loaded && rows.length === 0 && <p>{t('queue.units.none')}</p>}
          {loaded && rows.length > 0 && (
            // A region the keyboard can scroll (Tab to it, then the arrow keys) when the table is wider than the screen.
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take the focus (WCAG 2.1.1)
            <section className="table-scroll" aria-label={t('queue.units.title')} tabIndex={0}>
              <table className="data-table">
                <caption className="visually-hidden">{t('queue.units.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('queue.units.unit')}</th>
                    <th scope="col" className="num">
                      {t('queue.units.open')}
                    </th>
                    <th scope="col" className="num">
                      {t('queue.units.overdue')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.key} className={row.overdue ? 'data-table__row--alert' : undefined}>
                      <th scope="row">{unitLabel(t, row.unit, { facilities, units })}</th>
                      <td className="num">{row.open}</td>
                      <td className="num">{row.overdue}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">{t('queue.units.total')}</th>
                    <td className="num">{total.open}</td>
                    <td className="num">{total.overdue}</td>
                  </tr>
                </tfoot>
              </table>
            </section>
          )}
          {truncated && <p className="text-muted">{t('queue.units.truncated', { count: OPEN_LIMIT })}</p>}
        </div>
      )}
    </section>
  );
}
