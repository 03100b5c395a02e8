import type { ReactNode } from 'react';
import { exportHref } from './api';
import { formatCount, formatPercentValue } from './format';
import { useStatsT } from './i18n';

/** A section of the dashboard: a card with its heading (an h2), a line of introduction and its body. */
export function Section({
  id,
  title,
  intro,
  children,
  className,
}: {
  id: string;
  title: string;
  intro?: string | undefined;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`card stack stats-section ${className ?? ''}`} aria-labelledby={`${id}-title`}>
      <div className="stack stack--tight">
        <h2 id={`${id}-title`} className="h3">
          {title}
        </h2>
        {intro && <p className="text-muted stats-section__intro">{intro}</p>}
      </div>
      {children}
    </section>
  );
}

/**
 * A table that scrolls sideways inside its own box on a narrow screen (the page itself never
 * does), its caption written above the box so that it wraps on a phone instead of running off
 * with the table; the table keeps the caption too (visually hidden) for screen readers' table lists.
 */
export function TableScroll({ children, label }: { children: ReactNode; label: string }) {
  return (
    <div className="stack stack--tight stats-table-box">
      <p className="stats-table-caption" aria-hidden="true">
        {label}
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to be scrolled */}
      <section className="stats-table-scroll" tabIndex={0} aria-label={label}>
        {children}
      </section>
    </div>
  );
}

/** The links to the same table as a file: "Tải CSV", "Tải XLSX" (the breakdown's endpoint with `format=`). */
export function ExportLinks({
  endpoint,
  table,
}: {
  endpoint: { path: string; query: Record<string, string | number | undefined> };
  table: string;
}) {
  const t = useStatsT();
  return (
    <p className="stats-export">
      {(['csv', 'xlsx'] as const).map((format) => (
        <a
          key={format}
          className="btn btn--secondary"
          href={exportHref(endpoint.path, endpoint.query, format)}
          download
          aria-label={t('export.label', { format: t(`export.${format}`), table })}
        >
          {t(`export.${format}`)}
        </a>
      ))}
    </p>
  );
}

/** A count, grouped. */
export function Count({ n }: { n: number | null | undefined }) {
  const t = useStatsT();
  return <>{n === null || n === undefined ? t('none') : formatCount(n)}</>;
}

/** A percentage (`87,5 %`) or a dash where there is none (no population, nothing resolved). */
export function Percent({ value }: { value: number | null | undefined }) {
  const t = useStatsT();
  const text = formatPercentValue(value);
  return <>{text === null ? t('none') : t('percent', { value: text })}</>;
}

/** The column heads of the coverage figures (people by status, population, percentages), in table order. */
export function CoverageHeads() {
  const t = useStatsT();
  return (
    <>
      <th scope="col" className="num">
        {t('units.columns.atLeastOne')}
      </th>
      <th scope="col" className="num">
        {t('units.columns.complete')}
      </th>
      <th scope="col" className="num">
        {t('units.columns.booster')}
      </th>
      <th scope="col" className="num">
        {t('units.columns.population')}
      </th>
      <th scope="col" className="num">
        {t('units.columns.atLeastOnePercent')}
      </th>
      <th scope="col" className="num">
        {t('units.columns.completePercent')}
      </th>
      <th scope="col" className="num">
        {t('units.columns.boosterPercent')}
      </th>
    </>
  );
}
