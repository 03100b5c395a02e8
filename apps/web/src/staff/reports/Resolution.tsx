import { useMutation } from '@tanstack/react-query';
import { REJECTION_REASONS, type RejectionReason, type ReportOutcome } from '@tiemchung/core';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { ApiError } from '../../api/client';
import { Badge, type BadgeTone } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { RadioGroup } from '../../ui/RadioGroup';
import { TextAreaField } from '../../ui/TextAreaField';
import type { Dose, Report, ReportDetail, ResolutionBody } from './api';
import { reportsApi } from './api';
import { answeredOnTime, formatDate, formatDateTime, normalizeTrackingCode, rejectionLabel } from './format';
import { type ReportsT, useReportsT } from './i18n';
import { Detail, Refusal } from './shared';

const OUTCOMES: readonly ReportOutcome[] = ['corrected', 'rejected', 'duplicate'];
const TRACKING_CODE = /^PA-[A-Z0-9]{8}$/;

const OUTCOME_TONES: Record<ReportOutcome, BadgeTone> = {
  corrected: 'success',
  rejected: 'danger',
  duplicate: 'neutral',
};

/** What was corrected, from the report's actions: the note the citizen reads starts from it. */
export function suggestedNote(t: ReportsT, report: ReportDetail, doses: readonly Dose[] | undefined): string {
  const parts: string[] = [];
  for (const a of report.actions) {
    if (a.action === 'add_dose') {
      const dose = doses?.find((d) => d.id === a.entityId);
      parts.push(
        dose
          ? t('resolve.notes.addDose', { n: dose.doseNumber, date: formatDate(dose.administeredOn) })
          : t('resolve.notes.addDoseAny'),
      );
    } else if (a.action === 'correct_dose') {
      const dose = doses?.find((d) => d.id === a.entityId);
      parts.push(dose ? t('resolve.notes.correctDose', { n: dose.doseNumber }) : t('resolve.notes.correctDoseAny'));
    } else if (a.action === 'correct_person') parts.push(t('resolve.notes.correctPerson'));
    else if (a.action === 'merge') parts.push(t('resolve.notes.merge'));
  }
  return [...new Set(parts)].join(' ');
}

/**
 * The outcome, one click each: "Đã điều chỉnh" (with a note made from what was corrected),
 * "Từ chối" (one of the four stated reasons) or "Trùng lặp" (the other report's code); the note
 * is required and goes to the citizen by SMS.
 */
export function ResolutionForm({
  report,
  doses,
  onDone,
}: {
  report: ReportDetail;
  doses: readonly Dose[] | undefined;
  onDone: (resolved: Report) => void;
}) {
  const t = useReportsT();
  const id = useId();
  const [outcome, setOutcome] = useState<ReportOutcome | null>(null);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState<RejectionReason | ''>('');
  const [duplicateOf, setDuplicateOf] = useState('');
  const [errors, setErrors] = useState<{ note?: string; reason?: string; duplicateOf?: string }>({});
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const reasonRef = useRef<HTMLInputElement>(null);
  const duplicateRef = useRef<HTMLInputElement>(null);
  const [focusFirst, setFocusFirst] = useState(0);

  const mutation = useMutation<Report, ApiError, ResolutionBody>({
    mutationFn: (body) => reportsApi.resolve(report.id, body),
    onSuccess: onDone,
  });

  // After an outcome is chosen, the first thing to fill in gets the focus.
  // biome-ignore lint/correctness/useExhaustiveDependencies: on each choice only
  useEffect(() => {
    if (!focusFirst) return;
    if (outcome === 'rejected') reasonRef.current?.focus();
    else if (outcome === 'duplicate') duplicateRef.current?.focus();
    else noteRef.current?.focus();
  }, [focusFirst]);

  const choose = (next: ReportOutcome) => {
    setOutcome(next);
    setErrors({});
    mutation.reset();
    setNote(next === 'corrected' ? suggestedNote(t, report, doses) : '');
    setFocusFirst((n) => n + 1);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!outcome) return;
    const found: typeof errors = {};
    const code = normalizeTrackingCode(duplicateOf);
    if (outcome === 'rejected' && !reason) found.reason = t('resolve.errors.reasonRequired');
    if (outcome === 'duplicate' && !TRACKING_CODE.test(code)) found.duplicateOf = t('resolve.errors.duplicateRequired');
    if (outcome === 'duplicate' && code === report.trackingCode) found.duplicateOf = t('resolve.errors.duplicateSelf');
    if (!note.trim()) found.note = t('resolve.errors.noteRequired');
    setErrors(found);
    if (found.reason) reasonRef.current?.focus();
    else if (found.duplicateOf) duplicateRef.current?.focus();
    else if (found.note) noteRef.current?.focus();
    else
      mutation.mutate({
        outcome,
        note: note.trim(),
        ...(outcome === 'rejected' && reason ? { reason } : {}),
        ...(outcome === 'duplicate' ? { duplicateOf: code } : {}),
      });
  };

  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="h3">
        {t('resolve.title')}
      </h2>
      <p className="text-muted">{t('resolve.intro')}</p>
      <fieldset className="outcome-fieldset">
        <legend className="visually-hidden">{t('resolve.choose')}</legend>
        <div className="outcome-buttons">
          {OUTCOMES.map((o) => (
            <Button
              key={o}
              variant={outcome === o ? 'primary' : 'secondary'}
              className={`outcome-button outcome-button--${o}`}
              aria-pressed={outcome === o}
              onClick={() => choose(o)}
            >
              {t(`outcome.${o}`)}
            </Button>
          ))}
        </div>
      </fieldset>
      {outcome && (
        <form className="stack" onSubmit={onSubmit} noValidate>
          {outcome === 'rejected' && (
            <RadioGroup
              className="reason-group"
              legend={t('resolve.reason')}
              name="rejection-reason"
              required
              value={reason}
              firstRef={reasonRef}
              error={errors.reason}
              onChange={(value) => setReason(value as RejectionReason)}
              options={REJECTION_REASONS.map((r) => ({ value: r, label: rejectionLabel(r) }))}
            />
          )}
          {outcome === 'duplicate' && (
            <TextField
              ref={duplicateRef}
              label={t('resolve.duplicateOf')}
              hint={t('resolve.duplicateOfHint')}
              required
              autoComplete="off"
              autoCapitalize="characters"
              value={duplicateOf}
              error={errors.duplicateOf}
              onChange={(event) => setDuplicateOf(event.target.value)}
              onBlur={(event) => setDuplicateOf(normalizeTrackingCode(event.target.value))}
            />
          )}
          <TextAreaField
            ref={noteRef}
            label={t('resolve.note')}
            hint={t('resolve.noteHint')}
            required
            maxLength={2000}
            value={note}
            error={errors.note}
            onChange={(event) => setNote(event.target.value)}
          />
          {mutation.isError && <Refusal error={mutation.error} />}
          <div className="form-actions">
            <Button
              type="submit"
              variant={outcome === 'rejected' ? 'danger' : 'primary'}
              disabled={mutation.isPending}
              busy={mutation.isPending}
            >
              {mutation.isPending ? t('common.saving') : t(`resolve.confirm.${outcome}`)}
            </Button>
            <Button variant="ghost" onClick={() => setOutcome(null)}>
              {t('common.cancel')}
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}

/** The closed report: outcome, reason, note, who and when, on time or late. */
export function ResolvedPanel({ report, focus }: { report: Report; focus: boolean }) {
  const t = useReportsT();
  const headingRef = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: when the report has just been resolved
  useEffect(() => {
    if (focus) headingRef.current?.focus();
  }, []);
  const onTime = answeredOnTime(report);
  return (
    <section className="card stack resolved-panel" aria-labelledby="resolved-title">
      <h2 id="resolved-title" className="h3" ref={headingRef} tabIndex={-1}>
        {t('resolved.title')}
      </h2>
      <dl className="details details--compact">
        <Detail label={t('resolved.outcome')}>
          {report.outcome ? (
            <Badge tone={OUTCOME_TONES[report.outcome] ?? 'neutral'}>{t(`outcome.${report.outcome}`)}</Badge>
          ) : null}
        </Detail>
        {report.outcomeReason && <Detail label={t('resolved.reason')}>{rejectionLabel(report.outcomeReason)}</Detail>}
        {report.outcomeNote && (
          <Detail label={t('resolved.note')}>
            <span className="report-description">{report.outcomeNote}</span>
          </Detail>
        )}
        {report.resolvedBy && <Detail label={t('resolved.by')}>{report.resolvedBy}</Detail>}
        {report.resolvedAt && <Detail label={t('resolved.at')}>{formatDateTime(report.resolvedAt)}</Detail>}
        <Detail label={t('resolved.deadline')}>{onTime ? t('resolved.onTime') : t('resolved.late')}</Detail>
      </dl>
    </section>
  );
}
