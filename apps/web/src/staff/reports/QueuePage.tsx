import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { REPORT_CATEGORIES } from '@tiemchung/core';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useCurrentUser } from '../../auth/session';
import { Alert } from '../../ui/Alert';
import { Button, buttonClass } from '../../ui/Button';
import { RadioGroup } from '../../ui/RadioGroup';
import { SelectField } from '../../ui/SelectField';
import { SlashShortcutSwitch, slashShortcutOn } from '../../ui/SlashShortcut';
import { usePageTitle } from '../../ui/usePageTitle';
import {
  exportHref,
  type FacilityScope,
  REPORT_STATUSES,
  type Report,
  type ReportFilters,
  reportsApi,
  reportsKeys,
  useFacilities,
  useUnitsByCode,
} from './api';
import { Countdown, StatusBadge } from './Countdown';
import { categoryLabel, formatDate, formatDateTime, isTypingTarget, normalizeTrackingCode, unitLabel } from './format';
import { useReportsT } from './i18n';
import { filtersFrom, isCategory, isStatus, paramsFrom } from './logic';
import { reportsPaths } from './paths';
import type { ReportPageState } from './ReportPage';
import { SubNav } from './SubNav';
import { UnitsSummary } from './UnitsSummary';

/** The queue is refreshed in the background this often (new reports come in all day). */
const REFRESH_MS = 60_000;

/**
 * The facilities whose names the queue may show: those of the user's province (2-digit unit code)
 * or district (3 digits); all of them for national and other accounts.
 */
function facilityScope(unitCode: string | null): FacilityScope {
  if (unitCode?.length === 2) return { provinceCode: unitCode };
  if (unitCode?.length === 3) return { districtCode: unitCode };
  return null;
}

function QueueRow({
  report,
  unit,
  from,
  onKeyDown,
}: {
  report: Report;
  unit: string;
  /** The queue's query string, for "back to the queue". */
  from: string;
  onKeyDown: (event: KeyboardEvent<HTMLAnchorElement>) => void;
}) {
  const t = useReportsT();
  return (
    <tr className="queue-table__row">
      <td data-label={t('queue.columns.due')}>
        <Countdown report={report} />
      </td>
      <th scope="row" data-label={t('queue.columns.code')}>
        <Link
          className="queue-table__code"
          to={reportsPaths.report(report.id)}
          state={{ from } satisfies ReportPageState}
          onKeyDown={onKeyDown}
          data-report-link=""
        >
          {report.trackingCode}
        </Link>
        <span className="queue-table__category">{categoryLabel(report.category)}</span>
        <span className="queue-table__sub">{t('queue.receivedAt', { at: formatDateTime(report.receivedAt) })}</span>
      </th>
      <td data-label={t('queue.columns.person')}>
        <span className="queue-table__name">{report.fullName}</span>
        <span className="queue-table__sub">{t('queue.born', { date: formatDate(report.dateOfBirth) })}</span>
      </td>
      <td data-label={t('queue.columns.unit')}>
        {unit}
        {report.escalatedAt && report.status !== 'resolved' && (
          <span className="queue-table__sub">{t('queue.escalated')}</span>
        )}
      </td>
      <td data-label={t('queue.columns.status')}>
        <StatusBadge status={report.status} />
        {report.handler && <span className="queue-table__sub">{t('queue.handler', { name: report.handler })}</span>}
      </td>
    </tr>
  );
}

/**
 * `/quan-tri/phan-anh` — the report queue: the reports of the user's units sorted by time left,
 * each with a live countdown to its 48-hour due time; filters, the two views (my unit's queue /
 * everything in scope), exports with the same filters, and the open / overdue counts per unit.
 */
export function QueuePage() {
  const t = useReportsT();
  const headingRef = usePageTitle(t('queue.title'));
  const user = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const search = params.toString();
  // What the controls show: changed at once by the user's input (the address bar, the source of
  // truth for the list, follows in a transition), and re-read when the address changes.
  const [shown, setShown] = useState(filters);
  useEffect(() => setShown(filtersFrom(new URLSearchParams(search))), [search]);
  const codeId = useId();
  const codeRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const [codeText, setCodeText] = useState(filters.trackingCode ?? '');

  // Keep the field in step with the address (back / forward, "clear filters").
  useEffect(() => setCodeText(filters.trackingCode ?? ''), [filters.trackingCode]);

  // "/" goes to the tracking-code field from anywhere on the page, unless turned off (a single-key
  // shortcut, WCAG 2.1.4: the switch is beside the keyboard hint).
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return;
      if (!slashShortcutOn()) return;
      event.preventDefault();
      codeRef.current?.focus();
      codeRef.current?.select();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const list = useQuery({
    queryKey: reportsKeys.list(filters),
    queryFn: ({ signal }) => reportsApi.list(filters, signal),
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
  });
  const items = list.data?.items;
  const facilities = useFacilities(facilityScope(user.unitCode));
  const units = useUnitsByCode(
    (items ?? []).filter((r) => r.assignedUnit.level !== 'facility').map((r) => r.assignedUnit.code),
  );

  const update = (patch: Partial<ReportFilters>) => {
    const next = { ...filters, ...patch };
    setShown(next);
    setParams(paramsFrom(next), { replace: true });
  };

  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update({ trackingCode: normalizeTrackingCode(codeText) || undefined });
  };

  const clear = () => {
    setCodeText('');
    setShown({ view: filters.view });
    setParams(paramsFrom({ view: filters.view }), { replace: true });
  };

  const links = () => Array.from(tableRef.current?.querySelectorAll<HTMLAnchorElement>('[data-report-link]') ?? []);
  const onLinkKeyDown = (event: KeyboardEvent<HTMLAnchorElement>) => {
    const all = links();
    const index = all.indexOf(event.currentTarget);
    let target: HTMLElement | undefined;
    if (event.key === 'ArrowDown') target = all[Math.min(index + 1, all.length - 1)];
    else if (event.key === 'ArrowUp') target = index <= 0 ? (codeRef.current ?? undefined) : all[index - 1];
    else if (event.key === 'Home') target = all[0];
    else if (event.key === 'End') target = all.at(-1);
    if (target) {
      event.preventDefault();
      target.focus();
    }
  };
  const onCodeKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && items?.length) {
      event.preventDefault();
      links()[0]?.focus();
    }
  };

  const filtered = Boolean(filters.status || filters.category || filters.overdue || filters.trackingCode);
  const overdueCount = items?.filter((r) => r.overdue).length ?? 0;
  let status = '';
  if (items) {
    status = t('queue.count', { count: items.length });
    if (overdueCount) status += ` · ${t('queue.countOverdue', { count: overdueCount })}`;
  } else if (list.isPending) status = t('common.loading');
  const supervisor = user.role !== 'report_handler';

  return (
    <div className="stack reports">
      <div className="stack stack--tight">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('queue.title')}
        </h1>
        <p className="text-muted">{t('queue.intro')}</p>
      </div>
      <SubNav />

      <section className="card stack" aria-labelledby={`${codeId}-filters`}>
        <h2 id={`${codeId}-filters`} className="visually-hidden">
          {t('queue.filtersTitle')}
        </h2>
        <RadioGroup
          legend={t('queue.viewLegend')}
          name="view"
          value={shown.view}
          onChange={(value) => update({ view: value === 'queue' ? 'queue' : 'all' })}
          options={[
            { value: 'queue', label: t('queue.views.queue') },
            { value: 'all', label: t('queue.views.all') },
          ]}
        />
        <p className="field__hint queue-view-hint">{t(`queue.viewHints.${shown.view}`)}</p>

        <div className="queue-filters">
          <SelectField
            label={t('queue.status')}
            value={shown.status ?? ''}
            onChange={(event) => update({ status: isStatus(event.target.value) ? event.target.value : undefined })}
            placeholder={t('queue.statusAll')}
            options={REPORT_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
          />
          <SelectField
            label={t('queue.category')}
            value={shown.category ?? ''}
            onChange={(event) => update({ category: isCategory(event.target.value) ? event.target.value : undefined })}
            placeholder={t('queue.categoryAll')}
            options={REPORT_CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))}
          />
          <label className="check queue-filters__overdue">
            <input
              type="checkbox"
              className="check__input"
              checked={Boolean(shown.overdue)}
              onChange={(event) => update({ overdue: event.target.checked || undefined })}
            />
            <span>{t('queue.overdueOnly')}</span>
          </label>
        </div>

        <search>
          <form className="queue-code" onSubmit={onSearch} noValidate>
            <label className="field__label" htmlFor={codeId}>
              {t('queue.trackingCode')}
            </label>
            <p className="field__hint" id={`${codeId}-hint`}>
              {t('queue.trackingCodeHint')}
            </p>
            <div className="queue-code__row">
              <input
                ref={codeRef}
                id={codeId}
                className="field__input queue-code__input"
                type="search"
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                enterKeyHint="search"
                aria-describedby={`${codeId}-hint`}
                value={codeText}
                onChange={(event) => setCodeText(event.target.value)}
                onKeyDown={onCodeKeyDown}
              />
              <Button type="submit">{t('queue.find')}</Button>
              {filtered && (
                <Button variant="ghost" onClick={clear}>
                  {t('queue.clear')}
                </Button>
              )}
            </div>
          </form>
        </search>

        <div className="queue-export">
          <span className="queue-export__label">{t('queue.export')}</span>
          <a className={buttonClass('secondary')} href={exportHref('csv', filters)} download>
            {t('queue.exportCsv')}
          </a>
          <a className={buttonClass('secondary')} href={exportHref('xlsx', filters)} download>
            {t('queue.exportXlsx')}
          </a>
        </div>
      </section>

      {list.isError && (
        <Alert variant="error" title={t('common.loadFailed')}>
          <p>{list.error.message}</p>
        </Alert>
      )}

      <section className="stack stack--tight" aria-labelledby={`${codeId}-list`}>
        <div className="queue-head">
          <h2 id={`${codeId}-list`}>{t('queue.listTitle')}</h2>
          <p className="queue-head__status" role="status">
            {status}
          </p>
          <Button variant="ghost" onClick={() => void list.refetch()} disabled={list.isFetching} busy={list.isFetching}>
            {t('queue.refresh')}
          </Button>
        </div>
        <div className="queue-keys">
          <p className="text-muted">{t('queue.keyboardHint')}</p>
          <SlashShortcutSwitch label={t('queue.slashSetting')} />
        </div>
        {items && items.length === 0 && (
          <div className="card">
            <p>{t('queue.empty')}</p>
          </div>
        )}
        {items && items.length > 0 && (
          <table className="queue-table" ref={tableRef}>
            <caption className="visually-hidden">{t('queue.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('queue.columns.due')}</th>
                <th scope="col">{t('queue.columns.code')}</th>
                <th scope="col">{t('queue.columns.person')}</th>
                <th scope="col">{t('queue.columns.unit')}</th>
                <th scope="col">{t('queue.columns.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((report) => (
                <QueueRow
                  key={report.id}
                  report={report}
                  from={params.toString()}
                  unit={unitLabel(t, report.assignedUnit, { facilities: facilities.data, units })}
                  onKeyDown={onLinkKeyDown}
                />
              ))}
            </tbody>
          </table>
        )}
      </section>

      <UnitsSummary defaultOpen={supervisor} facilities={facilities.data} />
    </div>
  );
}
