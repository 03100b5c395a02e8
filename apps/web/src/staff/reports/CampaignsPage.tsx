import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { PROVINCES_2021 } from '@tiemchung/core';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate, useNavigationType, useParams } from 'react-router';
import type { ApiError } from '../../api/client';
import { useCurrentUser } from '../../auth/session';
import { currentLanguage } from '../../i18n';
import { Alert } from '../../ui/Alert';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { PageLoading } from '../../ui/PageLoading';
import { SelectField } from '../../ui/SelectField';
import { useNow } from '../../ui/useNow';
import { usePageTitle } from '../../ui/usePageTitle';
import { type Campaign, type CampaignProgress, reportsApi, reportsKeys, useUnitsByCode } from './api';
import { campaignUnitLabel, formatDateTime, formatPercent, provinceLabel } from './format';
import { useReportsT } from './i18n';
import { reportsPaths } from './paths';
import { SubNav } from './SubNav';
import { Refusal } from './shared';

/** Roles that may open a campaign (server rule). */
const CAMPAIGN_CREATORS: readonly string[] = ['province_admin', 'national_admin'];

/** `datetime-local` text (the browser's local time) → ISO 8601 with offset (UTC), or null. */
function isoOf(local: string): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function scopeLabel(t: ReturnType<typeof useReportsT>, c: Campaign): string {
  return c.provinceCode ? provinceLabel(c.provinceCode) : t('campaigns.national');
}

/** "còn 2 ngày 05:12" / "đã qua hạn" — the time to a campaign's deadline, in whole minutes. */
function DeadlineLeft({ deadline }: { deadline: string }) {
  const t = useReportsT();
  const now = useNow();
  const left = Date.parse(deadline) - now;
  if (left <= 0) return <Badge tone="danger">{t('campaigns.deadlinePassed')}</Badge>;
  const minutes = Math.floor(left / 60_000);
  const days = Math.floor(minutes / 1_440);
  const hours = Math.floor((minutes % 1_440) / 60);
  const mins = minutes % 60;
  const time = `${String(hours).padStart(2, '0')}:${String(mins).padStart(2, '0')}`;
  return (
    <Badge tone={days < 1 ? 'warning' : 'neutral'}>
      {days > 0 ? t('campaigns.leftDays', { days, time }) : t('campaigns.leftHours', { time })}
    </Badge>
  );
}

function CreateCampaignForm({ onCreated, onCancel }: { onCreated: (id: string) => void; onCancel: () => void }) {
  const t = useReportsT();
  const user = useCurrentUser();
  const id = useId();
  const national = user.role === 'national_admin';
  const [values, setValues] = useState({ name: '', receiveFrom: '', receiveTo: '', deadline: '', provinceCode: '' });
  const [errors, setErrors] = useState<Partial<Record<keyof typeof values, string>>>({});
  const nameRef = useRef<HTMLInputElement>(null);
  const fromRef = useRef<HTMLInputElement>(null);
  const toRef = useRef<HTMLInputElement>(null);
  const deadlineRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    nameRef.current?.focus();
  }, []);

  const mutation = useMutation<{ id: string }, ApiError, void>({
    mutationFn: () =>
      reportsApi.createCampaign({
        name: values.name.trim(),
        receiveFrom: isoOf(values.receiveFrom) ?? '',
        receiveTo: isoOf(values.receiveTo) ?? '',
        deadline: isoOf(values.deadline) ?? '',
        ...(national && values.provinceCode ? { provinceCode: values.provinceCode } : {}),
      }),
    onSuccess: (created) => onCreated(created.id),
  });

  const change = (patch: Partial<typeof values>) => {
    setValues((v) => ({ ...v, ...patch }));
    setErrors({});
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    const from = isoOf(values.receiveFrom);
    const to = isoOf(values.receiveTo);
    const deadline = isoOf(values.deadline);
    if (!values.name.trim()) found.name = t('campaigns.errors.nameRequired');
    if (!from) found.receiveFrom = t('campaigns.errors.dateRequired');
    if (!to) found.receiveTo = t('campaigns.errors.dateRequired');
    else if (from && to <= from) found.receiveTo = t('campaigns.errors.toAfterFrom');
    if (!deadline) found.deadline = t('campaigns.errors.dateRequired');
    else if (to && deadline < to) found.deadline = t('campaigns.errors.deadlineAfterTo');
    setErrors(found);
    if (found.name) nameRef.current?.focus();
    else if (found.receiveFrom) fromRef.current?.focus();
    else if (found.receiveTo) toRef.current?.focus();
    else if (found.deadline) deadlineRef.current?.focus();
    else mutation.mutate();
  };

  return (
    <form className="card stack" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="h3">
        {t('campaigns.createTitle')}
      </h2>
      <div className="form-grid">
        <TextField
          ref={nameRef}
          label={t('campaigns.name')}
          hint={t('campaigns.nameHint')}
          required
          maxLength={200}
          value={values.name}
          error={errors.name}
          onChange={(event) => change({ name: event.target.value })}
        />
        {national && (
          <SelectField
            label={t('campaigns.province')}
            value={values.provinceCode}
            placeholder={t('campaigns.national')}
            options={PROVINCES_2021.map((p) => ({ value: p.code, label: p.shortName }))}
            onChange={(event) => change({ provinceCode: event.target.value })}
          />
        )}
        <TextField
          ref={fromRef}
          type="datetime-local"
          label={t('campaigns.receiveFrom')}
          required
          value={values.receiveFrom}
          error={errors.receiveFrom}
          onChange={(event) => change({ receiveFrom: event.target.value })}
        />
        <TextField
          ref={toRef}
          type="datetime-local"
          label={t('campaigns.receiveTo')}
          required
          value={values.receiveTo}
          error={errors.receiveTo}
          onChange={(event) => change({ receiveTo: event.target.value })}
        />
        <TextField
          ref={deadlineRef}
          type="datetime-local"
          label={t('campaigns.deadline')}
          hint={t('campaigns.deadlineHint')}
          required
          value={values.deadline}
          error={errors.deadline}
          onChange={(event) => change({ deadline: event.target.value })}
        />
      </div>
      {mutation.isError && <Refusal error={mutation.error} />}
      <div className="form-actions">
        <Button type="submit" disabled={mutation.isPending} busy={mutation.isPending}>
          {mutation.isPending ? t('common.saving') : t('campaigns.create')}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </form>
  );
}

function Stat({ label, value, tone }: { label: string; value: number; tone?: 'alert' | 'warning' }) {
  return (
    <div className={`stat${tone ? ` stat--${tone}` : ''}`}>
      <dt className="stat__label">{label}</dt>
      <dd className="stat__value">{value}</dd>
    </div>
  );
}

function ProgressView({ data, focus }: { data: CampaignProgress; focus: boolean }) {
  const t = useReportsT();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const units = useUnitsByCode(data.units.map((u) => u.unit));
  const lang = currentLanguage();
  const { campaign, total } = data;

  // biome-ignore lint/correctness/useExhaustiveDependencies: when a campaign is opened
  useEffect(() => {
    if (focus) headingRef.current?.focus();
  }, [campaign.id]);

  const rate = (resolved: number, received: number) => (received ? resolved / received : 0);

  return (
    <section className="card stack" aria-labelledby="campaign-title">
      <div className="stack stack--tight">
        <h2 id="campaign-title" ref={headingRef} tabIndex={-1}>
          {campaign.name}
        </h2>
        <p className="text-muted">
          {t('campaigns.window', {
            scope: scopeLabel(t, campaign),
            from: formatDateTime(campaign.receiveFrom),
            to: formatDateTime(campaign.receiveTo),
          })}
        </p>
        <p className="campaign-deadline">
          <span>{t('campaigns.deadlineAt', { at: formatDateTime(campaign.deadline) })}</span>
          <DeadlineLeft deadline={campaign.deadline} />
        </p>
      </div>
      <dl className="stats">
        <Stat label={t('campaigns.total.received')} value={total.received} />
        <Stat label={t('campaigns.total.resolved')} value={total.resolved} />
        <Stat label={t('campaigns.total.open')} value={total.open} />
        <Stat label={t('campaigns.total.overdue')} value={total.overdue} tone={total.overdue ? 'alert' : undefined} />
        <Stat
          label={t('campaigns.total.willMiss')}
          value={total.willMissDeadline}
          tone={total.willMissDeadline ? 'warning' : undefined}
        />
      </dl>
      <p className="field__hint">{t('campaigns.willMissHint')}</p>
      {data.units.length === 0 ? (
        <p>{t('campaigns.noReports')}</p>
      ) : (
        // A region the keyboard can scroll (Tab to it, then the arrow keys) when the table is wider than the screen.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take the focus (WCAG 2.1.1)
        <section className="table-scroll" aria-labelledby="campaign-units-caption" tabIndex={0}>
          <table className="data-table data-table--wide">
            <caption id="campaign-units-caption" className="data-table__caption">
              {t('campaigns.unitsTitle')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('campaigns.columns.unit')}</th>
                <th scope="col" className="num">
                  {t('campaigns.columns.received')}
                </th>
                <th scope="col" className="num">
                  {t('campaigns.columns.resolved')}
                </th>
                <th scope="col">{t('campaigns.columns.progress')}</th>
                <th scope="col" className="num">
                  {t('campaigns.columns.open')}
                </th>
                <th scope="col" className="num">
                  {t('campaigns.columns.overdue')}
                </th>
                <th scope="col" className="num">
                  {t('campaigns.columns.onTime')}
                </th>
                <th scope="col" className="num">
                  {t('campaigns.columns.willMiss')}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.units.map((u) => {
                const share = rate(u.resolved, u.received);
                return (
                  <tr key={u.unit} className={u.willMissDeadline ? 'data-table__row--warning' : undefined}>
                    <th scope="row">{campaignUnitLabel(u.unit, units)}</th>
                    <td className="num">{u.received}</td>
                    <td className="num">{u.resolved}</td>
                    <td>
                      <span className="bar" aria-hidden="true">
                        <span className="bar__fill" style={{ width: `${Math.round(share * 100)}%` }} />
                      </span>
                      <span className="bar__text">{formatPercent(share, lang)}</span>
                    </td>
                    <td className="num">{u.open}</td>
                    <td className="num">{u.overdue}</td>
                    <td className="num">{u.onTimeRate === null ? '—' : formatPercent(u.onTimeRate, lang)}</td>
                    <td className="num">
                      {u.willMissDeadline ? <strong>{u.willMissDeadline}</strong> : u.willMissDeadline}
                    </td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('campaigns.columns.total')}</th>
                <td className="num">{total.received}</td>
                <td className="num">{total.resolved}</td>
                <td>
                  <span className="bar__text">{formatPercent(rate(total.resolved, total.received), lang)}</span>
                </td>
                <td className="num">{total.open}</td>
                <td className="num">{total.overdue}</td>
                <td className="num">—</td>
                <td className="num">{total.willMissDeadline}</td>
              </tr>
            </tfoot>
          </table>
        </section>
      )}
    </section>
  );
}

/**
 * `/quan-tri/phan-anh/chien-dich[/:campaignId]` — campaigns of reports (a receipt window and a
 * deadline, e.g. 05–10 Nov, everything answered by 12 Nov): the list, a new one (province and
 * national administrators), and a campaign's progress per unit with the projected misses.
 */
export function CampaignsPage() {
  const t = useReportsT();
  const headingRef = usePageTitle(t('campaigns.title'));
  const { campaignId } = useParams();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const navigationType = useNavigationType();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const createButtonRef = useRef<HTMLButtonElement>(null);
  const canCreate = CAMPAIGN_CREATORS.includes(user.role);

  const list = useQuery({
    queryKey: reportsKeys.campaigns,
    queryFn: ({ signal }) => reportsApi.campaigns(signal).then((r) => r.items),
  });
  const progress = useQuery({
    queryKey: reportsKeys.campaign(campaignId ?? ''),
    queryFn: ({ signal }) => reportsApi.campaign(campaignId ?? '', signal),
    enabled: Boolean(campaignId),
    refetchInterval: 60_000,
  });

  return (
    <div className="stack reports">
      <div className="stack stack--tight">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('campaigns.title')}
        </h1>
        <p className="text-muted">{t('campaigns.intro')}</p>
      </div>
      <SubNav />

      {canCreate && !creating && (
        <div>
          <Button ref={createButtonRef} onClick={() => setCreating(true)}>
            {t('campaigns.new')}
          </Button>
        </div>
      )}
      {creating && (
        <CreateCampaignForm
          onCancel={() => {
            setCreating(false);
            window.setTimeout(() => createButtonRef.current?.focus(), 0);
          }}
          onCreated={(id) => {
            setCreating(false);
            void queryClient.invalidateQueries({ queryKey: reportsKeys.campaigns });
            void navigate(reportsPaths.campaign(id));
          }}
        />
      )}

      {campaignId && progress.isError && (
        <Alert variant="error" title={t('common.loadFailed')}>
          <p>{progress.error.message}</p>
        </Alert>
      )}
      {campaignId && progress.isPending && <PageLoading />}
      {campaignId && progress.data && <ProgressView data={progress.data} focus={navigationType !== 'POP'} />}

      <section className="stack stack--tight" aria-labelledby="campaign-list-title">
        <h2 id="campaign-list-title">{t('campaigns.listTitle')}</h2>
        {list.isError && (
          <Alert variant="error" title={t('common.loadFailed')}>
            <p>{list.error.message}</p>
          </Alert>
        )}
        {list.isPending && <PageLoading />}
        {list.data && list.data.length === 0 && (
          <div className="card">
            <p>{t('campaigns.none')}</p>
          </div>
        )}
        {list.data && list.data.length > 0 && (
          <ul className="campaign-list">
            {list.data.map((c) => (
              <li key={c.id}>
                <Link
                  className="campaign-link"
                  to={reportsPaths.campaign(c.id)}
                  aria-current={c.id === campaignId ? 'page' : undefined}
                >
                  <span className="campaign-link__name">{c.name}</span>
                  <span className="campaign-link__meta">
                    <span>{scopeLabel(t, c)}</span>
                    <span>
                      {t('campaigns.windowShort', {
                        from: formatDateTime(c.receiveFrom),
                        to: formatDateTime(c.receiveTo),
                      })}
                    </span>
                    <span>{t('campaigns.deadlineAt', { at: formatDateTime(c.deadline) })}</span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
