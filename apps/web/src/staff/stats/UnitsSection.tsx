import { useId, useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import type { StatsUnits, UnitQuery } from './api';
import { statsEndpoints } from './api';
import { Chart } from './Chart';
import { formatCount, formatPercentValue } from './format';
import { useStatsT } from './i18n';
import { coverageCounts } from './logic';
import { Count, CoverageHeads, ExportLinks, Percent, Section, TableScroll } from './parts';
import { Loaded, useStats } from './useStats';

/** Height of one unit's bars in the horizontal chart, px. */
const ROW_PX = 30;

/**
 * Coverage by unit: the children of the unit shown (provinces of the nation, districts of a
 * province… facilities last) as a table whose names are links one level down, and the same
 * figures as a horizontal bar chart (a click on a bar goes down too).
 */
export function UnitsSection({ unit, hrefOf }: { unit: UnitQuery; hrefOf: (row: UnitQuery) => string }) {
  const t = useStatsT();
  const id = useId();
  const endpoint = statsEndpoints.units(unit);
  const query = useStats<StatsUnits>(endpoint);
  return (
    <Section id={id} title={t('units.title')} intro={t('units.intro')}>
      <Loaded query={query}>{(data) => <UnitsBody data={data} hrefOf={hrefOf} tableId={`${id}-table`} />}</Loaded>
      <ExportLinks endpoint={endpoint} table={t('units.title')} />
    </Section>
  );
}

function UnitsBody({
  data,
  hrefOf,
  tableId,
}: {
  data: StatsUnits;
  hrefOf: (row: UnitQuery) => string;
  tableId: string;
}) {
  const t = useStatsT();
  const navigate = useNavigate();
  const scheme = data.unit.scheme;
  const rows = data.rows;
  const withPercent = rows.some((r) => r.coverage?.atLeastOnePercent != null);
  const hasFacilities = rows.some((r) => r.coverage === null);
  const unitName = data.unit.name;
  const hrefOfRow = (r: (typeof rows)[number]) => hrefOf({ scheme, level: r.level, code: r.code });
  const option = useMemo(() => {
    // The first unit at the top: ECharts draws a category axis from the bottom up.
    const ordered = [...rows].reverse();
    const pct = (v: number | null | undefined) => v ?? 0;
    const series = withPercent
      ? [
          {
            type: 'bar',
            name: t('units.columns.atLeastOnePercent'),
            data: ordered.map((r) => pct(r.coverage?.atLeastOnePercent)),
          },
          {
            type: 'bar',
            name: t('units.columns.completePercent'),
            data: ordered.map((r) => pct(r.coverage?.completePercent)),
          },
        ]
      : [{ type: 'bar', name: t('units.columns.doses'), data: ordered.map((r) => r.doses) }];
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      yAxis: {
        type: 'category',
        data: ordered.map((r) => r.name),
        axisLabel: { width: 140, overflow: 'truncate' },
      },
      xAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: {
          formatter: (v: number) => (withPercent ? `${formatPercentValue(v)}` : formatCount(v)),
        },
      },
      series: series.map((s) => ({ ...s, cursor: 'pointer' })),
    };
  }, [rows, withPercent, t]);

  if (rows.length === 0) return <p>{t('units.empty')}</p>;
  const caption = t('units.caption', { unit: unitName });
  return (
    <>
      <Chart
        option={option}
        height={Math.max(160, rows.length * ROW_PX * (withPercent ? 1.4 : 1) + 60)}
        label={withPercent ? t('units.chartCoverage', { unit: unitName }) : t('units.chartDoses', { unit: unitName })}
        describedBy={tableId}
        onSelect={(index) => {
          const row = rows[rows.length - 1 - index];
          if (row) navigate(hrefOfRow(row));
        }}
      />
      <TableScroll label={caption}>
        <table className="stats-table" id={tableId}>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('units.columns.unit')}</th>
              <th scope="col" className="num">
                {t('units.columns.doses')}
              </th>
              <CoverageHeads />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const c = r.coverage;
              const counts = c ? coverageCounts(c) : null;
              return (
                <tr key={`${r.level}:${r.code}`} data-unit={r.code}>
                  <th scope="row">
                    <Link to={hrefOfRow(r)} aria-label={t('units.open', { name: r.name })}>
                      {r.name}
                    </Link>
                  </th>
                  <td className="num">
                    <Count n={r.doses} />
                  </td>
                  <td className="num">
                    <Count n={counts?.atLeastOne} />
                  </td>
                  <td className="num">
                    <Count n={counts?.complete} />
                  </td>
                  <td className="num">
                    <Count n={counts?.booster} />
                  </td>
                  <td className="num">
                    <Count n={c?.population} />
                  </td>
                  <td className="num">
                    <Percent value={c?.atLeastOnePercent} />
                  </td>
                  <td className="num">
                    <Percent value={c?.completePercent} />
                  </td>
                  <td className="num">
                    <Percent value={c?.boosterPercent} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      {hasFacilities && <p className="text-muted">{t('units.facilityNote')}</p>}
    </>
  );
}
