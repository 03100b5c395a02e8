import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { ApiError } from '../../api/client';
import { isApiError } from '../../api/client';
import { Alert } from '../../ui/Alert';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { cx } from '../../ui/cx';
import { FieldError } from '../../ui/Field';
import { PageLoading } from '../../ui/PageLoading';
import { usePageTitle } from '../../ui/usePageTitle';
import { useAnnounce } from './Announcer';
import { type CloseRequest, type CloseResponse, type SessionLot, sessionApi } from './api';
import { CloseVisitsSection } from './CloseVisitsSection';
import { type ChoiceError, closeOutcomes, handoverTargets, unfinishedVisits, type VisitChoice } from './closeVisits';
import { daysBefore, vaccineLabel } from './format';
import { formatDate, sessionTitle, todayIso } from './labels';
import { siteSync } from './offline/siteSync';
import { sessionPaths } from './paths';
import { SyncStatus } from './SyncStatus';
import { isOffline, sessionsQuery, siteKeys, useBoardView, useSessionItems, useSyncSnapshot } from './useSite';

/** A lot is (vaccine, lot number): lots of two vaccines may share a number. */
const lotKey = (lot: { vaccineCode: string; lotNumber: string }) => `${lot.vaccineCode}:${lot.lotNumber}`;

function UsageTable({ result, names }: { result: CloseResponse; names: ReadonlyMap<string, string> }) {
  const { t } = useTranslation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const gaps = result.lots.filter((l) => l.possibleUnrecorded > 0);
  return (
    <section className="card stack" aria-labelledby="usage-title">
      <h2 id="usage-title" ref={headingRef} tabIndex={-1} className="h3">
        {t('session.close.resultTitle')}
      </h2>
      <Alert variant="success" role="status">
        <p>{t('session.close.closedNotice')}</p>
      </Alert>
      {(result.visits?.length ?? 0) > 0 && (
        <ul className="resolved-list">
          {result.visits?.map((v) => (
            <li key={v.visitId}>
              {t('session.board.card.queue', { n: v.queueNumber })}
              {names.get(v.visitId) ? ` — ${names.get(v.visitId)}` : ''}:{' '}
              {t(`session.close.visits.resolved.${v.outcome}`)}
            </li>
          ))}
        </ul>
      )}
      {gaps.length > 0 && (
        <Alert variant="warning" role="none">
          <p>{t('session.close.gapNotice')}</p>
        </Alert>
      )}
      <div className="table-wrap">
        <table className="usage-table">
          <caption className="visually-hidden">{t('session.close.resultTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('session.close.columns.lot')}</th>
              <th scope="col">{t('session.close.columns.vaccine')}</th>
              <th scope="col" className="num">
                {t('session.close.columns.vials')}
              </th>
              <th scope="col" className="num">
                {t('session.close.columns.dosesPerVial')}
              </th>
              <th scope="col" className="num">
                {t('session.close.columns.used')}
              </th>
              <th scope="col" className="num">
                {t('session.close.columns.recorded')}
              </th>
              <th scope="col">{t('session.close.columns.gap')}</th>
            </tr>
          </thead>
          <tbody>
            {result.lots.map((lot) => (
              <tr key={lotKey(lot)} className={cx(lot.possibleUnrecorded > 0 && 'usage-table__gap')}>
                <th scope="row">{lot.lotNumber}</th>
                <td>{vaccineLabel(lot.vaccineCode)}</td>
                <td className="num">{lot.vialsOpened}</td>
                <td className="num">{lot.dosesPerVial}</td>
                <td className="num">{lot.dosesUsed}</td>
                <td className="num">{lot.dosesRecorded}</td>
                <td>
                  {lot.possibleUnrecorded > 0 ? (
                    <Badge tone="warning">{t('session.close.gapBadge', { count: lot.possibleUnrecorded })}</Badge>
                  ) : (
                    <Badge tone="success">{t('session.close.noGap')}</Badge>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * `/quan-tri/buoi-tiem/:sessionId/ket-thuc` — closing the session: the vials opened per lot, then
 * the server's comparison of doses used (vials × doses per vial) with doses recorded, the gaps
 * ("có thể chưa ghi nhận") highlighted. Needs the network and an empty queue for the session.
 */

export function CloseSessionPage() {
  const { t } = useTranslation();
  const { sessionId = '' } = useParams();
  const headingRef = usePageTitle(t('session.close.title'));
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const snapshot = useSyncSnapshot();
  const { query, view } = useBoardView(sessionId);
  const pending = useSessionItems(sessionId);
  const [vials, setVials] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const inputRefs = useRef<Record<string, HTMLInputElement | null>>({});
  const [choices, setChoices] = useState<Record<string, VisitChoice>>({});
  const [choiceErrors, setChoiceErrors] = useState<Record<string, ChoiceError>>({});
  const choiceRefs = useRef<Record<string, HTMLInputElement | null>>({});
  const facilityId = view?.session.facilityId ?? '';
  const sessions = useQuery(sessionsQuery(facilityId, daysBefore(todayIso(), 30)));
  const unfinished = useMemo(() => unfinishedVisits(view?.visits ?? []), [view?.visits]);
  const targets = useMemo(
    () => (view ? handoverTargets(sessions.data?.value.items ?? [], view.session) : []),
    [sessions.data, view],
  );

  const close = useMutation<CloseResponse, ApiError, CloseRequest>({
    mutationFn: (body) => sessionApi.close(sessionId, body),
    networkMode: 'always',
    onSuccess: (result) => {
      announce(t('session.close.closedNotice'));
      void queryClient.invalidateQueries({ queryKey: siteKeys.board(sessionId) });
      void queryClient.invalidateQueries({ queryKey: ['site', 'sessions'] });
      // The sessions people were handed over to have them on their boards now.
      for (const v of result.visits ?? [])
        if (v.sessionId) void queryClient.invalidateQueries({ queryKey: siteKeys.board(v.sessionId) });
    },
    onError: (error) => {
      // Someone checked in (or a visit changed) meanwhile: read the board again, the list follows.
      if (isApiError(error) && error.code === 'session_visits_unresolved')
        void queryClient.invalidateQueries({ queryKey: siteKeys.board(sessionId) });
    },
  });

  if (!view) {
    if (query.isError) {
      return (
        <Alert variant="error" title={t('session.board.loadFailed')}>
          <p>{query.error.message}</p>
        </Alert>
      );
    }
    return <PageLoading />;
  }

  const lots: SessionLot[] = view.lots;
  const dosesOf = (vaccineCode: string) => view.tally.byVaccine[vaccineCode] ?? 0;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (close.isPending) return;
    const next: Record<string, string> = {};
    const body: CloseRequest = { lots: [] };
    for (const lot of lots) {
      const text = (vials[lotKey(lot)] ?? '').trim();
      if (!text) {
        if (dosesOf(lot.vaccineCode) > 0) next[lotKey(lot)] = t('session.close.vialsRequired');
        else body.lots.push({ lotNumber: lot.lotNumber, vaccineCode: lot.vaccineCode, vialsOpened: 0 });
        continue;
      }
      const n = Number(text);
      if (!/^\d+$/.test(text) || n > 10_000) next[lotKey(lot)] = t('session.close.vialsInvalid');
      else body.lots.push({ lotNumber: lot.lotNumber, vaccineCode: lot.vaccineCode, vialsOpened: n });
    }
    setErrors(next);
    const { outcomes, errors: missing } = closeOutcomes(unfinished, choices);
    setChoiceErrors(missing);
    const firstVisit = unfinished.find((v) => missing[v.id]);
    if (firstVisit) {
      const e = missing[firstVisit.id];
      const target =
        e === 'session'
          ? document.getElementById(`unfinished-${firstVisit.id}-session`)
          : e === 'reason'
            ? document.getElementById(`unfinished-${firstVisit.id}-reason`)
            : choiceRefs.current[firstVisit.id];
      target?.focus();
      return;
    }
    const first = lots.find((l) => next[lotKey(l)]);
    if (first) {
      inputRefs.current[lotKey(first)]?.focus();
      return;
    }
    close.mutate(outcomes.length ? { ...body, visits: outcomes } : body);
  };

  const closed = view.session.status === 'closed';
  const blocked = pending.length > 0;

  return (
    <div className="stack session">
      <p>
        <Link to={sessionPaths.board(sessionId)} className="back-link">
          <span aria-hidden="true">← </span>
          {t('session.close.backToBoard')}
        </Link>
      </p>
      <div className="stack stack--tight">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('session.close.title')}
        </h1>
        <p className="text-muted">{sessionTitle(t, view.session)}</p>
      </div>

      {close.data ? (
        <UsageTable result={close.data} names={new Map(view.visits.map((v) => [v.id, v.person?.fullName ?? '']))} />
      ) : closed ? (
        <Alert variant="info" role="none">
          <p>{t('session.close.alreadyClosed')}</p>
        </Alert>
      ) : (
        <>
          <SyncStatus />
          <form className="stack" onSubmit={onSubmit} noValidate>
            {unfinished.length > 0 && (
              <CloseVisitsSection
                view={view}
                visits={unfinished}
                targets={targets}
                choices={choices}
                errors={choiceErrors}
                onChange={(visitId, choice) => {
                  setChoices((previous) => ({ ...previous, [visitId]: choice }));
                  setChoiceErrors(({ [visitId]: _, ...rest }) => rest);
                }}
                firstRef={(visitId) => (el) => {
                  choiceRefs.current[visitId] = el;
                }}
              />
            )}
            <section className="card stack" aria-labelledby="vials-title">
              <h2 id="vials-title" className="h3">
                {t('session.close.vialsTitle')}
              </h2>
              <p>{t('session.close.intro')}</p>
              <div className="table-wrap">
                <table className="usage-table">
                  <caption className="visually-hidden">{t('session.close.vialsCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('session.close.columns.lot')}</th>
                      <th scope="col">{t('session.close.columns.vaccine')}</th>
                      <th scope="col" className="num">
                        {t('session.close.columns.dosesPerVial')}
                      </th>
                      <th scope="col" className="num">
                        {t('session.close.columns.recordedByVaccine')}
                      </th>
                      <th scope="col">{t('session.close.columns.vials')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {lots.map((lot) => {
                      const inputId = `vials-${lotKey(lot)}`;
                      const error = errors[lotKey(lot)];
                      return (
                        <tr key={lotKey(lot)}>
                          <th scope="row">
                            {lot.lotNumber}
                            <span className="usage-table__sub">HSD {formatDate(lot.expiresOn)}</span>
                          </th>
                          <td>{vaccineLabel(lot.vaccineCode)}</td>
                          <td className="num">{lot.dosesPerVial}</td>
                          <td className="num">{dosesOf(lot.vaccineCode)}</td>
                          <td>
                            <div className={cx('field', error && 'field--invalid')}>
                              <label className="visually-hidden" htmlFor={inputId}>
                                {t('session.close.vialsLabel', { lot: lot.lotNumber })}
                              </label>
                              {error && <FieldError id={`${inputId}-error`}>{error}</FieldError>}
                              <input
                                ref={(el) => {
                                  inputRefs.current[lotKey(lot)] = el;
                                }}
                                id={inputId}
                                className="field__input vials-input"
                                type="number"
                                inputMode="numeric"
                                min={0}
                                max={10_000}
                                step={1}
                                value={vials[lotKey(lot)] ?? ''}
                                aria-invalid={error ? true : undefined}
                                aria-describedby={error ? `${inputId}-error` : undefined}
                                onChange={(event) => {
                                  const value = event.target.value;
                                  setVials((previous) => ({ ...previous, [lotKey(lot)]: value }));
                                }}
                              />
                            </div>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <p className="field__hint">{t('session.close.vialsHint')}</p>
              {blocked && (
                <Alert variant="warning" title={t('session.close.pendingBlock', { count: pending.length })}>
                  <div>
                    <Button variant="secondary" onClick={() => void siteSync().syncNow()}>
                      {t('session.sync.syncNow')}
                    </Button>
                  </div>
                </Alert>
              )}
              {isOffline(snapshot) && (
                <Alert variant="warning" role="none">
                  <p>{t('session.close.needsNetwork')}</p>
                </Alert>
              )}
            </section>
            {close.isError && (
              <Alert variant="error" title={t('session.close.failed')}>
                <p>{close.error.message}</p>
              </Alert>
            )}
            <div className="form-actions">
              <Button type="submit" variant="danger" disabled={close.isPending || blocked} busy={close.isPending}>
                {close.isPending ? t('session.close.submitting') : t('session.close.submit')}
              </Button>
            </div>
          </form>
        </>
      )}
    </div>
  );
}
