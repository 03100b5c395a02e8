import { describe, expect, it } from 'vitest';
import type { Session } from './api';
import { closeOutcomes, handoverTargets, observationOver, unfinishedVisits } from './closeVisits';
import type { BoardVisit } from './offline/board';

const visit = (id: string, queueNumber: number, status: BoardVisit['status'], observationUntil: string | null = null) =>
  ({ id, queueNumber, status, observationUntil }) as BoardVisit;

const session = (id: string, sessionDate: string, status: Session['status'] = 'open', facilityId = 'DT-CL-01') =>
  ({
    id,
    facilityId,
    sessionDate,
    status,
    name: null,
    openedBy: null,
    openedAt: `${sessionDate}T01:00:00Z`,
    closedAt: null,
  }) as Session;

describe('closing a session with people not done', () => {
  it('lists those waiting, in screening, vaccinated or in observation, in queue order', () => {
    const visits = [
      visit('d', 4, 'observing'),
      visit('a', 1, 'done'),
      visit('b', 2, 'waiting'),
      visit('e', 5, 'postponed'),
      visit('c', 3, 'screening'),
      visit('f', 6, 'left'),
      visit('g', 7, 'vaccinated'),
      visit('h', 8, 'handed_over'),
    ];
    expect(unfinishedVisits(visits).map((v) => v.id)).toEqual(['b', 'c', 'd', 'g']);
  });

  it('offers an observation to end once its 30 minutes are over', () => {
    const now = Date.parse('2021-11-20T10:00:00Z');
    expect(observationOver(visit('a', 1, 'observing', '2021-11-20T09:59:59Z'), now)).toBe(true);
    expect(observationOver(visit('a', 1, 'observing', '2021-11-20T10:00:01Z'), now)).toBe(false);
    expect(observationOver(visit('a', 1, 'waiting', '2021-11-20T09:00:00Z'), now)).toBe(false);
    expect(observationOver(visit('a', 1, 'observing', null), now)).toBe(false);
  });

  it('hands over to the next open session of the facility first', () => {
    const current = session('now', '2021-11-20');
    const sessions = [
      current,
      session('closed', '2021-11-21', 'closed'),
      session('later', '2021-11-23'),
      session('tomorrow', '2021-11-21'),
      session('elsewhere', '2021-11-21', 'open', 'DT-SD-01'),
      session('same-day', '2021-11-20'),
      session('stale', '2021-11-18'),
    ];
    expect(handoverTargets(sessions, current).map((s) => s.id)).toEqual(['same-day', 'tomorrow', 'later', 'stale']);
    expect(handoverTargets([current], current)).toEqual([]);
  });

  it('builds the close’s outcomes, or says what is missing for whom', () => {
    const visits = [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }];
    expect(
      closeOutcomes(visits, {
        a: { outcome: 'handover', sessionId: 's2', reason: '' },
        b: { outcome: 'left', sessionId: '', reason: '  Không chờ được  ' },
        c: { outcome: 'done', sessionId: '', reason: '' },
        d: { outcome: 'handover', sessionId: 's3', reason: 'ignored' },
      }),
    ).toEqual({
      outcomes: [
        { visitId: 'a', outcome: 'handover', sessionId: 's2' },
        { visitId: 'b', outcome: 'left', reason: 'Không chờ được' },
        { visitId: 'c', outcome: 'done' },
        { visitId: 'd', outcome: 'handover', sessionId: 's3' },
      ],
      errors: {},
    });
    expect(
      closeOutcomes(visits, {
        a: { outcome: 'handover', sessionId: '', reason: '' },
        b: { outcome: 'left', sessionId: '', reason: ' ok ' },
        c: { outcome: '', sessionId: '', reason: '' },
      }).errors,
    ).toEqual({ a: 'session', b: 'reason', c: 'outcome', d: 'outcome' });
  });
});
