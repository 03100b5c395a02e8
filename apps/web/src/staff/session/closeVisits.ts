import {
  isObservationOver,
  isUnfinishedVisit,
  type Session,
  type VisitCloseOutcome,
  type VisitCloseOutcomeBody,
} from '@tiemchung/core';
import type { BoardVisit } from './offline/board';

/**
 * Closing a session with people not done: who they are, where they can be handed over to, and the
 * outcomes the close sends (`visits` of `POST /api/sessions/{id}/close`). Pure functions, no
 * framework (unit-tested).
 */

/** What the closer chose for one visit, as typed. */
export interface VisitChoice {
  outcome: VisitCloseOutcome | '';
  /** Handover: the session that continues the visit. */
  sessionId: string;
  /** Left: why. */
  reason: string;
}

export const EMPTY_CHOICE: VisitChoice = { outcome: '', sessionId: '', reason: '' };

/** The shortest reason the server takes for a person who left. */
export const LEFT_REASON_MIN = 3;
export const LEFT_REASON_MAX = 500;

/** The visits not done — waiting, in screening, vaccinated, in observation — in queue order. */
export function unfinishedVisits(visits: readonly BoardVisit[]): BoardVisit[] {
  return visits.filter((v) => isUnfinishedVisit(v.status)).sort((a, b) => a.queueNumber - b.queueNumber);
}

/** An observation whose 30 minutes are over may simply end (done) at the close. */
export function observationOver(visit: Pick<BoardVisit, 'status' | 'observationUntil'>, now: number): boolean {
  return visit.status === 'observing' && isObservationOver(visit.observationUntil, now);
}

/**
 * The other open sessions of the facility people can be handed over to, the next one first: those
 * on the session's day or later by date (then by opening), then earlier ones still open.
 */
export function handoverTargets(
  sessions: readonly Session[],
  current: Pick<Session, 'id' | 'facilityId' | 'sessionDate'>,
) {
  const open = sessions.filter(
    (s) => s.id !== current.id && s.facilityId === current.facilityId && s.status === 'open',
  );
  const later = open
    .filter((s) => s.sessionDate >= current.sessionDate)
    .sort((a, b) => a.sessionDate.localeCompare(b.sessionDate) || a.openedAt.localeCompare(b.openedAt));
  const earlier = open
    .filter((s) => s.sessionDate < current.sessionDate)
    .sort((a, b) => b.sessionDate.localeCompare(a.sessionDate));
  return [...later, ...earlier];
}

export type ChoiceError = 'outcome' | 'session' | 'reason';

/**
 * The close's `visits` from the choices, or what is missing for which visit (in queue order): an
 * outcome; for a handover, the session; for a person who left, a reason of 3 to 500 characters.
 */
export function closeOutcomes(
  visits: readonly Pick<BoardVisit, 'id'>[],
  choices: Readonly<Record<string, VisitChoice>>,
): { outcomes: VisitCloseOutcomeBody[]; errors: Record<string, ChoiceError> } {
  const outcomes: VisitCloseOutcomeBody[] = [];
  const errors: Record<string, ChoiceError> = {};
  for (const v of visits) {
    const c = choices[v.id] ?? EMPTY_CHOICE;
    if (c.outcome === 'handover') {
      if (c.sessionId) outcomes.push({ visitId: v.id, outcome: 'handover', sessionId: c.sessionId });
      else errors[v.id] = 'session';
    } else if (c.outcome === 'left') {
      const reason = c.reason.trim();
      if (reason.length >= LEFT_REASON_MIN && reason.length <= LEFT_REASON_MAX)
        outcomes.push({ visitId: v.id, outcome: 'left', reason });
      else errors[v.id] = 'reason';
    } else if (c.outcome === 'done') {
      outcomes.push({ visitId: v.id, outcome: 'done' });
    } else {
      errors[v.id] = 'outcome';
    }
  }
  return { outcomes, errors };
}
