import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/client';
import { i18n } from '../../i18n';
import { Alert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { cx } from '../../ui/cx';
import { FieldError } from '../../ui/Field';
import { RadioGroup } from '../../ui/RadioGroup';
import { useAnnounce } from './Announcer';
import { type AdverseEventRequest, sessionApi } from './api';
import { remainingMs } from './BoardColumns';
import { formatTime, mmss, vaccineLabel } from './format';
import type { BoardVisit } from './offline/board';
import { siteSync } from './offline/siteSync';
import { RefusalAlert, type StepDone } from './stepShared';
import { dosesQuery, isOffline, useNow, useSyncSnapshot } from './useSite';

const SYMPTOMS = [
  'injectionSite',
  'fever',
  'fatigue',
  'headache',
  'nausea',
  'rash',
  'dizziness',
  'breathing',
  'chest',
  'anaphylaxis',
] as const;
type Symptom = (typeof SYMPTOMS)[number];
const ACTION_MAX = 1000;

interface AefiErrors {
  symptoms?: string;
  severity?: string;
  action?: string;
}

/**
 * "Ghi nhận phản ứng sau tiêm": symptoms, mild / serious, what was done. Sent at once (a serious
 * event notifies the district): it needs the network, and a dose already on the server.
 */
function AdverseEventForm({ visit, doseId }: { visit: BoardVisit; doseId: string | null }) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const formId = useId();
  const snapshot = useSyncSnapshot();
  const [symptoms, setSymptoms] = useState<Set<Symptom>>(new Set());
  const [other, setOther] = useState('');
  const [severity, setSeverity] = useState<'' | AdverseEventRequest['severity']>('');
  const [action, setAction] = useState('');
  const [errors, setErrors] = useState<AefiErrors>({});
  const [saved, setSaved] = useState<string | null>(null);
  const firstRef = useRef<HTMLInputElement>(null);
  const severityRef = useRef<HTMLInputElement>(null);
  const actionRef = useRef<HTMLTextAreaElement>(null);
  const doseNotSynced = visit.pending.includes('dose') || !doseId;

  useEffect(() => {
    firstRef.current?.focus();
  }, []);

  const send = useMutation<{ id: string; severity: string }, ApiError, AdverseEventRequest>({
    mutationFn: (body) => sessionApi.adverseEvent(body),
    networkMode: 'always',
    onSuccess: (result) => {
      const message = result.severity === 'serious' ? t('session.aefi.savedSerious') : t('session.aefi.saved');
      setSaved(message);
      announce(message);
      setSymptoms(new Set());
      setOther('');
      setSeverity('');
      setAction('');
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (send.isPending) return;
    // Recorded in Vietnamese whatever the interface language (one register for the country).
    const vi = i18n.getFixedT('vi');
    const list = [
      ...SYMPTOMS.filter((s) => symptoms.has(s)).map((s) => vi(`session.aefi.symptomList.${s}`)),
      ...other
        .split(/[,;\n]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ];
    const next: AefiErrors = {};
    if (!list.length) next.symptoms = t('session.aefi.symptomsRequired');
    if (!severity) next.severity = t('session.aefi.severityRequired');
    if (!action.trim()) next.action = t('session.aefi.actionRequired');
    setErrors(next);
    if (next.symptoms) return firstRef.current?.focus();
    if (next.severity) return severityRef.current?.focus();
    if (next.action) return actionRef.current?.focus();
    if (!severity) return;
    setSaved(null);
    send.mutate({
      personId: visit.personId,
      visitId: visit.id,
      ...(doseId ? { doseId } : {}),
      symptoms: list.slice(0, 20),
      severity,
      actionTaken: action.trim(),
    });
  };

  return (
    <form className="stack aefi-form" onSubmit={onSubmit} noValidate aria-labelledby={`${formId}-title`}>
      <h3 id={`${formId}-title`} className="h3">
        {t('session.aefi.title')}
      </h3>
      {doseNotSynced && (
        <Alert variant="warning" role="none">
          <p>{t('session.aefi.doseNotSynced')}</p>
        </Alert>
      )}
      {isOffline(snapshot) && (
        <Alert variant="warning" role="none">
          <p>{t('session.aefi.needsNetwork')}</p>
        </Alert>
      )}
      <fieldset className={cx('field', 'choice-group', errors.symptoms && 'field--invalid')}>
        <legend className="field__label">{t('session.aefi.symptoms')}</legend>
        {errors.symptoms && <FieldError>{errors.symptoms}</FieldError>}
        <div className="symptom-grid">
          {SYMPTOMS.map((symptom, index) => (
            <label key={symptom} className="choice choice--compact">
              <input
                ref={index === 0 ? firstRef : undefined}
                type="checkbox"
                className="choice__input"
                checked={symptoms.has(symptom)}
                onChange={(event) => {
                  const next = new Set(symptoms);
                  if (event.target.checked) next.add(symptom);
                  else next.delete(symptom);
                  setSymptoms(next);
                }}
              />
              <span>{t(`session.aefi.symptomList.${symptom}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label className="field__label" htmlFor={`${formId}-other`}>
          {t('session.aefi.otherSymptoms')}
        </label>
        <p className="field__hint" id={`${formId}-other-hint`}>
          {t('session.aefi.otherHint')}
        </p>
        <input
          id={`${formId}-other`}
          className="field__input"
          value={other}
          maxLength={600}
          aria-describedby={`${formId}-other-hint`}
          onChange={(event) => setOther(event.target.value)}
        />
      </div>
      <RadioGroup
        legend={t('session.aefi.severity')}
        name={`${formId}-severity`}
        value={severity}
        onChange={(value) => setSeverity(value as AdverseEventRequest['severity'])}
        options={[
          { value: 'mild', label: t('session.aefi.severities.mild') },
          { value: 'serious', label: t('session.aefi.severities.serious') },
        ]}
        error={errors.severity}
        firstRef={severityRef}
        required
      />
      {severity === 'serious' && <p className="field__hint">{t('session.aefi.seriousHint')}</p>}
      <div className={cx('field', errors.action && 'field--invalid')}>
        <label className="field__label" htmlFor={`${formId}-action`}>
          {t('session.aefi.action')}
        </label>
        <p className="field__hint" id={`${formId}-action-hint`}>
          {t('session.aefi.actionHint')}
        </p>
        {errors.action && <FieldError id={`${formId}-action-error`}>{errors.action}</FieldError>}
        <textarea
          ref={actionRef}
          id={`${formId}-action`}
          className="field__input field__textarea"
          rows={2}
          maxLength={ACTION_MAX}
          value={action}
          aria-required
          aria-invalid={errors.action ? true : undefined}
          aria-describedby={[`${formId}-action-hint`, errors.action ? `${formId}-action-error` : '']
            .filter(Boolean)
            .join(' ')}
          onChange={(event) => setAction(event.target.value)}
        />
      </div>
      {send.isError && (
        <Alert variant="error" title={t('session.aefi.failed')}>
          <p>{send.error.message}</p>
        </Alert>
      )}
      {saved && (
        <Alert variant="success">
          <p>{saved}</p>
        </Alert>
      )}
      <div className="form-actions">
        <Button type="submit" variant="danger" disabled={send.isPending || doseNotSynced} busy={send.isPending}>
          {send.isPending ? t('session.aefi.submitting') : t('session.aefi.submit')}
        </Button>
      </div>
    </form>
  );
}

export interface ObservationPanelProps {
  visit: BoardVisit;
  onDone: (done: StepDone) => void;
}

/**
 * Theo dõi sau tiêm: the countdown to the end of the 30 minutes (highlighted once over), the dose
 * given, "Hoàn thành" (asks again before the 30 minutes are over), and the adverse-event report.
 */
export function ObservationPanel({ visit, onDone }: ObservationPanelProps) {
  const { t } = useTranslation();
  const now = useNow(1_000);
  const doses = useQuery({ ...dosesQuery(visit.personId), enabled: !visit.pendingDose });
  const [confirming, setConfirming] = useState(false);
  const [aefiOpen, setAefiOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState(visit.refused?.kind === 'complete' ? visit.refused.error : undefined);
  const completeRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const titleRef = useRef<HTMLParagraphElement>(null);
  const aefiId = useId();
  const remaining = remainingMs(visit, now);
  const over = remaining !== null && remaining <= 0;
  const done = visit.status === 'done';
  const dose = visit.pendingDose ?? doses.data?.value.items.find((d) => d.id === visit.doseId);

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the step opens
  useEffect(() => {
    if (!done && over) completeRef.current?.focus();
    else titleRef.current?.focus();
  }, []);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const complete = async () => {
    if (saving) return;
    setSaving(true);
    try {
      const result = await siteSync().submit({
        kind: 'complete',
        sessionId: visit.sessionId,
        visitId: visit.id,
        personId: visit.personId,
        personName: visit.person?.fullName ?? '',
      });
      if (result.type === 'refused') {
        setRefusal(result.error);
        setConfirming(false);
        return;
      }
      const message = t('session.observation.completed', { name: visit.person?.fullName ?? '' });
      onDone({ announce: result.type === 'sent' ? message : `${message} ${t('session.step.queuedAnnounce')}` });
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="step-form stack">
      {refusal && <RefusalAlert error={refusal} />}
      {done ? (
        <p className="observation-timer observation-timer--over" ref={titleRef} tabIndex={-1}>
          {t('session.observation.doneAt', { time: formatTime(visit.doneAt) })}
        </p>
      ) : (
        <div className={cx('observation-timer', over && 'observation-timer--over')}>
          <p className="observation-timer__label" ref={titleRef} tabIndex={-1}>
            {t('session.observation.timerLabel')}
          </p>
          <p className="observation-timer__value" role="timer" aria-live="off">
            {remaining === null
              ? '—'
              : over
                ? t('session.observation.over')
                : t('session.observation.remaining', { time: mmss(remaining) })}
          </p>
          {visit.observationUntil && (
            <p className="observation-timer__until">
              {t('session.observation.until', { time: formatTime(visit.observationUntil) })}
            </p>
          )}
        </div>
      )}
      {dose && (
        <p>{t('session.observation.doseLine', { vaccine: vaccineLabel(dose.vaccineCode), lot: dose.lotNumber })}</p>
      )}

      {!done &&
        (confirming ? (
          <div className="alert alert--warning confirm-box">
            <div className="alert__body">
              <p id={`${aefiId}-early`}>
                {t('session.observation.completeEarlyWarning', { time: mmss(remaining ?? 0) })}
              </p>
              <div className="reception__actions">
                <Button
                  ref={confirmRef}
                  onClick={() => void complete()}
                  disabled={saving}
                  busy={saving}
                  aria-describedby={`${aefiId}-early`}
                >
                  {t('session.observation.completeAnyway')}
                </Button>
                <Button
                  variant="secondary"
                  onClick={() => {
                    setConfirming(false);
                    requestAnimationFrame(() => completeRef.current?.focus());
                  }}
                >
                  {t('session.observation.keepObserving')}
                </Button>
              </div>
            </div>
          </div>
        ) : (
          <div className="form-actions">
            <Button
              ref={completeRef}
              variant={over ? 'primary' : 'secondary'}
              onClick={() => (over ? void complete() : setConfirming(true))}
              disabled={saving}
              busy={saving}
            >
              {t('session.observation.complete')}
            </Button>
          </div>
        ))}

      <div className="aefi">
        <Button
          variant="ghost"
          aria-expanded={aefiOpen}
          aria-controls={`${aefiId}-aefi`}
          onClick={() => setAefiOpen((open) => !open)}
        >
          <span aria-hidden="true">{aefiOpen ? '▾' : '▸'}</span> {t('session.aefi.open')}
        </Button>
        <div id={`${aefiId}-aefi`} hidden={!aefiOpen}>
          {aefiOpen && <AdverseEventForm visit={visit} doseId={visit.doseId} />}
        </div>
      </div>
    </div>
  );
}
