import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { ApiError } from '../../api/client';
import { useCurrentUser } from '../../auth/session';
import type { SessionUser } from '../../auth/types';
import { currentLanguage } from '../../i18n';
import { Alert } from '../../ui/Alert';
import { Badge } from '../../ui/Badge';
import { Button, buttonClass } from '../../ui/Button';
import { cx } from '../../ui/cx';
import { FieldError, TextField } from '../../ui/Field';
import { PageLoading } from '../../ui/PageLoading';
import { SelectField } from '../../ui/SelectField';
import { usePageTitle } from '../../ui/usePageTitle';
import { type Facility, type Session, sessionApi } from './api';
import { daysBefore, formatNumber, vaccineLabel } from './format';
import { formatDate, formatDateTime, sessionTitle, todayIso } from './labels';
import { sessionPaths } from './paths';
import { SyncStatus } from './SyncStatus';
import { facilitiesQuery, isOffline, lotsQuery, sessionsQuery, siteKeys, useSyncSnapshot } from './useSite';

/** How far back the list of sessions goes. */
const LIST_DAYS = 30;

/** The facilities an administrator may open sessions at (their unit's). */
function facilitiesFor(user: Pick<SessionUser, 'unitCode'>, facilities: readonly Facility[]): Facility[] {
  const unit = user.unitCode;
  if (!unit) return [...facilities];
  if (unit.length === 2) return facilities.filter((f) => f.provinceCode === unit);
  if (unit.length === 3) return facilities.filter((f) => f.districtCode === unit);
  return facilities.filter((f) => f.communeCode === unit);
}

function OpenSessionForm({ facilityId, onOpened }: { facilityId: string; onOpened: (session: Session) => void }) {
  const { t } = useTranslation();
  const formId = useId();
  const snapshot = useSyncSnapshot();
  const lots = useQuery(lotsQuery(facilityId));
  const today = todayIso();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [lotError, setLotError] = useState<string | undefined>();
  // Failed submits: the error is announced each time (role="alert", mounted again).
  const [lotFailures, setLotFailures] = useState(0);
  const firstLotRef = useRef<HTMLInputElement>(null);
  const usable = useMemo(
    () => (lots.data?.value.items ?? []).filter((l) => !l.expired && l.dosesRemaining > 0),
    [lots.data],
  );

  const open = useMutation<Session, ApiError, { name: string; lotNumbers: string[] }>({
    mutationFn: (body) =>
      sessionApi.open({
        facilityId,
        sessionDate: today,
        ...(body.name ? { name: body.name } : {}),
        lotNumbers: body.lotNumbers,
      }),
    networkMode: 'always',
    onSuccess: onOpened,
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (open.isPending) return;
    if (chosen.size === 0) {
      setLotError(t('session.list.lotsRequired'));
      setLotFailures((n) => n + 1);
      // To the first lot (read with the group's legend and the error); the error is announced too.
      firstLotRef.current?.focus();
      return;
    }
    open.mutate({ name: name.trim(), lotNumbers: [...chosen] });
  };

  return (
    <section className="card stack" aria-labelledby={`${formId}-title`}>
      <h2 id={`${formId}-title`} className="h3">
        {t('session.list.openTitle')}
      </h2>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <p>
          <span className="text-muted">{t('session.list.date')}: </span>
          <strong>{formatDate(today)}</strong>
        </p>
        <TextField
          label={t('session.list.name')}
          hint={t('session.list.nameHint')}
          value={name}
          maxLength={100}
          onChange={(event) => setName(event.target.value)}
        />
        <fieldset
          className={cx('field', 'choice-group', lotError && 'field--invalid')}
          aria-describedby={lotError ? `${formId}-lots-hint ${formId}-lots-error` : `${formId}-lots-hint`}
          aria-invalid={lotError ? true : undefined}
        >
          <legend className="field__label">
            {t('session.list.lots')}
            <span className="field__required" aria-hidden="true">
              {' '}
              *
            </span>
          </legend>
          <p className="field__hint" id={`${formId}-lots-hint`}>
            {t('session.list.lotsHint')}
          </p>
          {lotError && (
            <FieldError key={lotFailures} id={`${formId}-lots-error`} role="alert">
              {lotError}
            </FieldError>
          )}
          {lots.isPending && <p className="text-muted">{t('app.loading')}</p>}
          {lots.isError && <p className="field__error">{lots.error.message}</p>}
          {lots.data && usable.length === 0 && <p>{t('session.list.noLots')}</p>}
          <div className="lot-options">
            {usable.map((lot, index) => (
              <label key={lot.id} className="choice lot-choice">
                <input
                  ref={index === 0 ? firstLotRef : undefined}
                  type="checkbox"
                  className="choice__input"
                  checked={chosen.has(lot.lotNumber)}
                  aria-invalid={lotError ? true : undefined}
                  aria-describedby={lotError ? `${formId}-lots-error` : undefined}
                  onChange={(event) => {
                    const next = new Set(chosen);
                    if (event.target.checked) next.add(lot.lotNumber);
                    else next.delete(lot.lotNumber);
                    setChosen(next);
                    setLotError(undefined);
                  }}
                />
                <span>
                  {t('session.list.lotLine', {
                    vaccine: vaccineLabel(lot.vaccineCode),
                    lot: lot.lotNumber,
                    expires: formatDate(lot.expiresOn),
                    doses: formatNumber(lot.dosesRemaining, currentLanguage()),
                  })}
                  {lot.expiresSoon && (
                    <>
                      {' '}
                      <Badge tone="warning">{t('session.list.expiresSoon')}</Badge>
                    </>
                  )}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {isOffline(snapshot) && (
          <Alert variant="warning" role="none">
            <p>{t('session.list.needsNetwork')}</p>
          </Alert>
        )}
        {open.isError && (
          <Alert variant="error" title={t('session.list.openFailed')}>
            <p>{open.error.message}</p>
          </Alert>
        )}
        <div className="form-actions">
          <Button type="submit" disabled={open.isPending} busy={open.isPending}>
            {open.isPending ? t('session.list.submitting') : t('session.list.submit')}
          </Button>
        </div>
      </form>
    </section>
  );
}

/**
 * `/quan-tri/buoi-tiem` — the sessions of the site: today's open session first, opening one (with
 * the lots on hand), and the sessions of the last 30 days. Administrators choose the facility.
 */
export function SessionListPage() {
  const { t } = useTranslation();
  const headingRef = usePageTitle(t('session.title'));
  const user = useCurrentUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [facilityId, setFacilityId] = useState(user.facilityId ?? '');
  const facilities = useQuery({ ...facilitiesQuery(), enabled: true });
  const today = todayIso();
  const sessions = useQuery(sessionsQuery(facilityId, daysBefore(today, LIST_DAYS)));
  const mine = user.facilityId ? [] : facilitiesFor(user, facilities.data?.value.items ?? []);
  const facility = facilities.data?.value.items.find((f) => f.id === facilityId);
  const items = sessions.data?.value.items ?? [];
  const todayOpen = items.filter((s) => s.sessionDate === today && s.status === 'open');

  const onOpened = (session: Session) => {
    void queryClient.invalidateQueries({ queryKey: siteKeys.sessions(facilityId) });
    void navigate(sessionPaths.board(session.id));
  };

  return (
    <div className="stack session">
      <div className="stack stack--tight">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('session.title')}
        </h1>
        <p className="text-muted">{t('session.intro')}</p>
      </div>

      <SyncStatus />

      {user.facilityId ? (
        facility && (
          <p>
            <span className="text-muted">{t('session.list.facility')}: </span>
            <strong>{facility.name}</strong>
          </p>
        )
      ) : (
        <div className="card">
          <SelectField
            label={t('session.list.facility')}
            value={facilityId}
            onChange={(event) => setFacilityId(event.target.value)}
            placeholder={t('session.list.chooseFacility')}
            options={mine.map((f) => ({ value: f.id, label: f.name }))}
          />
        </div>
      )}

      {facilityId && sessions.data?.fromCache && (
        <Alert variant="warning" role="none">
          <p>{t('session.list.savedCopy', { at: formatDateTime(new Date(sessions.data.savedAt).toISOString()) })}</p>
        </Alert>
      )}

      {todayOpen.length > 0 && (
        <section className="card stack today-open" aria-labelledby="today-open-title">
          <h2 id="today-open-title" className="h3">
            {t('session.list.todayOpen')}
          </h2>
          <ul className="session-list">
            {todayOpen.map((s) => (
              <li key={s.id}>
                <Link className={buttonClass('primary')} to={sessionPaths.board(s.id)}>
                  {t('session.list.openBoard')}: {sessionTitle(t, s)}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      {facilityId && <OpenSessionForm key={facilityId} facilityId={facilityId} onOpened={onOpened} />}

      {facilityId && (
        <section className="stack stack--tight" aria-labelledby="recent-title">
          <h2 id="recent-title" className="h3">
            {t('session.list.recentTitle')}
          </h2>
          {sessions.isPending && <PageLoading />}
          {sessions.isError && (
            <Alert variant="error" title={t('session.list.loadFailed')}>
              <p>{sessions.error.message}</p>
            </Alert>
          )}
          {sessions.data && items.length === 0 && <p>{t('session.list.none')}</p>}
          {items.length > 0 && (
            <ul className="session-list session-list--cards">
              {items.map((s) => (
                <li key={s.id} className="session-item">
                  <Link to={sessionPaths.board(s.id)} className="session-item__link">
                    {sessionTitle(t, s)}
                  </Link>
                  <Badge tone={s.status === 'open' ? 'success' : 'neutral'}>
                    {t(`session.list.status.${s.status}`)}
                  </Badge>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
