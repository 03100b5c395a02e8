import { statsRangeProblem } from '@tiemchung/core';
import { useId, useMemo, useState } from 'react';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { type DateRange, type StatsDoses, statsEndpoints, type UnitQuery } from './api';
import { Chart } from './Chart';
import { formatCount, formatDay, numberLocale } from './format';
import { useStatsT } from './i18n';
import { addDays, doseNumbersOf, vietnamToday } from './logic';
import { ExportLinks, Section, TableScroll } from './parts';
import { Loaded, useStats } from './useStats';

/**
 * Doses per day in the unit, stacked by dose number, over a range of days (in the address, so a
 * link keeps it); the table of the same figures is the chart's text alternative.
 */
export function DosesByDay({
  unit,
  range,
  onRange,
}: {
  unit: UnitQuery;
  range: Required<DateRange>;
  onRange: (range: DateRange) => void;
}) {
  const t = useStatsT();
  const id = useId();
  const endpoint = statsEndpoints.doses(unit, 'day', range);
  const query = useStats<StatsDoses>(endpoint);
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  const [error, setError] = useState<string | undefined>();
  const apply = () => {
    // Core's rule of a statistics range, on the days the server will read (an empty end is today).
    if (statsRangeProblem({ from: from || undefined, to: to || vietnamToday() })) {
      setError(t('days.badRange'));
      return;
    }
    setError(undefined);
    onRange({ from: from || undefined, to: to || undefined });
  };
  return (
    <Section id={id} title={t('days.title')} intro={t('days.intro')}>
      <form
        className="stats-range"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <TextField
          type="date"
          label={t('days.from')}
          value={from}
          max={to || undefined}
          onChange={(e) => setFrom(e.target.value)}
          error={error}
        />
        <TextField
          type="date"
          label={t('days.to')}
          value={to}
          min={from || undefined}
          onChange={(e) => setTo(e.target.value)}
        />
        <Button type="submit" variant="secondary">
          {t('days.apply')}
        </Button>
      </form>
      <Loaded query={query}>{(data) => <DaysBody data={data} range={range} tableId={`${id}-table`} />}</Loaded>
      <ExportLinks endpoint={endpoint} table={t('days.title')} />
    </Section>
  );
}

/** The days from `from` to `to` inclusive, or null for a range too long to chart day by day (over 3 years). */
function daysBetween(from: string, to: string): string[] | null {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    days.push(d);
    if (days.length > 1100) return null;
  }
  return days;
}

function DaysBody({ data, range, tableId }: { data: StatsDoses; range: Required<DateRange>; tableId: string }) {
  const t = useStatsT();
  const doseNumbers = useMemo(() => doseNumbersOf(data.rows), [data]);
  const total = data.rows.reduce((sum, r) => sum + r.doses, 0);
  const option = useMemo(() => {
    // Every day of the range is on the axis (a day without doses is a zero, not a gap).
    const byKey = new Map(data.rows.map((r) => [r.key, r]));
    const days = daysBetween(range.from, range.to) ?? data.rows.map((r) => r.key);
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 8, right: 16, top: 40, bottom: 56, containLabel: true },
      xAxis: { type: 'category', data: days.map((d) => formatDay(d)) },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { formatter: (v: number) => v.toLocaleString(numberLocale()) },
      },
      dataZoom: days.length > 31 ? [{ type: 'slider', bottom: 8, startValue: days.length - 31 }] : [],
      series: doseNumbers.map((n) => ({
        type: 'bar',
        stack: 'doses',
        name: t('days.dose', { n }),
        data: days.map((d) => byKey.get(d)?.byDoseNumber?.[n] ?? 0),
      })),
    };
  }, [data, doseNumbers, range, t]);
  const dates = { from: formatDay(range.from), to: formatDay(range.to) };
  if (data.rows.length === 0) return <p>{t('days.empty')}</p>;
  return (
    <>
      <Chart
        option={option}
        height={320}
        label={t('days.chart', { ...dates, total: formatCount(total) })}
        describedBy={tableId}
      />
      <details className="stats-details">
        <summary>{t('days.table')}</summary>
        <TableScroll label={t('days.caption', dates)}>
          <table className="stats-table" id={tableId}>
            <caption className="visually-hidden">{t('days.caption', dates)}</caption>
            <thead>
              <tr>
                <th scope="col">{t('days.date')}</th>
                {doseNumbers.map((n) => (
                  <th scope="col" className="num" key={n}>
                    {t('days.dose', { n })}
                  </th>
                ))}
                <th scope="col" className="num">
                  {t('days.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((r) => (
                <tr key={r.key}>
                  <th scope="row">{formatDay(r.key)}</th>
                  {doseNumbers.map((n) => (
                    <td className="num" key={n}>
                      {formatCount(r.byDoseNumber?.[n] ?? 0)}
                    </td>
                  ))}
                  <td className="num">{formatCount(r.doses)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </details>
    </>
  );
}
