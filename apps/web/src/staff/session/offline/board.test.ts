import { describe, expect, it } from 'vitest';
import type { Board, Visit } from '../api';
import { applyQueue, localObservationEnd, mergeAnswer, OBSERVATION_MS } from './board';
import type { QueueItem, QueueOp } from './queue';

const T0 = Date.parse('2021-11-20T08:00:00Z');

function visit(id: string, status: Visit['status'], extra: Partial<Visit> = {}): Visit {
  return {
    id,
    sessionId: 's1',
    personId: `p-${id}`,
    queueNumber: Number(id.replace(/\D/g, '')) || 1,
    status,
    checkInMethod: 'search',
    checkedInAt: new Date(T0).toISOString(),
    screeningOutcome: status === 'waiting' ? null : 'vaccinate',
    screeningReason: null,
    doseId: null,
    observationUntil: null,
    doneAt: null,
    person: { fullName: `Person ${id}`, dateOfBirth: '1990-01-01', gender: 'female' },
    ...extra,
  };
}

function board(visits: Visit[], vaccinated = 0): Board {
  return {
    session: {
      id: 's1',
      facilityId: 'DT-CL-01',
      sessionDate: '2021-11-20',
      name: null,
      status: 'open',
      openedBy: 'caolanh.tiem',
      openedAt: new Date(T0).toISOString(),
      closedAt: null,
    },
    visits,
    tally: {
      checkedIn: visits.length,
      waiting: 0,
      screened: 0,
      observing: 0,
      done: 0,
      postponed: 0,
      referred: 0,
      vaccinated,
      byVaccine: vaccinated ? { 'EU/1/20/1528': vaccinated } : {},
    },
    lots: [],
  };
}

let seq = 0;
function item(op: QueueOp, extra: Partial<QueueItem> = {}): QueueItem {
  seq += 1;
  return {
    ...op,
    id: `${op.kind}:${op.visitId}`,
    seq,
    createdAt: T0 + seq * 1000,
    rev: String(seq),
    state: 'pending',
    attempts: 0,
    ...extra,
  } as QueueItem;
}

const base = { sessionId: 's1', personName: 'x' };
const doseOp = (visitId: string): QueueOp => ({
  ...base,
  kind: 'dose',
  visitId,
  personId: `p-${visitId}`,
  body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587' },
  idempotencyKey: `k-${visitId}`,
});

describe('applyQueue', () => {
  it('shows queued check-in, screening, dose and completion at once', () => {
    const checkIn = item({
      ...base,
      kind: 'checkIn',
      visitId: 'v9',
      personId: 'p-v9',
      method: 'cccd_qr',
      person: { fullName: 'Nguyễn Văn An', dateOfBirth: '1980-02-02', gender: 'male' },
    });
    const screening = item({
      ...base,
      kind: 'screening',
      visitId: 'v1',
      personId: 'p-v1',
      body: { answers: {}, vitals: {}, outcome: 'postpone', reason: 'Sốt' },
    });
    const dose = item(doseOp('v2'));
    const complete = item({ ...base, kind: 'complete', visitId: 'v3', personId: 'p-v3' });
    const view = applyQueue(
      board([visit('v1', 'waiting'), visit('v2', 'screening'), visit('v3', 'observing', { doseId: 'd3' })], 1),
      [checkIn, screening, dose, complete],
    );
    const byId = Object.fromEntries(view.visits.map((v) => [v.id, v]));
    expect(byId.v9).toMatchObject({
      status: 'waiting',
      queueNumber: 4,
      pending: ['checkIn'],
      person: { fullName: 'Nguyễn Văn An' },
    });
    expect(byId.v1).toMatchObject({ status: 'postponed', screeningReason: 'Sốt', pending: ['screening'] });
    expect(byId.v2).toMatchObject({
      status: 'observing',
      pending: ['dose'],
      pendingDose: { lotNumber: 'FF2587' },
      observationUntil: new Date(dose.createdAt + OBSERVATION_MS).toISOString(),
    });
    expect(byId.v3).toMatchObject({ status: 'done', pending: ['complete'] });
    expect(view.tally).toMatchObject({ checkedIn: 4, waiting: 1, postponed: 1, observing: 1, done: 1, vaccinated: 2 });
    expect(view.tally.byVaccine['EU/1/20/1528']).toBe(2);
  });

  it('leaves what the server refused out, marked on the card, with what waits behind it', () => {
    const refused = item(doseOp('v2'), { state: 'refused', error: { status: 422, code: 'x', message: 'Không' } });
    const complete = item({ ...base, kind: 'complete', visitId: 'v2', personId: 'p-v2' });
    const view = applyQueue(board([visit('v2', 'screening')]), [refused, complete]);
    expect(view.visits[0]).toMatchObject({ status: 'screening', refused: { id: 'dose:v2' }, pending: ['complete'] });
    expect(view.tally.vaccinated).toBe(0);
  });

  it('counts a dose once when the server already has it (its answer was lost)', () => {
    const view = applyQueue(board([visit('v2', 'observing', { doseId: 'd2' })], 1), [item(doseOp('v2'))]);
    expect(view.tally.vaccinated).toBe(1);
    expect(view.visits[0]?.pendingDose).toBeUndefined();
  });

  it('does not check in twice a person the board already has, nor apply other sessions’ requests', () => {
    const again = item({
      ...base,
      kind: 'checkIn',
      visitId: 'other',
      personId: 'p-v1',
      method: 'search',
      person: { fullName: 'Person v1', dateOfBirth: '1990-01-01', gender: 'female' },
    });
    const elsewhere = item({ ...doseOp('v1'), sessionId: 's2' });
    const view = applyQueue(board([visit('v1', 'screening')]), [again, elsewhere]);
    expect(view.visits).toHaveLength(1);
    expect(view.visits[0]?.status).toBe('screening');
  });
});

describe('mergeAnswer', () => {
  it('takes the server’s visit, keeps the person and counts the new dose once', () => {
    const b = board([visit('v2', 'screening')]);
    const answer = {
      visit: { ...visit('v2', 'observing', { doseId: 'd2' }), person: undefined },
      dose: { vaccineCode: 'EU/1/20/1528' },
    };
    const merged = mergeAnswer(b, item(doseOp('v2')), answer);
    expect(merged.visits[0]).toMatchObject({ status: 'observing', doseId: 'd2', person: { fullName: 'Person v2' } });
    expect(merged.tally.vaccinated).toBe(1);
    expect(mergeAnswer(merged, item(doseOp('v2')), answer).tally.vaccinated).toBe(1);
  });

  it('adds a visit checked in here with the person it was made for', () => {
    const op: QueueOp = {
      ...base,
      kind: 'checkIn',
      visitId: 'v7',
      personId: 'p-v7',
      method: 'search',
      person: { fullName: 'Lê Thị Bảy', dateOfBirth: '1970-07-07', gender: 'female' },
    };
    const answer = { ...visit('v7', 'waiting', { queueNumber: 7 }), person: undefined };
    const merged = mergeAnswer(board([]), item(op), answer);
    expect(merged.visits[0]).toMatchObject({ id: 'v7', queueNumber: 7, person: { fullName: 'Lê Thị Bảy' } });
    expect(merged.tally.checkedIn).toBe(1);
  });
});

describe('observation of doses given offline', () => {
  it('keeps the 30 minutes from when the nurse recorded the dose, not from when the server got it', () => {
    const queued = item(doseOp('v2'));
    const receivedLater = new Date(queued.createdAt + 20 * 60_000 + OBSERVATION_MS).toISOString();
    const answer = { visit: visit('v2', 'observing', { doseId: 'd2', observationUntil: receivedLater }) };
    const end = localObservationEnd(queued, answer);
    expect(end).toBe(new Date(queued.createdAt + OBSERVATION_MS).toISOString());
    const view = applyQueue(board([answer.visit], 1), [], { v2: end! });
    expect(view.visits[0]?.observationUntil).toBe(end);
    // Sent at once (online): nothing to remember; a later local time never extends the server's.
    const onTime = {
      visit: { ...answer.visit, observationUntil: new Date(queued.createdAt + OBSERVATION_MS).toISOString() },
    };
    expect(localObservationEnd(queued, onTime)).toBeNull();
    expect(applyQueue(board([onTime.visit]), [], { v2: receivedLater }).visits[0]?.observationUntil).toBe(
      onTime.visit.observationUntil,
    );
  });
});
