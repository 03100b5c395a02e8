import { useMutation, useQueryClient } from '@tanstack/react-query';
import { addDays, type VisitCloseOutcome } from '@tiemchung/core';
import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/client';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { cx } from '../../ui/cx';
import { FieldError, TextField } from '../../ui/Field';
import { SelectField } from '../../ui/SelectField';
import { type Session, sessionApi } from './api';
import { remainingMs } from './BoardColumns';
import { type ChoiceError, EMPTY_CHOICE, LEFT_REASON_MAX, observationOver, type VisitChoice } from './closeVisits';
import { mmss } from './format';
import { formatDate, sessionTitle, todayIso } from './labels';
import type { BoardView, BoardVisit } from './offline/board';
import { siteKeys, useNow } from './useSite';

export interface CloseVisitsSectionProps {
  view: BoardView;
  /** The visits not done, in queue order. */
  visits: readonly BoardVisit[];
  /** The other open sessions of the facility, the next one first. */
  targets: readonly Session[];
  choices: Readonly<Record<string, VisitChoice>>;
  onChange: (visitId: string, choice: VisitChoice) => void;
  errors: Readonly<Record<string, ChoiceError>>;
  /** The first control of a visit's choice (focused when it has an error). */
  firstRef: (visitId: string) => Ref<HTMLInputElement>;
}

/**
 * "Người chưa xong lượt tiêm": the people waiting, in screening or in observation when the session
 * closes, and what becomes of each — handed over to another open session of the facility (one
 * can be opened from here for the next day), recorded as left with the reason, or (an observation
 * whose 30 minutes are over) ended. Nobody is left behind silently: the close sends them all.
 */
export function CloseVisitsSection({
  view,
  visits,
  targets,
  choices,
  onChange,
  errors,
  firstRef,
}: CloseVisitsSectionProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const now = useNow();
  const session = view.session;
  const nextDate = [addDays(session.sessionDate, 1), addDays(todayIso(), 1)].sort().at(-1)!;
  const openNext = useMutation<Session, ApiError>({
    mutationFn: () =>
      sessionApi.open({
        facilityId: session.facilityId,
        sessionDate: nextDate,
        lotNumbers: view.lots.map((l) => l.lotNumber),
      }),
    networkMode: 'always',
    onSuccess: async (opened) => {
      await queryClient.invalidateQueries({ queryKey: siteKeys.sessions(session.facilityId) });
      // Whoever had no session chosen yet goes to the one just opened.
      for (const v of visits) {
        const c = choices[v.id] ?? EMPTY_CHOICE;
        if (c.outcome === 'handover' && !c.sessionId) onChange(v.id, { ...c, sessionId: opened.id });
      }
    },
  });

  const statusText = (v: BoardVisit) => {
    if (v.status === 'waiting') return t('session.close.visits.status.waiting');
    if (v.status === 'screening') return t('session.close.visits.status.screening');
    const left = remainingMs(v, now);
    return left !== null && left > 0
      ? t('session.close.visits.status.observing', { time: mmss(left) })
      : t('session.close.visits.status.observed');
  };
  const targetOptions = targets.map((s) => ({ value: s.id, label: sessionTitle(t, s) }));
  const errorText = (e: ChoiceError) => t(`session.close.visits.errors.${e}`);

  return (
    <section className="card stack" aria-labelledby="unfinished-title">
      <h2 id="unfinished-title" className="h3">
        {t('session.close.visits.title', { count: visits.length })}
      </h2>
      <p>{t('session.close.visits.intro')}</p>
      {targets[0] && visits.length > 1 && (
        <div>
          <Button
            variant="secondary"
            onClick={() => {
              for (const v of visits)
                onChange(v.id, { ...(choices[v.id] ?? EMPTY_CHOICE), outcome: 'handover', sessionId: targets[0]!.id });
            }}
          >
            {t('session.close.visits.allTo', { session: sessionTitle(t, targets[0]) })}
          </Button>
        </div>
      )}
      {targets.length === 0 && (
        <Alert variant="info" role="none">
          <p>{t('session.close.visits.noTarget')}</p>
          <div>
            <Button
              variant="secondary"
              onClick={() => openNext.mutate()}
              disabled={openNext.isPending}
              busy={openNext.isPending}
            >
              {t('session.close.visits.openNext', { date: formatDate(nextDate) })}
            </Button>
          </div>
          {openNext.isError && <p role="alert">{openNext.error.message}</p>}
        </Alert>
      )}
      {openNext.isSuccess && (
        <p role="status">{t('session.close.visits.opened', { date: formatDate(openNext.data.sessionDate) })}</p>
      )}
      <ol className="unfinished-list">
        {visits.map((v) => {
          const choice = choices[v.id] ?? EMPTY_CHOICE;
          const error = errors[v.id];
          const base = `unfinished-${v.id}`;
          const errorId = error ? `${base}-error` : undefined;
          const canEnd = observationOver(v, now);
          const options: { value: VisitCloseOutcome; label: string }[] = [
            { value: 'handover', label: t('session.close.visits.outcomes.handover') },
            { value: 'left', label: t('session.close.visits.outcomes.left') },
            ...(canEnd ? [{ value: 'done' as const, label: t('session.close.visits.outcomes.done') }] : []),
          ];
          return (
            <li key={v.id} className="unfinished-item">
              <fieldset
                className={cx('unfinished', error && 'unfinished--invalid')}
                aria-describedby={errorId}
                data-visit-id={v.id}
              >
                <legend className="unfinished__who">
                  <strong>
                    {t('session.board.card.queue', { n: v.queueNumber })} — {v.person?.fullName ?? ''}
                  </strong>
                  <span className="unfinished__status">{statusText(v)}</span>
                </legend>
                {error === 'outcome' && <FieldError id={errorId}>{errorText(error)}</FieldError>}
                <div className="choice-group__options">
                  {options.map((o, i) => (
                    <label key={o.value} className="choice">
                      <input
                        ref={i === 0 ? firstRef(v.id) : undefined}
                        type="radio"
                        className="choice__input"
                        name={`${base}-outcome`}
                        value={o.value}
                        checked={choice.outcome === o.value}
                        aria-invalid={error === 'outcome' || undefined}
                        onChange={() =>
                          onChange(v.id, {
                            ...choice,
                            outcome: o.value,
                            sessionId:
                              o.value === 'handover' && !choice.sessionId ? (targets[0]?.id ?? '') : choice.sessionId,
                          })
                        }
                      />
                      <span>{o.label}</span>
                    </label>
                  ))}
                </div>
                {choice.outcome === 'handover' && (
                  <SelectField
                    id={`${base}-session`}
                    label={t('session.close.visits.target')}
                    options={targetOptions}
                    placeholder={targets.length ? undefined : t('session.close.visits.noTargetOption')}
                    value={choice.sessionId}
                    required
                    error={error === 'session' ? errorText(error) : undefined}
                    onChange={(event) => onChange(v.id, { ...choice, sessionId: event.target.value })}
                  />
                )}
                {choice.outcome === 'left' && (
                  <TextField
                    id={`${base}-reason`}
                    label={t('session.close.visits.reason')}
                    hint={t('session.close.visits.reasonHint')}
                    value={choice.reason}
                    maxLength={LEFT_REASON_MAX}
                    required
                    autoComplete="off"
                    error={error === 'reason' ? errorText(error) : undefined}
                    onChange={(event) => onChange(v.id, { ...choice, reason: event.target.value })}
                  />
                )}
              </fieldset>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
