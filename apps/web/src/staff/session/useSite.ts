import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { peopleApi } from '../reception/api';
import { type Board, sessionApi } from './api';
import { applyQueue, type BoardView, mergeAnswer } from './offline/board';
import type { QueueItem, SyncSnapshot } from './offline/queue';
import {
  type Cached,
  cachedGet,
  cacheKeys,
  localObservation,
  onLocalObservation,
  rememberBoardPeople,
  siteSync,
} from './offline/siteSync';

/**
 * react-query keys of the site's data. Every query here runs whatever the browser says about the
 * network (`networkMode: 'always'`) and falls back to the copy saved in IndexedDB.
 */
export const siteKeys = {
  all: ['site'] as const,
  board: (id: string) => ['site', 'board', id] as const,
  sessions: (facilityId: string) => ['site', 'sessions', facilityId] as const,
  lots: (facilityId: string) => ['site', 'lots', facilityId] as const,
  doses: (personId: string) => ['site', 'doses', personId] as const,
  observation: (sessionId: string) => ['site', 'observation', sessionId] as const,
  person: (personId: string) => ['site', 'person', personId] as const,
  facilities: ['site', 'facilities'] as const,
  invited: (facilityId: string, day: string) => ['site', 'invited', facilityId, day] as const,
};

/** While online the board is read again this often (other desks of the site work on it too). */
const BOARD_REFRESH_MS = 10_000;

export const boardQuery = (id: string) =>
  queryOptions({
    queryKey: siteKeys.board(id),
    queryFn: async ({ signal }): Promise<Cached<Board>> => {
      const result = await cachedGet(cacheKeys.board(id), () => sessionApi.board(id, signal));
      if (!result.fromCache) rememberBoardPeople(result.value);
      return result;
    },
    networkMode: 'always',
    staleTime: 3_000,
    refetchInterval: BOARD_REFRESH_MS,
  });

export const sessionsQuery = (facilityId: string, from: string) =>
  queryOptions({
    queryKey: [...siteKeys.sessions(facilityId), from],
    queryFn: ({ signal }) =>
      cachedGet(cacheKeys.sessions(facilityId), () => sessionApi.list({ facilityId, from }, signal)),
    networkMode: 'always',
    enabled: facilityId !== '',
  });

export const lotsQuery = (facilityId: string) =>
  queryOptions({
    queryKey: siteKeys.lots(facilityId),
    queryFn: ({ signal }) => cachedGet(cacheKeys.lots(facilityId), () => sessionApi.lots(facilityId, signal)),
    networkMode: 'always',
    enabled: facilityId !== '',
  });

export const dosesQuery = (personId: string) =>
  queryOptions({
    queryKey: siteKeys.doses(personId),
    queryFn: ({ signal }) => cachedGet(cacheKeys.doses(personId), () => sessionApi.doses(personId, signal)),
    networkMode: 'always',
    staleTime: 10_000,
  });

export const personQuery = (personId: string) =>
  queryOptions({
    queryKey: siteKeys.person(personId),
    queryFn: ({ signal }) => cachedGet(cacheKeys.person(personId), () => peopleApi.get(personId, signal)),
    networkMode: 'always',
    staleTime: 30_000,
  });

export const facilitiesQuery = () =>
  queryOptions({
    queryKey: siteKeys.facilities,
    queryFn: ({ signal }) => cachedGet(cacheKeys.facilities, () => sessionApi.facilities(signal)),
    networkMode: 'always',
    staleTime: 60 * 60_000,
  });

/** The queue's state (requests not sent, sending, network). */
export function useSyncSnapshot(): SyncSnapshot {
  const queue = siteSync();
  return useSyncExternalStore(queue.subscribe, queue.getSnapshot);
}

/** Whether the site works without the server now (no network, or the server did not answer). */
export function isOffline(snapshot: Pick<SyncSnapshot, 'online' | 'reachable'>): boolean {
  return !snapshot.online || !snapshot.reachable;
}

/** The requests of one session still on this device. */
export function useSessionItems(sessionId: string): QueueItem[] {
  const { items } = useSyncSnapshot();
  return useMemo(() => items.filter((i) => i.sessionId === sessionId), [items, sessionId]);
}

/** The board with this device's queued requests applied, and where it came from. */
export function useBoardView(sessionId: string) {
  const query = useQuery(boardQuery(sessionId));
  const observation = useQuery({
    queryKey: siteKeys.observation(sessionId),
    queryFn: () => localObservation(sessionId),
    networkMode: 'always',
    staleTime: Number.POSITIVE_INFINITY,
  });
  const { items } = useSyncSnapshot();
  const board = query.data?.value;
  const local = observation.data;
  const view: BoardView | undefined = useMemo(
    () => (board ? applyQueue(board, items, local) : undefined),
    [board, items, local],
  );
  return { query, view, fromCache: query.data?.fromCache ?? false, savedAt: query.data?.savedAt ?? null };
}

/**
 * Keeps the board queries in step with the queue: an answer is merged into the board at once
 * (so a card does not jump back between the answer and the next read), and the boards are read
 * again when the queue has been sent.
 */
export function useQueueBridge(): void {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      onLocalObservation((sessionId) => {
        void queryClient.invalidateQueries({ queryKey: siteKeys.observation(sessionId) });
      }),
    [queryClient],
  );
  useEffect(
    () =>
      siteSync().onEvent((event) => {
        if (event.type === 'sent') {
          const key = siteKeys.board(event.item.sessionId);
          void queryClient.cancelQueries({ queryKey: key });
          queryClient.setQueryData<Cached<Board>>(key, (old) =>
            old ? { ...old, value: mergeAnswer(old.value, event.item, event.response) } : old,
          );
          if (event.item.kind === 'dose')
            void queryClient.invalidateQueries({ queryKey: siteKeys.doses(event.item.personId) });
        } else if (event.type === 'drained') {
          void queryClient.invalidateQueries({ queryKey: ['site', 'board'] });
        }
      }),
    [queryClient],
  );
}

/** The current time, updated every `intervalMs` (one timer per component using it). */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
