import { useId, useMemo } from 'react';
import { type StatsCoverage, statsEndpoints, type UnitQuery } from './api';
import { Chart } from './Chart';
import { formatCount, formatPercentValue } from './format';
import { useStatsT } from './i18n';
import { coverageCounts } from './logic';
import { Count, CoverageHeads, ExportLinks, Percent, Section, TableScroll } from './parts';
import { Loaded, useStats } from './useStats';

/**
 * Coverage by age band or by sex: people with at least one dose, the primary series and a booster,
 * as a share of the population where there is one (else as counts), in a bar chart and a table.
 */
export function CoverageBreakdown({ unit, by }: { unit: UnitQuery; by: 'ageBand' | 'sex' }) {
  const t = useStatsT();
  const id = useId();
  const endpoint = statsEndpoints.coverage(unit, by);
  const query = useStats<StatsCoverage>(endpoint);
  return (
    <Section id={id} title={t(`breakdown.${by}.title`)}>
      <Loaded query={query}>{(data) => <BreakdownBody data={data} by={by} tableId={`${id}-table`} />}</Loaded>
      <ExportLinks endpoint={endpoint} table={t(`breakdown.${by}.title`)} />
    </Section>
  );
}

function BreakdownBody({ data, by, tableId }: { data: StatsCoverage; by: 'ageBand' | 'sex'; tableId: string }) {
  const t = useStatsT();
  const rows = data.rows;
  const withPercent = rows.some((r) => r.atLeastOnePercent !== null);
  const option = useMemo(() => {
    const value = (r: (typeof rows)[number], which: 'atLeastOne' | 'complete' | 'booster') =>
      withPercent ? (r[`${which}Percent`] ?? 0) : coverageCounts(r)[which];
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: rows.map((r) => r.label), axisLabel: { interval: 0, hideOverlap: true } },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { formatter: (v: number) => (withPercent ? `${formatPercentValue(v)}` : formatCount(v)) },
      },
      series: (['atLeastOne', 'complete', 'booster'] as const).map((which) => ({
        type: 'bar',
        name: t(`units.columns.${which}`),
        data: rows.map((r) => value(r, which)),
      })),
    };
  }, [rows, withPercent, t]);
  if (rows.length === 0) return <p>{t('breakdown.empty')}</p>;
  const what = t(`breakdown.${by}.dimension`).toLocaleLowerCase();
  const caption = t(`breakdown.${by}.caption`);
  return (
    <>
      <Chart
        option={option}
        height={260}
        label={t(withPercent ? 'breakdown.chartPercent' : 'breakdown.chartCount', {
          what,
        })}
        describedBy={tableId}
      />
      <TableScroll label={caption}>
        <table className="stats-table" id={tableId}>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t(`breakdown.${by}.dimension`)}</th>
              <CoverageHeads />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const counts = coverageCounts(r);
              return (
                <tr key={r.key}>
                  <th scope="row">{r.label}</th>
                  <td className="num">
                    <Count n={counts.atLeastOne} />
                  </td>
                  <td className="num">
                    <Count n={counts.complete} />
                  </td>
                  <td className="num">
                    <Count n={counts.booster} />
                  </td>
                  <td className="num">
                    <Count n={r.population} />
                  </td>
                  <td className="num">
                    <Percent value={r.atLeastOnePercent} />
                  </td>
                  <td className="num">
                    <Percent value={r.completePercent} />
                  </td>
                  <td className="num">
                    <Percent value={r.boosterPercent} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}
