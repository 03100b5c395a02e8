import type { ScreeningOutcome } from '@tiemchung/core';
import { lazy, type ReactNode, Suspense, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useOutletContext, useParams } from 'react-router';
import { Alert } from '../../ui/Alert';
import { Badge } from '../../ui/Badge';
import { Button } from '../../ui/Button';
import { PageLoading } from '../../ui/PageLoading';
import { type ColumnId, columnOf, visitsIn } from './BoardColumns';
import type { BoardOutletContext } from './BoardPage';
import { ageOn } from './format';
import { formatDate, genderLabel } from './labels';
import { ObservationPanel } from './ObservationPanel';
import type { BoardView, BoardVisit } from './offline/board';
import { itemId } from './offline/queue';
import { type BoardState, sessionPaths } from './paths';
import type { StepDone } from './stepShared';
import { useSessionItems } from './useSite';
import { VaccinationForm } from './VaccinationForm';

/**
 * The screening form is a further chunk: the core's screening module builds zod schemas when it
 * loads, which the board itself does not need (precached with the rest for offline use).
 */
const ScreeningForm = lazy(() => import('./ScreeningForm').then((m) => ({ default: m.ScreeningForm })));

type Step = 'screening' | 'vaccination' | 'observation' | 'outcome';

/** The step a card opens: the one of its column, or the one whose request the server refused. */
export function stepFor(visit: Pick<BoardVisit, 'status' | 'refused'>): Step {
  if (visit.refused?.kind === 'screening') return 'screening';
  if (visit.refused?.kind === 'dose') return 'vaccination';
  switch (visit.status) {
    case 'waiting':
      return 'screening';
    case 'screening':
      return 'vaccination';
    // A dose recorded: its observation (the board shows `vaccinated` in the observation column too).
    case 'vaccinated':
    case 'observing':
    case 'done':
      return 'observation';
    case 'postponed':
    case 'referred':
    // Ended when the session closed: the person left, or was handed over to another session.
    case 'left':
    case 'handed_over':
      return 'outcome';
    default:
      // Every status of core's VISIT_STATUSES has its step: a new one fails the build here.
      visit.status satisfies never;
      return 'outcome';
  }
}

/** Who is next in a column after `visitId` (the next person at that station), if anyone. */
function nextIn(view: BoardView, column: ColumnId, visitId: string): string | undefined {
  const visits = visitsIn(view, column);
  const index = visits.findIndex((v) => v.id === visitId);
  const others = [...visits.slice(index + 1), ...visits.slice(0, Math.max(0, index))].filter((v) => v.id !== visitId);
  return others[0]?.id;
}

function OutcomeSummary({
  visit,
  onRescreen,
  canRescreen,
}: {
  visit: BoardVisit;
  onRescreen: () => void;
  canRescreen: boolean;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const outcome = visit.screeningOutcome as ScreeningOutcome | null;
  return (
    <div className="step-form stack">
      <p ref={ref} tabIndex={-1} className="step-outcome">
        {visit.status === 'left'
          ? t('session.close.visits.resolved.left')
          : visit.status === 'handed_over'
            ? t('session.close.visits.resolved.handover')
            : outcome
              ? t('session.screening.recorded', { outcome: t(`session.screening.outcomes.${outcome}`) })
              : t(`session.board.columns.${columnOf(visit.status)}`)}
      </p>
      {visit.leftReason && <p>{t('session.screening.reasonLine', { reason: visit.leftReason })}</p>}
      {visit.handedOverTo && (
        <p>
          <Link to={sessionPaths.board(visit.handedOverTo)}>{t('session.close.visits.openTarget')}</Link>
        </p>
      )}
      {visit.screeningReason && <p>{t('session.screening.reasonLine', { reason: visit.screeningReason })}</p>}
      {canRescreen && (
        <div>
          <Button variant="secondary" onClick={onRescreen}>
            {t('session.screening.rescreen')}
          </Button>
        </div>
      )}
    </div>
  );
}

/**
 * `…/luot/:visitId` — the step of one visit in a modal dialog over the board: screening,
 * vaccination, observation (or the outcome of a postponed / referred visit). Esc or "Đóng" goes
 * back to the board with the focus on the card; after the step, on the next person of the column.
 */
export function VisitStep() {
  const { t } = useTranslation();
  const { visitId = '' } = useParams();
  const { view } = useOutletContext<BoardOutletContext>();
  const navigate = useNavigate();
  const titleId = useId();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const sessionId = view.session.id;
  const visit = view.visits.find((v) => v.id === visitId);
  const items = useSessionItems(sessionId);
  // The step is chosen when the dialog opens: the board changes under it as soon as it is saved.
  const [step, setStep] = useState<Step | null>(() => (visit ? stepFor(visit) : null));
  const [column] = useState<ColumnId | null>(() => (visit ? columnOf(visit.status) : null));
  const isOpen = view.session.status === 'open';

  // Opened in a layout effect: before the step's own effects put the focus on its first field
  // (showModal() would otherwise move it to the first button of the dialog).
  useLayoutEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const close = (done?: StepDone) => {
    const next = done && column ? nextIn(view, column, visitId) : visitId;
    const state: BoardState = { ...(next ? { focusVisit: next } : {}), ...(done ? { announce: done.announce } : {}) };
    void navigate(sessionPaths.board(sessionId), { state });
  };

  const screeningItem = items.find((i) => i.id === itemId('screening', visitId));
  const doseItem = items.find((i) => i.id === itemId('dose', visitId));
  const person = visit?.person;
  const titles: Record<Step, string> = {
    screening: t('session.step.titles.screening'),
    vaccination: t('session.step.titles.vaccination'),
    observation: visit?.status === 'done' ? t('session.step.titles.done') : t('session.step.titles.observation'),
    outcome: t('session.step.titles.outcome'),
  };
  const age = person ? ageOn(person.dateOfBirth, view.session.sessionDate) : null;

  let content: ReactNode;
  if (!visit || !step) {
    content = (
      <Alert variant="error">
        <p>{t('session.step.notFound')}</p>
      </Alert>
    );
  } else if (!isOpen && (step === 'screening' || step === 'vaccination')) {
    content = <OutcomeSummary visit={visit} onRescreen={() => undefined} canRescreen={false} />;
  } else if (step === 'screening') {
    content = (
      <ScreeningForm
        visit={visit}
        sessionDate={view.session.sessionDate}
        prefill={screeningItem?.kind === 'screening' ? screeningItem.body : undefined}
        refusal={screeningItem?.state === 'refused' ? screeningItem.error : undefined}
        onDone={close}
      />
    );
  } else if (step === 'vaccination') {
    content = (
      <VaccinationForm
        visit={visit}
        lots={view.lots}
        sessionDate={view.session.sessionDate}
        prefill={doseItem?.kind === 'dose' && doseItem.state === 'refused' ? doseItem.body : undefined}
        refusal={doseItem?.state === 'refused' ? doseItem.error : undefined}
        onDone={close}
      />
    );
  } else if (step === 'observation') {
    content = <ObservationPanel visit={visit} onDone={close} />;
  } else {
    content = (
      <OutcomeSummary visit={visit} onRescreen={() => setStep('screening')} canRescreen={isOpen && !visit.doseId} />
    );
  }

  return (
    <dialog
      ref={dialogRef}
      className="dialog step-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <div className="step-dialog__inner stack">
        <header className="step-dialog__header">
          <div className="stack stack--tight">
            <h2 id={titleId} className="step-dialog__title">
              {step ? titles[step] : t('session.board.title')}
              {person && <span className="step-dialog__name"> — {person.fullName}</span>}
            </h2>
            {visit && person && (
              <p className="step-dialog__person">
                {t('session.step.person', {
                  gender: genderLabel(t, person.gender),
                  dob: formatDate(person.dateOfBirth),
                  age: age ?? '?',
                  n: visit.queueNumber,
                })}
              </p>
            )}
            {visit && visit.pending.length > 0 && !visit.refused && (
              <p>
                <Badge tone="warning">{t('session.board.card.pending')}</Badge>{' '}
                <span className="text-muted">{t('session.step.pendingNote')}</span>
              </p>
            )}
          </div>
          <Button variant="ghost" className="step-dialog__close" onClick={() => close()} aria-keyshortcuts="Escape">
            {t('session.step.close')}
          </Button>
        </header>
        <Suspense fallback={<PageLoading />}>{content}</Suspense>
      </div>
    </dialog>
  );
}
