import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { PublicStats, PublicStatsProvince } from '@tiemchung/core';
import { lazy, Suspense, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, isApiError } from '../api/client';
import { currentLanguage } from '../i18n';
import { Button } from '../ui/Button';
import { usePageTitle } from '../ui/usePageTitle';
import { type PublicStatsKey, usePublicStatsT } from './i18n';
import { type Scheme, searchOf, statsQueryOf, withoutUnknownProvince } from './query';
import './stats.css';

/** The chart (ECharts) is its own chunk, asked for only once the figures and the table are shown. */
const DailyChart = lazy(() => import('./DailyChart'));

type SortKey = 'name' | 'doses' | 'atLeastOne' | 'complete' | 'booster';
const COVERAGE = ['atLeastOne', 'complete', 'booster'] as const;
const PERCENT = { atLeastOne: 'atLeastOnePercent', complete: 'completePercent', booster: 'boosterPercent' } as const;

/** Lower case without diacritics: "ha noi" finds "Hà Nội", "dong thap" "Đồng Tháp". */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().trim();

const pad = (n: number) => String(n).padStart(2, '0');
const dateTime = (iso: string) => {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())} ${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
};

/** A published figure, or the dash of a suppressed one (read out as "hidden"). */
function Figure({ value, format }: { value: number | null; format: (n: number) => string }) {
  const t = usePublicStatsT();
  if (value === null)
    return (
      <span className="pstats-suppressed">
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">{t('suppressed')}</span>
      </span>
    );
  return <>{format(value)}</>;
}

/** `/thong-ke`: the public statistics page — national and provincial figures, doses per day, open data. */
export default function StatsPage() {
  const t = usePublicStatsT();
  const { i18n } = useTranslation();
  void i18n.language; // re-render on language change
  const lang = currentLanguage();
  const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
  const number = useMemo(() => new Intl.NumberFormat(locale), [locale]);
  const percent = useMemo(
    () => new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    [locale],
  );
  const fmt = (n: number) => number.format(n);
  const fmtPct = (n: number) => `${percent.format(n)}\u00a0%`;
  const headingRef = usePageTitle(t('title'));
  const ids = useId();

  const [params, setParams] = useSearchParams();
  const { scheme, province } = statsQueryOf(params);
  /** A province the URL named that the list does not have (the page then shows the whole country). */
  const [missingProvince, setMissingProvince] = useState('');
  const setQuery = (next: { scheme?: Scheme; province?: string }) => {
    const s = next.scheme ?? scheme;
    const p = next.province ?? (next.scheme ? '' : province);
    setMissingProvince('');
    setParams(searchOf({ scheme: s, province: p }), { replace: true, preventScrollReset: true });
  };

  const query = new URLSearchParams({ scheme });
  if (province) query.set('province', province);
  const stats = useQuery({
    queryKey: ['public-stats', scheme, province],
    queryFn: () => api.get<PublicStats>(`/api/public/stats?${query}`),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const data = stats.data?.scheme === scheme ? stats.data : undefined;
  // `?tinh=99`, or a 2021 code in a link for the 2025 list: the API knows no such province and no
  // retry can change that — show the whole country of the same list, and say why.
  const unknownProvince =
    withoutUnknownProvince({ scheme, province }, isApiError(stats.error) ? stats.error : null).province !== province;
  useEffect(() => {
    if (!unknownProvince) return;
    setMissingProvince(province);
    setParams(searchOf({ scheme, province: '' }), { replace: true, preventScrollReset: true });
  }, [unknownProvince, scheme, province, setParams]);

  // The chart's code is fetched after the figures are painted (effects run after the paint).
  const [chartWanted, setChartWanted] = useState(false);
  useEffect(() => {
    if (data && !chartWanted) setChartWanted(true);
  }, [data, chartWanted]);

  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'name', desc: false });
  const rows = useMemo(() => {
    if (!data) return [];
    const q = fold(search);
    const value = (p: PublicStatsProvince): number | string | null => {
      if (sort.key === 'name') return fold(p.name.replace(/^(Tỉnh|Thành phố)\s+/u, ''));
      if (sort.key === 'doses') return p.doses;
      return p[PERCENT[sort.key]] ?? p[sort.key];
    };
    return data.provinces
      .filter((p) => !q || fold(p.name).includes(q) || p.code.startsWith(q))
      .sort((a, b) => {
        const x = value(a);
        const y = value(b);
        if (x === y) return a.code < b.code ? -1 : 1;
        if (x === null) return 1; // hidden figures last, whichever the direction
        if (y === null) return -1;
        const c = x < y ? -1 : 1;
        return sort.desc ? -c : c;
      });
  }, [data, search, sort]);

  const unitName = province ? (data?.provinces.find((p) => p.code === province)?.name ?? province) : t('daily.nation');
  const fileQuery = (withProvince: boolean) => {
    const q = new URLSearchParams({ scheme });
    if (withProvince && province) q.set('province', province);
    return q.toString();
  };
  const tableId = `${ids}-daily-table`;

  const headers: { key: SortKey; label: PublicStatsKey }[] = [
    { key: 'name', label: 'provinces.name' },
    { key: 'doses', label: 'provinces.doses' },
    { key: 'atLeastOne', label: 'provinces.atLeastOne' },
    { key: 'complete', label: 'provinces.complete' },
    { key: 'booster', label: 'provinces.booster' },
  ];

  return (
    <div className="container page pstats stack">
      <div className="stack stack--tight">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('title')}
        </h1>
        <p className="lead">{t('intro')}</p>
      </div>

      <fieldset className="pstats-scheme">
        <legend>{t('scheme.legend')}</legend>
        {(['2021', '2025'] as const).map((s) => (
          <label key={s} className="pstats-scheme__option">
            <input
              type="radio"
              name={`${ids}-scheme`}
              value={s}
              checked={scheme === s}
              onChange={() => setQuery({ scheme: s })}
            />
            {t(`scheme.${s}`)}
          </label>
        ))}
      </fieldset>

      {missingProvince && !province ? (
        <div className="alert alert--info" role="status">
          <p className="alert__body">{t('unknownProvince', { code: missingProvince })}</p>
        </div>
      ) : null}
      {!data && stats.isError && !unknownProvince ? (
        <div className="stack stack--tight" role="alert">
          <p>{t('loadFailed')}</p>
          <p>
            <Button variant="secondary" onClick={() => void stats.refetch()}>
              {t('retry')}
            </Button>
          </p>
        </div>
      ) : null}
      {!data && (!stats.isError || unknownProvince) ? (
        <p className="text-muted" role="status">
          {t('loading')}
        </p>
      ) : null}

      {data ? (
        <>
          <section className="stack stack--tight" aria-labelledby={`${ids}-nation`}>
            <h2 id={`${ids}-nation`}>{t('national.title')}</h2>
            <ul className="pstats-kpis" data-testid="national-figures">
              <li className="pstats-kpi">
                <span className="pstats-kpi__label">{t('national.doses')}</span>
                <span className="pstats-kpi__value" data-figure="doses">
                  <Figure value={data.nation.doses} format={fmt} />
                </span>
              </li>
              {COVERAGE.map((k) => (
                <li key={k} className="pstats-kpi">
                  <span className="pstats-kpi__label">{t(`national.${k}`)}</span>
                  <span className="pstats-kpi__value" data-figure={`${k}Percent`}>
                    <Figure value={data.nation[PERCENT[k]]} format={fmtPct} />
                  </span>
                  <span className="pstats-kpi__sub" data-figure={k}>
                    {data.nation[k] === null ? (
                      <Figure value={null} format={fmt} />
                    ) : (
                      t('national.people', { n: fmt(data.nation[k]) })
                    )}
                  </span>
                </li>
              ))}
            </ul>
            <p className="text-muted pstats-meta">
              <span>{t('updated', { time: dateTime(data.asOf) })}</span>
              <span>
                {data.populationSource
                  ? t('population', { source: data.populationSource.source, year: data.populationSource.year })
                  : t('noPopulation')}
              </span>
            </p>
          </section>

          <section className="stack stack--tight" aria-labelledby={`${ids}-provinces`}>
            <h2 id={`${ids}-provinces`}>{t('provinces.title')}</h2>
            <div className="field pstats-search">
              <label className="field__label" htmlFor={`${ids}-search`}>
                {t('provinces.search')}
              </label>
              <span className="field__hint" id={`${ids}-search-hint`}>
                {t('provinces.searchHint')}
              </span>
              <input
                id={`${ids}-search`}
                className="field__input"
                type="search"
                value={search}
                aria-describedby={`${ids}-search-hint`}
                onChange={(e) => setSearch(e.target.value)}
              />
            </div>
            <p className="text-muted" role="status" data-testid="province-count">
              {rows.length === 0 && search
                ? t('provinces.none', { q: search })
                : t('provinces.count', { shown: rows.length, total: data.provinces.length })}
            </p>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard */}
            <section className="pstats-table-wrap" tabIndex={0} aria-label={t('provinces.scrollLabel')}>
              <table className="pstats-table">
                <caption className="visually-hidden">{t('provinces.caption')}</caption>
                <thead>
                  <tr>
                    {headers.map((h) => {
                      const active = sort.key === h.key;
                      return (
                        <th
                          key={h.key}
                          scope="col"
                          aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : undefined}
                          className={h.key === 'name' ? undefined : 'num'}
                        >
                          <button
                            type="button"
                            className="pstats-sort"
                            onClick={() =>
                              setSort((s) =>
                                s.key === h.key
                                  ? { key: h.key, desc: !s.desc }
                                  : { key: h.key, desc: h.key !== 'name' },
                              )
                            }
                          >
                            {t(h.label)}
                            <span aria-hidden="true" className="pstats-sort__mark">
                              {active ? (sort.desc ? '▼' : '▲') : '↕'}
                            </span>
                          </button>
                        </th>
                      );
                    })}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((p) => (
                    <tr key={p.code}>
                      <th scope="row">{p.name}</th>
                      <td className="num">
                        <Figure value={p.doses} format={fmt} />
                      </td>
                      {COVERAGE.map((k) => {
                        const pct = p[PERCENT[k]];
                        return (
                          <td key={k} className="num">
                            <span className="pstats-cell">
                              <span className="pstats-cell__pct">
                                {pct === null && p[k] !== null && p.population === null ? (
                                  <Figure value={p[k]} format={fmt} />
                                ) : (
                                  <Figure value={pct} format={fmtPct} />
                                )}
                              </span>
                              <span className="pstats-bar" aria-hidden="true">
                                <span
                                  className="pstats-bar__fill"
                                  style={{ width: `${Math.min(100, Math.max(0, pct ?? 0))}%` }}
                                />
                              </span>
                            </span>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </section>

          <section className="stack stack--tight" aria-labelledby={`${ids}-daily`}>
            <h2 id={`${ids}-daily`}>{t('daily.title')}</h2>
            <div className="field pstats-unit">
              <label className="field__label" htmlFor={`${ids}-unit`}>
                {t('daily.unit')}
              </label>
              <select
                id={`${ids}-unit`}
                className="field__select"
                value={province}
                onChange={(e) => setQuery({ province: e.target.value })}
              >
                <option value="">{t('daily.nation')}</option>
                {data.provinces.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
            {data.daily.length === 0 ? (
              <p className="text-muted">{t('daily.empty')}</p>
            ) : (
              <>
                {chartWanted ? (
                  <Suspense fallback={<p className="text-muted pstats-chart">{t('daily.chartLoading')}</p>}>
                    <DailyChart
                      days={data.daily}
                      names={{ first: t('daily.first'), second: t('daily.second'), later: t('daily.later') }}
                      label={t('daily.chartLabel', { unit: unitName })}
                      describedBy={tableId}
                      locale={locale}
                    />
                  </Suspense>
                ) : null}
                <details className="pstats-details">
                  <summary>{t('daily.tableToggle')}</summary>
                  {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard */}
                  <section className="pstats-table-wrap" tabIndex={0} aria-label={t('daily.title')}>
                    <table className="pstats-table" id={tableId}>
                      <caption className="visually-hidden">{t('daily.chartLabel', { unit: unitName })}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('daily.date')}</th>
                          <th scope="col" className="num">
                            {t('daily.doses')}
                          </th>
                          <th scope="col" className="num">
                            {t('daily.first')}
                          </th>
                          <th scope="col" className="num">
                            {t('daily.second')}
                          </th>
                          <th scope="col" className="num">
                            {t('daily.later')}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {[...data.daily].reverse().map((d) => (
                          <tr key={d.date}>
                            <th scope="row">{d.date.split('-').reverse().join('/')}</th>
                            <td className="num">
                              <Figure value={d.doses} format={fmt} />
                            </td>
                            <td className="num">
                              <Figure value={d.firstDoses} format={fmt} />
                            </td>
                            <td className="num">
                              <Figure value={d.secondDoses} format={fmt} />
                            </td>
                            <td className="num">
                              <Figure value={d.laterDoses} format={fmt} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </section>
                </details>
              </>
            )}
          </section>
        </>
      ) : null}

      <section className="stack stack--tight pstats-note" aria-labelledby={`${ids}-suppression`}>
        <h2 id={`${ids}-suppression`} className="h3">
          {t('suppressionTitle')}
        </h2>
        <p>{t('suppression', { max: (data?.minCell ?? 10) - 1 })}</p>
      </section>

      <section className="stack stack--tight" aria-labelledby={`${ids}-open`}>
        <h2 id={`${ids}-open`}>{t('openData.title')}</h2>
        <p>{t('openData.text')}</p>
        <ul className="pstats-downloads">
          {(
            [
              ['provinces', t('openData.provinces'), false],
              ['daily', t('openData.daily', { unit: unitName }), true],
            ] as const
          ).map(([file, what, withProvince]) =>
            (['csv', 'json'] as const).map((format) => (
              <li key={`${file}.${format}`}>
                <a
                  href={`/api/public/stats/${file}.${format}?${fileQuery(withProvince)}`}
                  download={format === 'csv' ? '' : undefined}
                  data-file={`${file}.${format}`}
                >
                  {t('openData.download', { what, format: t(`openData.${format}`) })}
                </a>
              </li>
            )),
          )}
        </ul>
        <p className="text-muted">{t('openData.frequency')}</p>
      </section>
    </div>
  );
}
