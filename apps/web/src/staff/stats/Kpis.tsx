import type { StatsOverview } from './api';
import { formatCount, formatDay, formatPercentValue, formatTime } from './format';
import { useStatsT } from './i18n';
import { coverageCounts } from './logic';

/** One tile: the figure's name, the figure, and a line that qualifies it. */
function Tile({ id, label, value, detail }: { id: string; label: string; value: string; detail?: string }) {
  return (
    <div className="stats-kpi" data-kpi={id}>
      <dt className="stats-kpi__label">{label}</dt>
      <dd className="stats-kpi__value">{value}</dd>
      {detail && <dd className="stats-kpi__detail">{detail}</dd>}
    </div>
  );
}

/** How current the figures are: when they were read and what is not yet counted. */
export function Freshness({ data }: { data: Pick<StatsOverview, 'asOf' | 'lagSeconds' | 'pending'> }) {
  const t = useStatsT();
  return (
    <p className="stats-freshness text-muted">
      {t('freshness.asOf', { time: formatTime(data.asOf) })} —{' '}
      {data.pending > 0
        ? t('freshness.lag', { count: data.pending, seconds: formatCount(Math.round(data.lagSeconds)) })
        : t('freshness.current')}
    </p>
  );
}

/** The unit's key figures: doses, people by status, coverage (with its population's source), reports overdue. */
export function Kpis({ data }: { data: StatsOverview }) {
  const t = useStatsT();
  const counts = coverageCounts(data.coverage);
  const pct = (v: number | null) => {
    const text = formatPercentValue(v);
    return text === null ? t('none') : t('percent', { value: text });
  };
  const pop = data.populationSource;
  return (
    <dl className="stats-kpis" aria-label={t('kpi.label')}>
      <Tile
        id="doses"
        label={t('kpi.doses')}
        value={formatCount(data.doses.total)}
        detail={
          data.doses.lastDay.date
            ? t('kpi.lastDay', {
                date: formatDay(data.doses.lastDay.date),
                doses: formatCount(data.doses.lastDay.doses),
              })
            : t('kpi.lastDayNone')
        }
      />
      <Tile id="atLeastOne" label={t('kpi.atLeastOne')} value={formatCount(counts.atLeastOne)} />
      <Tile id="complete" label={t('kpi.complete')} value={formatCount(counts.complete)} />
      <Tile id="booster" label={t('kpi.booster')} value={formatCount(counts.booster)} />
      <Tile
        id="coverage"
        label={t('kpi.coverage')}
        value={pct(data.coverage.atLeastOnePercent)}
        detail={
          data.coverage.population !== null && pop
            ? `${t('kpi.coverageDetail', {
                complete: pct(data.coverage.completePercent),
                booster: pct(data.coverage.boosterPercent),
              })}. ${t('kpi.population', {
                population: formatCount(data.coverage.population),
                source: pop.source,
                year: pop.year,
              })}`
            : t('kpi.noPopulation')
        }
      />
      <Tile
        id="overdue"
        label={t('kpi.overdue')}
        value={formatCount(data.reports.overdue)}
        detail={
          data.reports.onTimePercent === null
            ? t('kpi.overdueDetailNone')
            : t('kpi.overdueDetail', { percent: pct(data.reports.onTimePercent) })
        }
      />
    </dl>
  );
}
