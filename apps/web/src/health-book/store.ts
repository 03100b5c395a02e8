import { useSyncExternalStore } from 'react';
import { isApiError } from '../api/client';
import { bookApi, SIGNED_OUT } from './api';
import { mergeHousehold, parseBook, type StoredBook, serializeBook } from './book';

/**
 * The book on this device (localStorage `tiemchung.healthBook`, see book.ts) and its sync with
 * the server: read at once, shown offline, refreshed when the book opens, when the network comes
 * back, when the page is shown again, and after every change made from the book. Tabs of the same
 * browser see each other's changes (the `storage` event).
 */
export const BOOK_STORAGE_KEY = 'tiemchung.healthBook';

export type SyncState =
  /** The last sync succeeded (or none was tried yet on this page). */
  | { status: 'idle' }
  | { status: 'syncing' }
  /** The browser says it has no network: no request is made. */
  | { status: 'offline' }
  /** No answer, or the server failed (5xx): the stored book is shown. */
  | { status: 'unreachable' }
  /** Another refusal, with the server's message. */
  | { status: 'failed'; message: string };

interface State {
  /** undefined until read (pre-rendering, hydration); null when nothing is stored. */
  book: StoredBook | null | undefined;
  sync: SyncState;
  /** The server said this device is signed out (revoked, expired): the book was forgotten. */
  signedOut: boolean;
}

let state: State = { book: undefined, sync: { status: 'idle' }, signedOut: false };
let raw: string | null = null;
const listeners = new Set<() => void>();
let inFlight: Promise<void> | null = null;
/** A sync asked for while one was running: it runs after it (a change made meanwhile is then seen). */
let queued: Promise<void> | null = null;
/** Counts the times the book was forgotten: a sync that began before one must not bring it back. */
let forgotten = 0;

function set(next: Partial<State>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

function readStorage(): StoredBook | null {
  try {
    const value = window.localStorage.getItem(BOOK_STORAGE_KEY);
    if (value === raw && state.book !== undefined) return state.book;
    raw = value;
    return parseBook(value);
  } catch {
    return null; // storage disabled: the book lasts for this page only
  }
}

function writeStorage(book: StoredBook | null): void {
  try {
    if (book) {
      raw = serializeBook(book);
      window.localStorage.setItem(BOOK_STORAGE_KEY, raw);
    } else {
      raw = null;
      window.localStorage.removeItem(BOOK_STORAGE_KEY);
    }
  } catch {
    // full or disabled: kept in memory for this page
  }
}

function onStorage(event: StorageEvent): void {
  if (event.key === BOOK_STORAGE_KEY || event.key === null) set({ book: readStorage() });
}

function onOnline(): void {
  void syncBook();
}

function onOffline(): void {
  if (state.sync.status !== 'syncing') set({ sync: { status: 'offline' } });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1) {
    window.addEventListener('storage', onStorage);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      window.removeEventListener('storage', onStorage);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    }
  };
}

function snapshot(): State {
  if (state.book === undefined) state = { ...state, book: readStorage() };
  return state;
}

/** Pre-rendering and hydration: nothing is known of the device yet. */
const serverState: State = { book: undefined, sync: { status: 'idle' }, signedOut: false };
const serverSnapshot = () => serverState;

/** The stored book, the sync's state and whether the server signed this device out. */
export function useBookState(): State {
  return useSyncExternalStore(subscribe, snapshot, serverSnapshot);
}

/** Replaces the stored book (after a change the server confirmed, until the next sync). */
export function storeBook(book: StoredBook): void {
  writeStorage(book);
  set({ book, signedOut: false });
}

/** Forgets the book on this device (sign-out, or the server ended the device's session). */
export function forgetBook(signedOut = false): void {
  forgotten++;
  inFlight = null;
  queued = null;
  writeStorage(null);
  set({ book: null, signedOut, sync: { status: 'idle' } });
}

/** The book as stored now. */
export function currentBook(): StoredBook | null {
  return snapshot().book ?? null;
}

/**
 * Asks the server for the household and stores it (with the replaced certificates marked). Not
 * when the browser is offline (the stored book stays); a signed-out answer forgets the book.
 * Asked while a sync runs, another follows it, so that a change just made (a member removed) is
 * not undone by the answer already on its way. Resolves once done, whatever the outcome (the
 * state says it).
 */
export function syncBook(): Promise<void> {
  if (inFlight) {
    const generation = forgotten;
    queued ??= inFlight.then(() => {
      queued = null;
      return generation === forgotten ? syncBook() : undefined;
    });
    return queued;
  }
  if (typeof navigator !== 'undefined' && !navigator.onLine) {
    set({ sync: { status: 'offline' } });
    return Promise.resolve();
  }
  set({ sync: { status: 'syncing' } });
  const generation = forgotten;
  const request = bookApi
    .household()
    .then(
      (household) => {
        // Signed out meanwhile (the answer was on its way): it stays forgotten.
        if (generation !== forgotten) return;
        const book = mergeHousehold(currentBook(), household);
        writeStorage(book);
        set({ book, sync: { status: 'idle' }, signedOut: false });
      },
      (error: unknown) => {
        if (generation !== forgotten) return;
        if (isApiError(error) && (error.code === SIGNED_OUT || error.status === 401)) forgetBook(true);
        else if (!isApiError(error) || error.status === 0 || error.status >= 500)
          set({ sync: { status: 'unreachable' } });
        else set({ sync: { status: 'failed', message: error.message } });
      },
    )
    .finally(() => {
      if (inFlight === request) inFlight = null;
    });
  inFlight = request;
  return request;
}

/** An API error that means this device is no longer signed in: the book is then forgotten. */
export function handleSignedOut(error: unknown): boolean {
  if (isApiError(error) && (error.code === SIGNED_OUT || error.status === 401)) {
    forgetBook(true);
    return true;
  }
  return false;
}

/** The stored book, for the screens shown only while there is one (null for the instant it is forgotten). */
export function useBook(): StoredBook | null {
  return useBookState().book ?? null;
}
