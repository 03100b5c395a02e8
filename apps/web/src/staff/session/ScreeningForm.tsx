import { SCREENING_OUTCOMES, SCREENING_QUESTIONS, type ScreeningAnswer, type ScreeningOutcome } from '@tiemchung/core';
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { cx } from '../../ui/cx';
import { FieldError, TextField } from '../../ui/Field';
import { RadioGroup } from '../../ui/RadioGroup';
import { localized } from '../reception/format';
import type { ScreeningRequest } from './api';
import type { BoardVisit } from './offline/board';
import type { QueueError } from './offline/queue';
import { siteSync } from './offline/siteSync';
import {
  type Answers,
  emptyAnswers,
  givenAnswers,
  liveSuggestion,
  parseVitals,
  planFor,
  reasonRequired,
  unanswered,
  VITAL_FIELDS,
  VITAL_LIMITS,
  type VitalField,
  type VitalsText,
  vitalsText,
} from './screening';
import { RefusalAlert, type StepDone } from './stepShared';

const ANSWER_ORDER: readonly ScreeningAnswer[] = ['yes', 'no', 'unsure'];
const REASON_MAX = 500;

interface Errors {
  checklist?: string;
  vitals?: Partial<Record<VitalField, string>>;
  reason?: string;
}

export interface ScreeningFormProps {
  visit: BoardVisit;
  /** The session's day: the age the record gives is the age on that day. */
  sessionDate: string;
  /** A queued (refused) screening of this visit to edit. */
  prefill?: ScreeningRequest | undefined;
  refusal?: QueueError | undefined;
  onDone: (done: StepDone) => void;
}

/** The checklist's own number of a question (the ministry's form), kept when others are not asked. */
const NUMBER = new Map(SCREENING_QUESTIONS.map((q, i) => [q.id, i + 1]));

/**
 * Khám sàng lọc: the ministry's checklist — the questions that apply to the person (core's
 * screeningPlan: no pregnancy question for a man; the age answered from the record, shown as
 * such), each Có / Không / Không rõ —, vital signs, the checklist's suggestion shown live, the
 * doctor's outcome and the reason when needed. Saved through the queue: at once when online,
 * later when not.
 */
export function ScreeningForm({ visit, sessionDate, prefill, refusal: initialRefusal, onDone }: ScreeningFormProps) {
  const { t } = useTranslation();
  const formId = useId();
  const plan = useMemo(() => planFor(visit.person, sessionDate), [visit.person, sessionDate]);
  const [answers, setAnswers] = useState<Answers>(() => emptyAnswers(plan, prefill?.answers));
  const [vitals, setVitals] = useState<VitalsText>(() => vitalsText(prefill?.vitals));
  const [choice, setChoice] = useState<ScreeningOutcome | null>(prefill?.outcome ?? null);
  const [reason, setReason] = useState(prefill?.reason ?? '');
  const [errors, setErrors] = useState<Errors>({});
  const [refusal, setRefusal] = useState<QueueError | undefined>(initialRefusal);
  const [saving, setSaving] = useState(false);
  const firstRadioRef = useRef<HTMLInputElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const refusalRef = useRef<HTMLDivElement>(null);

  const suggestion = liveSuggestion(answers, vitals, plan);
  const missing = unanswered(answers, plan);
  const outcome = choice ?? suggestion.outcome;
  const needsReason = reasonRequired(outcome, suggestion.outcome);
  const outcomeLabel = (o: ScreeningOutcome) => t(`session.screening.outcomes.${o}`);

  useEffect(() => {
    if (initialRefusal) refusalRef.current?.focus();
    else firstRadioRef.current?.focus();
  }, [initialRefusal]);

  const focusQuestion = (id: string) =>
    document.querySelector<HTMLInputElement>(`#${CSS.escape(`${formId}-${id}`)} input`)?.focus();
  const focusVital = (field: VitalField) => document.getElementById(`${formId}-${field}`)?.focus();

  const setAnswer = (id: string, answer: ScreeningAnswer) => {
    setAnswers((previous) => ({ ...previous, [id]: answer }));
    if (errors.checklist) setErrors((e) => ({ ...e, checklist: undefined }));
  };

  const allNo = () => {
    setAnswers((previous) => Object.fromEntries(Object.entries(previous).map(([id, a]) => [id, a || 'no'])));
    setErrors((e) => ({ ...e, checklist: undefined }));
    focusVital('temperature');
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (saving) return;
    const parsed = parseVitals(vitals);
    const next: Errors = {};
    if (missing.length) next.checklist = t('session.screening.unanswered', { count: missing.length });
    if (parsed.invalid.length) {
      next.vitals = Object.fromEntries(
        parsed.invalid.map((f) => [f, t('session.screening.vitalInvalid', VITAL_LIMITS[f])]),
      );
    }
    if (needsReason && !reason.trim()) next.reason = t('session.screening.reasonRequired');
    else if (reason.trim().length > REASON_MAX) next.reason = t('reception.errors.tooLong');
    setErrors(next);
    if (next.checklist && missing[0]) return focusQuestion(missing[0]);
    if (parsed.invalid[0]) return focusVital(parsed.invalid[0]);
    if (next.reason) return reasonRef.current?.focus();

    const body: ScreeningRequest = {
      // The questions asked; the server fills in the others from the same plan.
      answers: givenAnswers(answers),
      vitals: parsed.vitals,
      outcome,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    setSaving(true);
    try {
      const result = await siteSync().submit({
        kind: 'screening',
        sessionId: visit.sessionId,
        visitId: visit.id,
        personId: visit.personId,
        personName: visit.person?.fullName ?? '',
        body,
      });
      if (result.type === 'refused') {
        setRefusal(result.error);
        if (result.error.field === 'reason') setErrors({ reason: result.error.message });
        requestAnimationFrame(() => refusalRef.current?.focus());
        return;
      }
      const saved = t('session.screening.saved', {
        name: visit.person?.fullName ?? '',
        outcome: outcomeLabel(outcome),
      });
      onDone({ announce: result.type === 'sent' ? saved : `${saved} ${t('session.step.queuedAnnounce')}` });
    } finally {
      setSaving(false);
    }
  };

  const vitalLabel: Record<VitalField, string> = {
    temperature: t('session.screening.temperature'),
    pulse: t('session.screening.pulse'),
    systolic: t('session.screening.systolic'),
    diastolic: t('session.screening.diastolic'),
    spo2: t('session.screening.spo2'),
  };

  return (
    <form className="step-form stack" onSubmit={(event) => void onSubmit(event)} noValidate>
      {refusal && <RefusalAlert ref={refusalRef} error={refusal} />}

      <section className="checklist stack stack--tight" aria-labelledby={`${formId}-checklist`}>
        <div className="checklist__head">
          <h3 id={`${formId}-checklist`}>{t('session.screening.checklistTitle')}</h3>
          <Button variant="secondary" onClick={allNo}>
            {t('session.screening.allNo')}
          </Button>
        </div>
        <p className="field__hint">{t('session.screening.checklistHint')}</p>
        {errors.checklist && <FieldError>{errors.checklist}</FieldError>}
        <ol className="checklist__list">
          {plan
            .filter((p) => p.mode !== 'not_applicable')
            .map(({ question, mode, answer: recorded, note }, index) => {
              const number = NUMBER.get(question.id);
              const textId = `${formId}-${question.id}-text`;
              if (mode === 'from_record') {
                return (
                  <li key={question.id}>
                    <div className={cx('check-row', 'check-row--record', recorded === 'yes' && 'check-row--yes')}>
                      <p className="check-row__question" id={textId}>
                        <span className="check-row__number">{number}.</span>
                        <span className="check-row__text">{localized(question.text)}</span>
                      </p>
                      <p className="check-row__record">
                        <strong>
                          {t('session.screening.fromRecord', {
                            answer: t(`session.screening.answers.${recorded ?? 'no'}`),
                          })}
                        </strong>
                        {note && <span className="check-row__note">{localized(note)}</span>}
                      </p>
                    </div>
                  </li>
                );
              }
              const answer = answers[question.id] ?? '';
              const invalid = Boolean(errors.checklist) && !answer;
              return (
                <li key={question.id}>
                  <div
                    role="radiogroup"
                    aria-labelledby={textId}
                    aria-invalid={invalid || undefined}
                    id={`${formId}-${question.id}`}
                    className={cx(
                      'check-row',
                      invalid && 'check-row--invalid',
                      answer === 'yes' && 'check-row--yes',
                      answer === 'unsure' && 'check-row--unsure',
                    )}
                  >
                    <p className="check-row__question" id={textId}>
                      <span className="check-row__number">{number}.</span>
                      <span className="check-row__text">{localized(question.text)}</span>
                    </p>
                    <div className="check-row__options">
                      {ANSWER_ORDER.map((value, i) => (
                        <label key={value} className="choice choice--compact">
                          <input
                            ref={index === 0 && i === 0 ? firstRadioRef : undefined}
                            type="radio"
                            className="choice__input"
                            name={`${formId}-${question.id}`}
                            value={value}
                            checked={answer === value}
                            onChange={() => setAnswer(question.id, value)}
                          />
                          <span>{t(`session.screening.answers.${value}`)}</span>
                        </label>
                      ))}
                    </div>
                  </div>
                </li>
              );
            })}
        </ol>
        {plan.some((p) => p.mode === 'not_applicable') && (
          <div className="checklist__not-asked">
            <p>{t('session.screening.notAsked')}</p>
            <ul>
              {plan
                .filter((p) => p.mode === 'not_applicable')
                .map(({ question, note }) => (
                  <li key={question.id}>
                    {NUMBER.get(question.id)}. {localized(question.text)}
                    {note && <span className="text-muted"> — {localized(note)}</span>}
                  </li>
                ))}
            </ul>
          </div>
        )}
      </section>

      <fieldset className="form-section">
        <legend className="form-section__title">{t('session.screening.vitalsTitle')}</legend>
        <div className="vitals-grid">
          {VITAL_FIELDS.map((field) => (
            <TextField
              key={field}
              id={`${formId}-${field}`}
              label={vitalLabel[field]}
              inputMode={field === 'temperature' ? 'decimal' : 'numeric'}
              autoComplete="off"
              value={vitals[field]}
              error={errors.vitals?.[field]}
              onChange={(event) => {
                const value = event.target.value;
                setVitals((previous) => ({ ...previous, [field]: value }));
              }}
            />
          ))}
        </div>
      </fieldset>

      <section className={`suggestion suggestion--${suggestion.outcome}`} aria-labelledby={`${formId}-suggestion`}>
        <h3 id={`${formId}-suggestion`} className="suggestion__title">
          {missing.length
            ? t('session.screening.suggestionPartial', { count: missing.length })
            : t('session.screening.suggestionTitle')}
        </h3>
        <p className="suggestion__outcome" role="status">
          {outcomeLabel(suggestion.outcome)}
        </p>
        {suggestion.reasons.length > 0 && (
          <ul className="suggestion__reasons">
            {suggestion.reasons.map((r) => (
              <li key={r.vi}>{localized(r)}</li>
            ))}
          </ul>
        )}
        {suggestion.cautions.length > 0 && (
          <div>
            <p className="suggestion__cautions-title">{t('session.screening.cautions')}</p>
            <ul className="suggestion__reasons">
              {suggestion.cautions.map((c) => (
                <li key={c.vi}>{localized(c)}</li>
              ))}
            </ul>
          </div>
        )}
      </section>

      <RadioGroup
        legend={t('session.screening.outcomeLegend')}
        name={`${formId}-outcome`}
        value={outcome}
        onChange={(value) => setChoice(value as ScreeningOutcome)}
        options={SCREENING_OUTCOMES.map((o) => ({ value: o, label: outcomeLabel(o) }))}
        required
      />

      <div className={cx('field', errors.reason && 'field--invalid')}>
        <label className="field__label" htmlFor={`${formId}-reason`}>
          {t('session.screening.reason')}
          {needsReason && (
            <span className="field__required" aria-hidden="true">
              {' '}
              *
            </span>
          )}
        </label>
        <p className="field__hint" id={`${formId}-reason-hint`}>
          {outcome !== 'vaccinate'
            ? t('session.screening.reasonHintRequired')
            : t('session.screening.reasonHintDiffers')}
        </p>
        {errors.reason && <FieldError id={`${formId}-reason-error`}>{errors.reason}</FieldError>}
        <textarea
          ref={reasonRef}
          id={`${formId}-reason`}
          className="field__input field__textarea"
          rows={2}
          maxLength={REASON_MAX}
          value={reason}
          aria-required={needsReason || undefined}
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby={[`${formId}-reason-hint`, errors.reason ? `${formId}-reason-error` : '']
            .filter(Boolean)
            .join(' ')}
          onChange={(event) => {
            setReason(event.target.value);
            if (errors.reason) setErrors((e) => ({ ...e, reason: undefined }));
          }}
        />
      </div>

      {(errors.checklist || errors.vitals || errors.reason) && (
        <Alert variant="error" title={t('session.screening.errorSummary')}>
          <ul>
            {errors.checklist && <li>{errors.checklist}</li>}
            {Object.entries(errors.vitals ?? {}).map(([field, message]) => (
              <li key={field}>
                {vitalLabel[field as VitalField]}: {message}
              </li>
            ))}
            {errors.reason && <li>{errors.reason}</li>}
          </ul>
        </Alert>
      )}

      <div className="form-actions">
        <Button type="submit" disabled={saving} busy={saving}>
          {saving ? t('session.screening.submitting') : t('session.screening.submit')}
        </Button>
      </div>
    </form>
  );
}
