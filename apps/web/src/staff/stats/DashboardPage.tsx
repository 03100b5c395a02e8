import type { StatsLevel, UnitScheme } from '@tiemchung/core';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useCurrentUser } from '../../auth/session';
import { usePageTitle } from '../../ui/usePageTitle';
import { type DateRange, type StatsOverview, statsEndpoints, type UnitQuery } from './api';
import { CoverageBreakdown } from './CoverageBreakdown';
import { DailyReport } from './DailyReport';
import { DosesByDay } from './DosesByDay';
import { useStatsT } from './i18n';
import { Freshness, Kpis } from './Kpis';
import {
  dashboardSearch,
  effectiveRange,
  mayOpen,
  mayUseScheme2025,
  ownLevel,
  readParams,
  unitQueryOf,
  vietnamToday,
} from './logic';
import { PopulationForm } from './PopulationForm';
import { statsPaths } from './paths';
import { ReportsSection } from './ReportsSection';
import { UnitsSection } from './UnitsSection';
import { UnrecordedSection } from './UnrecordedSection';
import { Loaded, useStats } from './useStats';
import { VaccineMix } from './VaccineMix';

/**
 * `/quan-tri/thong-ke` — "Thống kê": the figures of one unit (the user's own unless the address
 * names another: `?scheme=2021&level=province&code=87`), so that every drill-down is a link and
 * the browser's back button goes back up. Key figures, doses per day, coverage by the units below
 * (table and bars, both leading down), vaccine mix, coverage by age band and sex, report handling,
 * possible unrecorded doses; every table as CSV and XLSX; the ministry's daily report; and for the
 * national administrator the population the coverage is computed on.
 */
export function DashboardPage() {
  const t = useStatsT();
  const headingRef = usePageTitle(t('title'));
  const user = useCurrentUser();
  const own = ownLevel(user);
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const params = readParams(searchParams);
  const { unit } = params;
  const range = effectiveRange(params.range, vietnamToday());
  const hrefOf = (target: UnitQuery, r: DateRange = params.range) =>
    `${statsPaths.dashboard}${dashboardSearch({ unit: target, range: r })}`;
  const overview = useStats<StatsOverview>(statsEndpoints.overview(unit));
  const schemes: UnitScheme[] = mayUseScheme2025(own) ? ['2021', '2025'] : ['2021'];

  return (
    <div className="stack stats">
      <div className="stack stack--tight">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('title')}
        </h1>
        <p className="text-muted">{t('intro')}</p>
      </div>
      {schemes.length > 1 && (
        <nav className="stats-schemes" aria-label={t('scheme.label')}>
          <ul>
            {schemes.map((s) => (
              <li key={s}>
                <Link
                  to={hrefOf({ scheme: s })}
                  className="stats-schemes__link"
                  aria-current={unit.scheme === s ? 'page' : undefined}
                >
                  {t(`scheme.${s}`)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <Loaded query={overview}>
        {(data) => (
          <section className="stack stats-overview" aria-labelledby="stats-unit-name">
            {data.unit.path.length > 0 && <Breadcrumbs data={data} own={own} hrefOf={hrefOf} />}
            <div className="stats-overview__head">
              <h2 id="stats-unit-name">
                {data.unit.level !== 'nation' && (
                  <span className="stats-overview__level">{t(`level.${data.unit.level}`)}</span>
                )}{' '}
                {data.unit.name}
              </h2>
              <Freshness data={data} />
            </div>
            <Kpis data={data} />
          </section>
        )}
      </Loaded>
      <DosesByDay
        key={`${range.from}/${range.to}`}
        unit={unit}
        range={range}
        onRange={(r) => navigate(hrefOf(unit, r))}
      />
      <UnitsSection unit={unit} hrefOf={(u) => hrefOf(u)} />
      <div className="stats-grid">
        <VaccineMix unit={unit} />
        <CoverageBreakdown unit={unit} by="ageBand" />
        <CoverageBreakdown unit={unit} by="sex" />
      </div>
      <ReportsSection unit={unit} />
      <UnrecordedSection unit={unit} />
      {(user.role === 'national_admin' || user.role === 'province_admin') && <DailyReport scheme={unit.scheme} />}
      {user.role === 'national_admin' && <PopulationForm current={overview.data?.populationSource ?? null} />}
    </div>
  );
}

/** Where the unit sits: the nation down to it, each unit above a link (those the user may see). */
function Breadcrumbs({
  data,
  own,
  hrefOf,
}: {
  data: StatsOverview;
  own: StatsLevel;
  hrefOf: (unit: UnitQuery) => string;
}) {
  const t = useStatsT();
  const scheme = data.unit.scheme;
  return (
    <nav className="stats-crumbs" aria-label={t('breadcrumbs')}>
      <ol>
        {data.unit.path.map((u) => (
          <li key={`${u.level}:${u.code}`}>
            {mayOpen(u.level, own, scheme) ? (
              <Link to={hrefOf(unitQueryOf(u, scheme))}>{u.name}</Link>
            ) : (
              <span>{u.name}</span>
            )}
          </li>
        ))}
        <li>
          <span aria-current="page">{data.unit.name}</span>
        </li>
      </ol>
    </nav>
  );
}
