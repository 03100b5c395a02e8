import type { ReportFigures } from '@tiemchung/core';
import { useId } from 'react';
import { type StatsReports, statsEndpoints, type UnitQuery } from './api';
import { useStatsT } from './i18n';
import { Count, ExportLinks, Percent, Section, TableScroll } from './parts';
import { Loaded, useStats } from './useStats';

/** Report handling against the 48-hour deadline: the unit's total and each unit below. */
export function ReportsSection({ unit }: { unit: UnitQuery }) {
  const t = useStatsT();
  const id = useId();
  const endpoint = statsEndpoints.reports(unit);
  const query = useStats<StatsReports>(endpoint);
  return (
    <Section id={id} title={t('reports.title')} intro={t('reports.intro')}>
      <Loaded query={query}>{(data) => <ReportsBody data={data} />}</Loaded>
      <ExportLinks endpoint={endpoint} table={t('reports.title')} />
    </Section>
  );
}

function Cells({ r }: { r: ReportFigures }) {
  return (
    <>
      <td className="num">
        <Count n={r.received} />
      </td>
      <td className="num">
        <Count n={r.resolved} />
      </td>
      <td className="num">
        <Percent value={r.onTimePercent} />
      </td>
      <td className="num">
        <Count n={r.open} />
      </td>
      <td className="num">
        <Count n={r.overdue} />
      </td>
      <td className="num">
        <Count n={r.medianHoursToResolve} />
      </td>
    </>
  );
}

function ReportsBody({ data }: { data: StatsReports }) {
  const t = useStatsT();
  if (data.total.received === 0 && data.rows.every((r) => r.received === 0)) return <p>{t('reports.empty')}</p>;
  const caption = t('reports.caption', { unit: data.unit.name });
  return (
    <TableScroll label={caption}>
      <table className="stats-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reports.columns.unit')}</th>
            <th scope="col" className="num">
              {t('reports.columns.received')}
            </th>
            <th scope="col" className="num">
              {t('reports.columns.resolved')}
            </th>
            <th scope="col" className="num">
              {t('reports.columns.onTimePercent')}
            </th>
            <th scope="col" className="num">
              {t('reports.columns.open')}
            </th>
            <th scope="col" className="num">
              {t('reports.columns.overdue')}
            </th>
            <th scope="col" className="num">
              {t('reports.columns.median')}
            </th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((r) => (
            <tr key={`${r.level}:${r.code}`}>
              <th scope="row">{r.name}</th>
              <Cells r={r} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('reports.all', { unit: data.unit.name })}</th>
            <Cells r={data.total} />
          </tr>
        </tfoot>
      </table>
    </TableScroll>
  );
}
