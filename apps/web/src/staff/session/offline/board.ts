/**
 * The board as the site sees it: the server's board (or its last saved copy) with the requests
 * still queued on this device applied on top, so that work done offline shows at once. Pure
 * functions, no framework.
 */
import { OBSERVATION_MS } from '@tiemchung/core';
import type { Board, Dose, Tally, Visit, VisitStatus } from '../api';
import { bySeq, type QueueItem, type QueueKind } from './queue';

/** The observation after a dose (the core rule, as the server applies it). */
export { OBSERVATION_MS };

/** A visit on the board, with what this device has not sent yet. */
export interface BoardVisit extends Visit {
  /** Requests of this visit still queued here (the card says "Chờ đồng bộ"). */
  pending: QueueKind[];
  /** A request of this visit the server refused (the card says "Bị từ chối"). */
  refused: QueueItem | null;
  /** Vaccine and lot of a dose recorded here but not sent yet. */
  pendingDose?: { vaccineCode: string; lotNumber: string } | undefined;
}

export interface BoardView extends Omit<Board, 'visits'> {
  visits: BoardVisit[];
}

const OUTCOME_STATUS: Record<string, VisitStatus> = {
  vaccinate: 'screening',
  postpone: 'postponed',
  refer: 'referred',
};

/** The status counts of the tally, recounted from the visits (doses counted as given). */
export function recount(visits: readonly Visit[], tally: Tally): Tally {
  const count = (status: VisitStatus) => visits.filter((v) => v.status === status).length;
  return {
    ...tally,
    checkedIn: visits.length,
    waiting: count('waiting'),
    screened: count('screening'),
    observing: count('observing'),
    done: count('done'),
    postponed: count('postponed'),
    referred: count('referred'),
    left: count('left'),
    handedOver: count('handed_over'),
  };
}

function addDose(tally: Tally, vaccineCode: string): Tally {
  return {
    ...tally,
    vaccinated: tally.vaccinated + 1,
    byVaccine: { ...tally.byVaccine, [vaccineCode]: (tally.byVaccine[vaccineCode] ?? 0) + 1 },
  };
}

/**
 * When the observation of doses given offline really ends, by visit: the server starts the 30
 * minutes when it receives the dose, this device knows when the nurse recorded it.
 */
export type LocalObservation = Readonly<Record<string, string>>;

/** The earlier of the server's end of observation and the one this device recorded. */
function observationEnd(visit: Visit, local: LocalObservation): string | null {
  const mine = local[visit.id];
  if (!mine || !visit.observationUntil) return visit.observationUntil;
  return Date.parse(mine) < Date.parse(visit.observationUntil) ? mine : visit.observationUntil;
}

/** The board with the queued requests of its session applied (refused ones only marked). */
export function applyQueue(board: Board, items: readonly QueueItem[], local: LocalObservation = {}): BoardView {
  const visits: BoardVisit[] = board.visits.map((v) => ({
    ...v,
    observationUntil: observationEnd(v, local),
    pending: [],
    refused: null,
  }));
  let tally = board.tally;
  const find = (item: QueueItem) => visits.find((v) => v.id === item.visitId);
  for (const item of items.filter((i) => i.sessionId === board.session.id).sort(bySeq)) {
    if (item.state === 'refused') {
      const visit = find(item);
      if (visit && !visit.refused) visit.refused = item;
      continue;
    }
    // Requests waiting behind a refused one of the same visit are not in effect either.
    const visit = find(item);
    if (visit?.refused) {
      visit.pending.push(item.kind);
      continue;
    }
    switch (item.kind) {
      case 'checkIn': {
        if (visit || visits.some((v) => v.personId === item.personId)) break;
        visits.push({
          id: item.visitId,
          sessionId: item.sessionId,
          personId: item.personId,
          queueNumber: Math.max(0, ...visits.map((v) => v.queueNumber)) + 1,
          status: 'waiting',
          checkInMethod: item.method,
          checkedInAt: new Date(item.createdAt).toISOString(),
          screeningOutcome: null,
          screeningReason: null,
          doseId: null,
          observationUntil: null,
          doneAt: null,
          person: item.person,
          pending: ['checkIn'],
          refused: null,
        });
        break;
      }
      case 'screening': {
        if (!visit) break;
        visit.pending.push('screening');
        if (visit.doseId) break; // the server has a dose already: the screening cannot change
        visit.status = OUTCOME_STATUS[item.body.outcome] ?? visit.status;
        visit.screeningOutcome = item.body.outcome;
        visit.screeningReason = item.body.reason ?? null;
        break;
      }
      case 'dose': {
        if (!visit) break;
        visit.pending.push('dose');
        if (visit.doseId) break; // already recorded on the server (the answer was lost)
        visit.status = 'observing';
        visit.observationUntil = new Date(item.createdAt + OBSERVATION_MS).toISOString();
        visit.pendingDose = { vaccineCode: item.body.vaccineCode, lotNumber: item.body.lotNumber };
        tally = addDose(tally, item.body.vaccineCode);
        break;
      }
      case 'complete': {
        if (!visit) break;
        visit.pending.push('complete');
        if (visit.status === 'observing') {
          visit.status = 'done';
          visit.doneAt = new Date(item.createdAt).toISOString();
        }
        break;
      }
    }
  }
  return { ...board, visits, tally: recount(visits, tally) };
}

/**
 * The board after the server answered a request: its visit replaced (the board's person kept,
 * as answers carry none), a new dose counted.
 */
export function mergeVisit(board: Board, visit: Visit, dose?: Pick<Dose, 'vaccineCode'>): Board {
  const old = board.visits.find((v) => v.id === visit.id) ?? board.visits.find((v) => v.personId === visit.personId);
  const merged: Visit = { ...old, ...visit, person: visit.person ?? old?.person };
  const visits = old ? board.visits.map((v) => (v === old ? merged : v)) : [...board.visits, merged];
  let tally = board.tally;
  if (dose && !old?.doseId && visit.doseId) tally = addDose(tally, dose.vaccineCode);
  return { ...board, visits, tally: recount(visits, tally) };
}

/**
 * The end of observation to remember after the server took a dose recorded here earlier (offline):
 * when the nurse recorded it plus 30 minutes, if that is sooner than the server's; else null.
 */
export function localObservationEnd(item: QueueItem, response: unknown): string | null {
  if (item.kind !== 'dose') return null;
  const server = (response as { visit?: Visit } | null)?.visit?.observationUntil;
  const mine = item.createdAt + OBSERVATION_MS;
  if (!server || Date.parse(server) - mine < 1_000) return null;
  return new Date(mine).toISOString();
}

/** The board after a request was answered, from the request and the server's answer. */
export function mergeAnswer(board: Board, item: QueueItem, response: unknown): Board {
  if (item.sessionId !== board.session.id || typeof response !== 'object' || response === null) return board;
  if (item.kind === 'checkIn' || item.kind === 'complete') {
    const visit = response as Visit;
    if (!visit.id) return board;
    return mergeVisit(board, { ...visit, person: visit.person ?? (item.kind === 'checkIn' ? item.person : undefined) });
  }
  const answer = response as { visit?: Visit; dose?: Dose };
  if (!answer.visit) return board;
  return mergeVisit(board, answer.visit, item.kind === 'dose' ? (answer.dose ?? item.body) : undefined);
}
