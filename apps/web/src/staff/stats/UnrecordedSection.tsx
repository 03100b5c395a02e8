import { useId } from 'react';
import { type StatsUnrecorded, statsEndpoints, type UnitQuery } from './api';
import { useStatsT } from './i18n';
import { Count, ExportLinks, Section, TableScroll } from './parts';
import { Loaded, useStats } from './useStats';

/** Possible unrecorded doses: per facility, the doses the opened vials held against those recorded. */
export function UnrecordedSection({ unit }: { unit: UnitQuery }) {
  const t = useStatsT();
  const id = useId();
  const endpoint = statsEndpoints.unrecorded(unit);
  const query = useStats<StatsUnrecorded>(endpoint);
  return (
    <Section id={id} title={t('unrecorded.title')} intro={t('unrecorded.intro')}>
      <Loaded query={query}>
        {(data) => {
          if (data.rows.length === 0) return <p>{t('unrecorded.empty')}</p>;
          const rows = [...data.rows].sort((a, b) => b.gap - a.gap);
          return (
            <TableScroll label={t('unrecorded.caption')}>
              <table className="stats-table">
                <caption className="visually-hidden">{t('unrecorded.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('unrecorded.columns.facility')}</th>
                    <th scope="col" className="num">
                      {t('unrecorded.columns.sessions')}
                    </th>
                    <th scope="col" className="num">
                      {t('unrecorded.columns.vialsOpened')}
                    </th>
                    <th scope="col" className="num">
                      {t('unrecorded.columns.dosesInVials')}
                    </th>
                    <th scope="col" className="num">
                      {t('unrecorded.columns.dosesRecorded')}
                    </th>
                    <th scope="col" className="num">
                      {t('unrecorded.columns.gap')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.code} className={r.gap > 0 ? 'stats-table__flag' : undefined}>
                      <th scope="row">{r.name}</th>
                      <td className="num">
                        <Count n={r.sessions} />
                      </td>
                      <td className="num">
                        <Count n={r.vialsOpened} />
                      </td>
                      <td className="num">
                        <Count n={r.dosesInVials} />
                      </td>
                      <td className="num">
                        <Count n={r.dosesRecorded} />
                      </td>
                      <td className="num">
                        <strong>
                          <Count n={r.gap} />
                        </strong>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          );
        }}
      </Loaded>
      <ExportLinks endpoint={endpoint} table={t('unrecorded.title')} />
    </Section>
  );
}
