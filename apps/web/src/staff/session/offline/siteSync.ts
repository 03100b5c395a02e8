/**
 * The page's one {@link SyncQueue}, wired to the browser: requests go to the API client, the queue
 * lives in IndexedDB, `online` / `offline` events start and pause sending, other tabs are told of
 * changes (BroadcastChannel) and only one tab sends at a time (Web Locks). Answers the server gave
 * are written into the saved copy of the board at once.
 */
import { isApiError } from '../../../api/client';
import { type Board, sessionApi, type Visit } from '../api';
import { type LocalObservation, localObservationEnd, mergeAnswer } from './board';
import { knownFromVisit } from './people';
import { type QueueError, type QueueItem, type SendResult, SyncQueue } from './queue';
import { queueStorage, readCache, rememberPeople, updateCache, writeCache } from './store';

/** A request with no answer after this long is given up and retried later (stays queued). */
const SEND_TIMEOUT_MS = 20_000;

/** A random UUID (v4); `crypto.randomUUID` where the page is a secure context. */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const cacheKeys = {
  board: (sessionId: string) => `board:${sessionId}`,
  sessions: (facilityId: string) => `sessions:${facilityId}`,
  lots: (facilityId: string) => `lots:${facilityId}`,
  doses: (personId: string) => `doses:${personId}`,
  observation: (sessionId: string) => `observation:${sessionId}`,
  person: (personId: string) => `person:${personId}`,
  facilities: 'facilities',
};

/** A failed request as the queue records it (with every broken dose rule of a 422). */
export function describeError(error: unknown): QueueError {
  if (isApiError(error)) {
    const violations = (error.body as { violations?: unknown }).violations;
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      field: error.field,
      violations: Array.isArray(violations) ? violations : undefined,
    };
  }
  // Aborted after SEND_TIMEOUT_MS, or a failure before any answer: try again later.
  return { status: 0, code: 'network_error', message: error instanceof Error ? error.message : String(error) };
}

async function send(item: QueueItem): Promise<SendResult> {
  const signal = AbortSignal.timeout(SEND_TIMEOUT_MS);
  switch (item.kind) {
    case 'checkIn': {
      const visit = await sessionApi.checkIn(
        item.sessionId,
        { id: item.visitId, personId: item.personId, method: item.method },
        signal,
      );
      return { response: visit, visitId: visit.id };
    }
    case 'screening': {
      const answer = await sessionApi.screening(item.visitId, item.body, signal);
      return { response: answer, visitId: answer.visit.id };
    }
    case 'dose': {
      const answer = await sessionApi.dose(item.visitId, item.body, item.idempotencyKey, signal);
      return { response: answer, visitId: answer.visit.id };
    }
    case 'complete': {
      const visit = await sessionApi.complete(item.visitId, signal);
      return { response: visit, visitId: visit.id };
    }
  }
}

function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? locks.request('tiemchung-site-sync', fn) : fn();
}

let instance: SyncQueue | null = null;

/** The page's queue (made, and its stored requests sent, on first use). */
export function siteSync(): SyncQueue {
  if (instance) return instance;
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('tiemchung-site-queue');
  const queue = new SyncQueue({
    storage: queueStorage,
    send,
    describeError,
    isOnline: () => navigator.onLine,
    lock: withLock,
    onStoredChange: () => channel?.postMessage('changed'),
  });
  channel?.addEventListener('message', () => void queue.reload());
  window.addEventListener('online', () => queue.setOnline(true));
  window.addEventListener('offline', () => queue.setOnline(false));
  queue.onEvent((event) => {
    if (event.type !== 'sent') return;
    void updateCache<Board>(cacheKeys.board(event.item.sessionId), (board) =>
      mergeAnswer(board, event.item, event.response),
    );
    const end = localObservationEnd(event.item, event.response);
    if (end) void rememberObservation(event.item.sessionId, event.item.visitId, end);
  });
  instance = queue;
  void queue.ready().then(() => queue.sync());
  return queue;
}

/** A value read from the server, or its last saved copy when the server cannot be reached. */
export interface Cached<T> {
  value: T;
  savedAt: number;
  /** True when this is the saved copy (no network). */
  fromCache: boolean;
}

/**
 * Reads from the server and keeps a copy; without network (status 0) answers the copy instead.
 * Other failures (4xx, 5xx) are errors as usual.
 */
export async function cachedGet<T>(key: string, fetcher: () => Promise<T>): Promise<Cached<T>> {
  try {
    const value = await fetcher();
    siteSync().noteReachable(true);
    const savedAt = Date.now();
    void writeCache(key, value, savedAt);
    return { value, savedAt, fromCache: false };
  } catch (error) {
    if (isApiError(error) && error.status === 0) {
      siteSync().noteReachable(false);
      const entry = await readCache<T>(key);
      if (entry) return { ...entry, fromCache: true };
    }
    throw error;
  }
}

/** The ends of observation of doses given offline in a session (see {@link localObservationEnd}). */
export async function localObservation(sessionId: string): Promise<LocalObservation> {
  return (await readCache<LocalObservation>(cacheKeys.observation(sessionId)))?.value ?? {};
}

async function rememberObservation(sessionId: string, visitId: string, end: string): Promise<void> {
  const current = await localObservation(sessionId);
  await writeCache(cacheKeys.observation(sessionId), { ...current, [visitId]: end });
  observationListeners.forEach((listener) => {
    listener(sessionId);
  });
}

const observationListeners = new Set<(sessionId: string) => void>();

/** Called when an end of observation was remembered for a session. */
export function onLocalObservation(listener: (sessionId: string) => void): () => void {
  observationListeners.add(listener);
  return () => observationListeners.delete(listener);
}

/** Remembers the people of a board (to check them in again offline). */
export function rememberBoardPeople(board: Board): void {
  const now = Date.now();
  void rememberPeople(
    board.visits
      .filter((v): v is Visit & { person: NonNullable<Visit['person']> } => Boolean(v.person))
      .map((v) => knownFromVisit(v.personId, v.person, now)),
  );
}
