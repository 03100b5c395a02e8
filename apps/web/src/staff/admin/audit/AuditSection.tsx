import { useInfiniteQuery } from '@tanstack/react-query';
import {
  AUDIT_ACTIONS,
  AUDIT_ENTITY_TYPES,
  type Localized,
  PROVINCES_2021,
  ROLE_LABELS,
  type Role,
} from '@tiemchung/core';
import { type FormEvent, Fragment, useEffect, useId, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useCurrentUser } from '../../../auth/session';
import { currentLanguage } from '../../../i18n';
import { Button, buttonClass } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { LoadFailed } from '../../../ui/LoadFailed';
import { SelectField } from '../../../ui/SelectField';
import { usePageTitle } from '../../../ui/usePageTitle';
import { formatDateTime } from '../../reception/format';
import { SectionTitle } from '../SectionHead';
import { type AuditEntryView, auditApi, auditKeys, useUnitsBelow } from './api';
import { type AdminAuditT, useAdminAuditT } from './i18n';
import {
  auditDiff,
  exportHref,
  type Filters,
  filtersFrom,
  fromLocalInput,
  hasContent,
  queryOf,
  toLocalInput,
} from './logic';
import './audit.css';

const words = (label: Localized | undefined, fallback: string) => (label ? label[currentLanguage()] : fallback);

/** The filter form: edited here, applied to the address bar (the list's source of truth) on submit. */
function FilterForm({ filters, onApply }: { filters: Filters; onApply: (next: Filters) => void }) {
  const t = useAdminAuditT();
  const id = useId();
  const user = useCurrentUser();
  const [form, setForm] = useState(() => ({
    personId: filters.personId ?? '',
    actor: filters.actor ?? '',
    unitCode: filters.unitCode ?? '',
    action: filters.action ?? '',
    from: toLocalInput(filters.from),
    to: toLocalInput(filters.to),
  }));
  const [rangeError, setRangeError] = useState(false);
  const toRef = useRef<HTMLInputElement>(null);
  const search = new URLSearchParams(queryOf(filters)).toString();
  // Back / forward and the links of the list change the filters: show what applies.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `search` stands for `filters`
  useEffect(() => {
    setForm({
      personId: filters.personId ?? '',
      actor: filters.actor ?? '',
      unitCode: filters.unitCode ?? '',
      action: filters.action ?? '',
      from: toLocalInput(filters.from),
      to: toLocalInput(filters.to),
    });
    setRangeError(false);
  }, [search]);

  const below = useUnitsBelow(user.role === 'national_admin' ? null : user.unitCode);
  const unitOptions =
    user.role === 'national_admin'
      ? PROVINCES_2021.map((p) => ({ value: p.code, label: p.name }))
      : (below.data ?? []).map((u) => ({ value: u.code, label: u.name }));
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [field]: event.target.value }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const from = fromLocalInput(form.from);
    const to = fromLocalInput(form.to);
    if (from && to && from >= to) {
      setRangeError(true);
      toRef.current?.focus();
      return;
    }
    setRangeError(false);
    onApply({
      personId: form.personId.trim() || undefined,
      actor: form.actor.trim() || undefined,
      unitCode: form.unitCode || undefined,
      action: form.action || undefined,
      from,
      to,
    });
  };

  return (
    <search>
      <form className="card stack" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
        <h3 id={`${id}-title`} className="h3">
          {t('filters.title')}
        </h3>
        <div className="adm-audit__grid">
          <TextField
            label={t('filters.person')}
            hint={t('filters.personHint')}
            value={form.personId}
            onChange={set('personId')}
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
          />
          <TextField
            label={t('filters.actor')}
            hint={t('filters.actorHint')}
            value={form.actor}
            onChange={set('actor')}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={64}
          />
          <SelectField
            label={t('filters.unit')}
            value={form.unitCode}
            onChange={set('unitCode')}
            placeholder={t('filters.unitAll')}
            options={unitOptions}
          />
          <SelectField
            label={t('filters.action')}
            value={form.action}
            onChange={set('action')}
            placeholder={t('filters.actionAll')}
            options={Object.entries(AUDIT_ACTIONS).map(([code, label]) => ({ value: code, label: words(label, code) }))}
          />
          <TextField label={t('filters.from')} type="datetime-local" value={form.from} onChange={set('from')} />
          <TextField
            ref={toRef}
            label={t('filters.to')}
            type="datetime-local"
            value={form.to}
            onChange={set('to')}
            error={rangeError ? t('filters.rangeError') : undefined}
          />
        </div>
        <div className="adm-audit__actions">
          <Button type="submit">{t('filters.apply')}</Button>
          <Button variant="ghost" onClick={() => onApply({})}>
            {t('filters.clear')}
          </Button>
        </div>
      </form>
    </search>
  );
}

/** Who acted, in words: the username and role, the platform itself, or a citizen on the portal. */
function Who({ entry, t }: { entry: AuditEntryView; t: AdminAuditT }) {
  const { username, role } = entry.actor;
  if (!username || username.startsWith('public:')) return <>{t('list.public')}</>;
  if (username.startsWith('system:'))
    return (
      <>
        {t('list.system')} <span className="adm-audit__sub">{username.slice(7)}</span>
      </>
    );
  return (
    <>
      <span className="adm-audit__strong">{username}</span>
      {role && <span className="adm-audit__sub">{words(ROLE_LABELS[role as Role], role)}</span>}
    </>
  );
}

/** The before/after of an entry, field by field. */
function Changes({ entry, id }: { entry: AuditEntryView; id: string }) {
  const t = useAdminAuditT();
  const rows = auditDiff(entry.before, entry.after);
  if (!hasContent(entry)) return <p id={id}>{t('diff.none')}</p>;
  if (rows.length === 0) return <p id={id}>{t('diff.unchanged')}</p>;
  const value = (v: string | null) =>
    v === null || v === '' ? <span className="adm-audit__sub">{t('diff.empty')}</span> : v;
  return (
    <table className="adm-audit__diff" id={id}>
      <caption className="visually-hidden">{t('list.changesOf', { id: entry.id })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('diff.field')}</th>
          <th scope="col">{t('diff.before')}</th>
          <th scope="col">{t('diff.after')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.field}>
            <th scope="row">{r.field || '—'}</th>
            <td data-label={t('diff.before')}>{value(r.before)}</td>
            <td data-label={t('diff.after')}>{value(r.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EntryRow({ entry, filters }: { entry: AuditEntryView; filters: Filters }) {
  const t = useAdminAuditT();
  const id = useId();
  const [open, setOpen] = useState(false);
  const person =
    entry.entityType === 'person' ? entry.entityId : entry.personIds?.length === 1 ? entry.personIds[0] : undefined;
  const personLink =
    person && person !== filters.personId
      ? `?${new URLSearchParams(queryOf({ ...filters, personId: person })).toString()}`
      : null;
  return (
    <Fragment>
      <tr className="adm-audit__row">
        <td data-label={t('list.columns.at')}>
          <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
        </td>
        <td data-label={t('list.columns.who')}>
          <Who entry={entry} t={t} />
        </td>
        <th scope="row" data-label={t('list.columns.action')}>
          <span className="adm-audit__strong">{words(AUDIT_ACTIONS[entry.action], entry.action)}</span>
          <span className="adm-audit__sub adm-audit__code">{entry.action}</span>
        </th>
        <td data-label={t('list.columns.record')}>
          <span>{words(AUDIT_ENTITY_TYPES[entry.entityType], entry.entityType)}</span>
          <span className="adm-audit__sub adm-audit__code">{entry.entityId}</span>
          {personLink && (
            <Link className="adm-audit__link" to={personLink}>
              {t('list.byPerson')}
            </Link>
          )}
        </td>
        <td data-label={t('list.columns.reason')}>{entry.reason || t('list.noReason')}</td>
        <td data-label={t('list.columns.details')}>
          {hasContent(entry) ? (
            <Button
              variant="secondary"
              className="adm-audit__toggle"
              aria-expanded={open}
              aria-controls={open ? `${id}-changes` : undefined}
              onClick={() => setOpen((o) => !o)}
            >
              {open ? t('list.hideChanges') : t('list.showChanges')}
            </Button>
          ) : (
            t('list.noReason')
          )}
        </td>
      </tr>
      {open && (
        <tr className="adm-audit__details">
          <td colSpan={6}>
            <Changes entry={entry} id={`${id}-changes`} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/**
 * `/quan-tri/he-thong/nhat-ky` — "Nhật ký truy cập": the audit log of the user's units, filtered
 * by person, staff member, unit, action and time (kept in the address bar), newest first a page at
 * a time, each entry's before/after on demand, and the filtered entries exported as CSV or XLSX.
 * Reading and exporting are themselves recorded by the API.
 */
export default function AuditSection() {
  const t = useAdminAuditT();
  const id = useId();
  const headingRef = usePageTitle(t('title'));
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);

  const list = useInfiniteQuery({
    queryKey: auditKeys.list(filters),
    queryFn: ({ pageParam, signal }) => auditApi.page(filters, pageParam, signal),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Every read of the log is itself recorded: read when asked, not on every focus of the window.
    refetchOnWindowFocus: false,
    staleTime: 5 * 60_000,
  });
  const items = list.data?.pages.flatMap((p) => p.items);

  const apply = (next: Filters) => setParams(new URLSearchParams(queryOf(next)), { replace: false });

  let status = '';
  if (list.isPending) status = t('list.loading');
  else if (items) status = t('list.count', { count: items.length });

  return (
    <div className="stack adm-audit">
      <SectionTitle headingRef={headingRef} title={t('title')} intro={t('intro')} />

      <FilterForm filters={filters} onApply={apply} />

      <div className="adm-audit__export">
        <span className="adm-audit__export-label">{t('export.label')}</span>
        <a className={buttonClass('secondary')} href={exportHref('csv', filters)} download>
          {t('export.csv')}
        </a>
        <a className={buttonClass('secondary')} href={exportHref('xlsx', filters)} download>
          {t('export.xlsx')}
        </a>
      </div>

      <section className="stack stack--tight" aria-labelledby={`${id}-list`}>
        <div className="adm-audit__head">
          <h3 id={`${id}-list`}>{t('list.title')}</h3>
          <p role="status" className="adm-audit__status">
            {status}
          </p>
        </div>
        {list.isError && (
          <LoadFailed
            title={t('list.loadFailed')}
            message={list.error.message}
            retryLabel={t('list.retry')}
            onRetry={() => void list.refetch()}
          />
        )}
        {items && items.length === 0 && <p className="card">{t('list.empty')}</p>}
        {items && items.length > 0 && (
          <table className="adm-audit__table">
            <caption className="visually-hidden">{t('list.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.columns.at')}</th>
                <th scope="col">{t('list.columns.who')}</th>
                <th scope="col">{t('list.columns.action')}</th>
                <th scope="col">{t('list.columns.record')}</th>
                <th scope="col">{t('list.columns.reason')}</th>
                <th scope="col">{t('list.columns.details')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <EntryRow key={entry.id} entry={entry} filters={filters} />
              ))}
            </tbody>
          </table>
        )}
        {list.hasNextPage ? (
          <div>
            <Button
              variant="secondary"
              onClick={() => void list.fetchNextPage()}
              disabled={list.isFetchingNextPage}
              busy={list.isFetchingNextPage}
            >
              {list.isFetchingNextPage ? t('list.loadingMore') : t('list.more')}
            </Button>
          </div>
        ) : (
          items && items.length > 0 && <p className="text-muted">{t('list.end')}</p>
        )}
      </section>
    </div>
  );
}
