import { useId, useMemo } from 'react';
import { type StatsDoses, statsEndpoints, type UnitQuery } from './api';
import { Chart } from './Chart';
import { formatCount } from './format';
import { useStatsT } from './i18n';
import { Count, ExportLinks, Percent, Section, TableScroll } from './parts';
import { Loaded, useStats } from './useStats';

/** The doses by vaccine: a pie, and beside it the table of the same figures with each one's share. */
export function VaccineMix({ unit }: { unit: UnitQuery }) {
  const t = useStatsT();
  const id = useId();
  const endpoint = statsEndpoints.doses(unit, 'vaccine');
  const query = useStats<StatsDoses>(endpoint);
  return (
    <Section id={id} title={t('vaccines.title')}>
      <Loaded query={query}>{(data) => <VaccineBody data={data} tableId={`${id}-table`} />}</Loaded>
      <ExportLinks endpoint={endpoint} table={t('vaccines.title')} />
    </Section>
  );
}

function VaccineBody({ data, tableId }: { data: StatsDoses; tableId: string }) {
  const t = useStatsT();
  const rows = useMemo(() => [...data.rows].sort((a, b) => b.doses - a.doses), [data]);
  const total = rows.reduce((sum, r) => sum + r.doses, 0);
  const option = useMemo(
    () => ({
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; value: number; percent: number }) =>
          `${p.name}: ${formatCount(p.value)} (${p.percent.toLocaleString()} %)`,
      },
      series: [
        {
          type: 'pie',
          radius: ['35%', '70%'],
          label: { show: false },
          data: rows.map((r) => ({ name: r.label, value: r.doses })),
        },
      ],
    }),
    [rows],
  );
  if (total === 0) return <p>{t('vaccines.empty')}</p>;
  return (
    <div className="stats-pair">
      <Chart option={option} height={240} label={t('vaccines.chart')} describedBy={tableId} />
      <TableScroll label={t('vaccines.caption')}>
        <table className="stats-table" id={tableId}>
          <caption className="visually-hidden">{t('vaccines.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('vaccines.vaccine')}</th>
              <th scope="col" className="num">
                {t('vaccines.doses')}
              </th>
              <th scope="col" className="num">
                {t('vaccines.share')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                <td className="num">
                  <Count n={r.doses} />
                </td>
                <td className="num">
                  <Percent value={Math.round((r.doses / total) * 1000) / 10} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </div>
  );
}
