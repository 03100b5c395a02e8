/**
 * The offline queue of the vaccination site: check-ins, screenings, doses and completions made at
 * the site are stored (IndexedDB in the browser, any {@link QueueStorage} in tests) before they
 * are sent, then sent one at a time in the order they were made. Every request carries its own
 * idempotency key, so sending one again (after a lost answer, from a second tab, after a reload)
 * never records anything twice on the server:
 *
 * - check-in: the visit id, a UUID made on the device (`POST /api/sessions/{id}/visits {id}`);
 * - screening: the visit (one screening per visit; a newer one replaces a queued one);
 * - dose: an `Idempotency-Key` UUID made once when the nurse submits, kept with the request;
 * - completion: the visit (completing a completed visit is a no-op on the server).
 *
 * What the server refuses (4xx) stays in the queue as "refused" with its message, to be edited or
 * discarded by a person — never dropped silently; later requests of the same visit wait behind it.
 * Network failures, 5xx answers and the like stop the run and are retried with a growing delay.
 *
 * No framework here: the React layer reads {@link SyncQueue.getSnapshot} through
 * `useSyncExternalStore`.
 */
import type { CheckInMethod, DoseRequest, ScreeningRequest, Violation, VisitPerson } from '../api';

export type QueueKind = 'checkIn' | 'screening' | 'dose' | 'complete';

interface OpBase {
  sessionId: string;
  visitId: string;
  personId: string;
  /** For the lists of pending / refused requests. */
  personName: string;
}

export interface CheckInOp extends OpBase {
  kind: 'checkIn';
  method: CheckInMethod;
  person: VisitPerson;
}

export interface ScreeningOp extends OpBase {
  kind: 'screening';
  body: ScreeningRequest;
}

export interface DoseOp extends OpBase {
  kind: 'dose';
  body: DoseRequest;
  /** Made once when the nurse submits; sent as the `Idempotency-Key` header on every try. */
  idempotencyKey: string;
}

export interface CompleteOp extends OpBase {
  kind: 'complete';
}

export type QueueOp = CheckInOp | ScreeningOp | DoseOp | CompleteOp;

/** Why a request failed: the server's error (status 0 when it could not be reached). */
export interface QueueError {
  status: number;
  code: string;
  message: string;
  field?: string | undefined;
  /** The broken dose rules of a 422. */
  violations?: Violation[] | undefined;
}

export type QueueState = 'pending' | 'refused';

export type QueueItem = QueueOp & {
  /** `${kind}:${visitId}`: one request of each kind per visit. */
  id: string;
  /** Sending order. */
  seq: number;
  /** When it was made (ms since the epoch; the observation of a queued dose starts then). */
  createdAt: number;
  /** Changes whenever the request is replaced (an answer to an older version must not remove it). */
  rev: string;
  state: QueueState;
  /** Tries so far. */
  attempts: number;
  /** The refusal (state "refused") or the last temporary failure (state "pending"). */
  error?: QueueError | undefined;
};

/** Where the queue is kept. */
export interface QueueStorage {
  load(): Promise<QueueItem[]>;
  put(item: QueueItem): Promise<void>;
  remove(id: string): Promise<void>;
}

/** What sending one request gave: the server's answer and the visit id it uses. */
export interface SendResult {
  response: unknown;
  /** The server's id of the visit (differs from ours when the person was checked in elsewhere). */
  visitId?: string | undefined;
}

/** What became of a request the user just made (for immediate feedback in the form). */
export type Outcome =
  | { type: 'sent'; item: QueueItem; response: unknown }
  | { type: 'refused'; item: QueueItem; error: QueueError }
  | { type: 'queued'; item: QueueItem; error?: QueueError | undefined };

export interface SyncSnapshot {
  items: readonly QueueItem[];
  /** A run is sending requests. */
  syncing: boolean;
  /** The browser says it has a network. */
  online: boolean;
  /** The last request reached the server (false after a network failure). */
  reachable: boolean;
  /** When the next automatic try is due (ms since the epoch), if one is scheduled. */
  nextRetryAt: number | null;
  /** Whether the stored queue has been read. */
  loaded: boolean;
}

export type SyncEvent =
  | { type: 'sent'; item: QueueItem; response: unknown }
  | { type: 'refused'; item: QueueItem; error: QueueError }
  | { type: 'drained' };

export interface SyncQueueOptions {
  storage: QueueStorage;
  /** Sends one request; rejects with an error {@link SyncQueueOptions.describeError} understands. */
  send: (item: QueueItem) => Promise<SendResult>;
  /** The error of a failed send as a {@link QueueError}. */
  describeError?: (error: unknown) => QueueError;
  now?: () => number;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Whether the browser has a network (navigator.onLine); automatic runs wait for one. */
  isOnline?: () => boolean;
  /** Runs a send run exclusively across tabs (Web Locks); by default just runs it. */
  lock?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Called after every change of the stored queue (e.g. to tell other tabs). */
  onStoredChange?: () => void;
}

/** HTTP statuses that say "not now" rather than "no": the request stays queued and is retried. */
const TRANSIENT_STATUSES = new Set([0, 401, 408, 425, 429]);

/** Whether a failure is temporary (no network, server error, signed out, rate limit). */
export function isTransient(error: Pick<QueueError, 'status'>): boolean {
  return TRANSIENT_STATUSES.has(error.status) || error.status >= 500;
}

export const RETRY_BASE_MS = 2_000;
export const RETRY_MAX_MS = 60_000;

/** The wait before try number `failures + 1`: 2 s, 4 s, 8 s … up to a minute, ±20 % jitter. */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function itemId(kind: QueueKind, visitId: string): string {
  return `${kind}:${visitId}`;
}

export function bySeq(a: Pick<QueueItem, 'seq'>, b: Pick<QueueItem, 'seq'>): number {
  return a.seq - b.seq;
}

/**
 * The next request to send: the first pending one, in order, that does not wait behind a refused
 * request of the same visit.
 */
export function nextSendable(items: readonly QueueItem[]): QueueItem | undefined {
  const blockedVisits = new Set<string>();
  for (const item of [...items].sort(bySeq)) {
    if (item.state === 'refused') {
      blockedVisits.add(item.visitId);
      continue;
    }
    if (!blockedVisits.has(item.visitId)) return item;
  }
  return undefined;
}

/** Pending requests that wait behind a refused request of the same visit. */
export function blockedItems(items: readonly QueueItem[]): QueueItem[] {
  const blockedVisits = new Set<string>();
  const blocked: QueueItem[] = [];
  for (const item of [...items].sort(bySeq)) {
    if (item.state === 'refused') blockedVisits.add(item.visitId);
    else if (blockedVisits.has(item.visitId)) blocked.push(item);
  }
  return blocked;
}

/** The requests removed with `id`: itself and the later requests of the same visit (they depend on it). */
export function dependentsOf(items: readonly QueueItem[], id: string): QueueItem[] {
  const item = items.find((i) => i.id === id);
  if (!item) return [];
  return items.filter((i) => i.id === id || (i.visitId === item.visitId && i.seq > item.seq)).sort(bySeq);
}

function defaultDescribeError(error: unknown): QueueError {
  if (typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number') {
    const e = error as { status: number; code?: unknown; message?: unknown };
    return {
      status: e.status,
      code: typeof e.code === 'string' ? e.code : `http_${e.status}`,
      message: typeof e.message === 'string' ? e.message : String(error),
    };
  }
  return { status: 0, code: 'network_error', message: String(error) };
}

interface Waiter {
  item: QueueItem;
  settle: (outcome: Outcome) => void;
}

/** The queue and its sender. One per page; see the module comment. */
export class SyncQueue {
  private items: QueueItem[] = [];
  private snapshot: SyncSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(event: SyncEvent) => void>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private running: Promise<void> | null = null;
  private again = false;
  private timer: unknown = null;
  private failures = 0;
  private lastSeq = 0;
  private revCounter = 0;
  /** Bumped by every change made in this page (a reload that raced one reads again). */
  private version = 0;
  private readonly loading: Promise<void>;
  private readonly opts: Required<Omit<SyncQueueOptions, 'onStoredChange'>> & Pick<SyncQueueOptions, 'onStoredChange'>;

  constructor(options: SyncQueueOptions) {
    this.opts = {
      describeError: defaultDescribeError,
      now: () => Date.now(),
      random: Math.random,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      isOnline: () => true,
      lock: (fn) => fn(),
      ...options,
    };
    this.snapshot = {
      items: [],
      syncing: false,
      online: this.opts.isOnline(),
      reachable: true,
      nextRetryAt: null,
      loaded: false,
    };
    this.loading = this.reload();
  }

  /** Resolves once the stored queue has been read. */
  ready(): Promise<void> {
    return this.loading;
  }

  getSnapshot = (): SyncSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Requests sent, refused, and the queue emptied. */
  onEvent(listener: (event: SyncEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Re-reads the stored queue (another tab changed it). */
  async reload(): Promise<void> {
    try {
      let loaded: QueueItem[];
      let version: number;
      do {
        version = this.version;
        loaded = await this.opts.storage.load();
      } while (version !== this.version);
      this.items = loaded.sort(bySeq);
    } catch {
      // Storage unreadable: keep what this page has.
    }
    this.lastSeq = Math.max(this.lastSeq, ...this.items.map((i) => i.seq), 0);
    this.publish({ loaded: true });
  }

  /**
   * Stores a request to send. A request of the same kind for the same visit that is still queued
   * (pending or refused) is replaced, keeping its place in the order: that is how a refused
   * request is edited, and how a second screening of a visit replaces the first.
   */
  async enqueue(op: QueueOp): Promise<QueueItem> {
    await this.loading;
    const id = itemId(op.kind, op.visitId);
    const existing = this.items.find((i) => i.id === id);
    const now = this.opts.now();
    let seq = existing?.seq;
    if (seq === undefined) {
      this.lastSeq = Math.max(this.lastSeq + 1, now);
      seq = this.lastSeq;
    }
    this.revCounter += 1;
    const rev = `${now.toString(36)}.${this.revCounter.toString(36)}.${this.opts.random().toString(36).slice(2, 8)}`;
    const item: QueueItem = { ...op, id, seq, createdAt: now, rev, state: 'pending', attempts: 0 };
    this.version += 1;
    await this.opts.storage.put(item);
    this.items = [...this.items.filter((i) => i.id !== id), item].sort(bySeq);
    this.storedChanged();
    this.publish();
    return item;
  }

  /**
   * Removes a request and the later requests of the same visit (they depend on it). Only for
   * what a person decided to drop: nothing is ever removed without being sent otherwise.
   */
  async discard(id: string): Promise<QueueItem[]> {
    await this.loading;
    const removed = dependentsOf(this.items, id);
    this.version += 1;
    for (const item of removed) await this.opts.storage.remove(item.id);
    const ids = new Set(removed.map((i) => i.id));
    this.items = this.items.filter((i) => !ids.has(i.id));
    if (removed.length) {
      this.storedChanged();
      this.publish();
    }
    return removed;
  }

  /** Sets the browser's network state; coming back online sends at once. */
  setOnline(online: boolean): void {
    this.publish({ online });
    if (online) void this.syncNow();
  }

  /** Notes whether the server answered (from other requests of the page, e.g. the board). */
  noteReachable(reachable: boolean): void {
    if (reachable !== this.snapshot.reachable) this.publish({ reachable });
    if (reachable && this.timer !== null && nextSendable(this.items)) void this.syncNow();
  }

  /**
   * Sends what is queued now (the "Đồng bộ ngay" button, the `online` event): resets the delay
   * and tries even if the browser says it is offline. Calling it while a run is going on joins
   * that run — one request is never in flight twice from one page.
   */
  syncNow(): Promise<void> {
    this.failures = 0;
    return this.sync({ force: true });
  }

  /** Sends what is queued, unless the browser is offline; joins a run already going on. */
  sync(options: { force?: boolean } = {}): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (!options.force && !this.opts.isOnline()) {
      this.settleWaiters();
      return Promise.resolve();
    }
    this.cancelTimer();
    this.running = this.run().finally(() => {
      this.running = null;
      // Something was added after the run's last look: go again (its sender waits for it).
      const rerun = this.again && this.timer === null && nextSendable(this.items) !== undefined;
      this.again = false;
      this.publish({ syncing: false });
      if (rerun) void this.sync();
      else this.settleWaiters();
    });
    return this.running;
  }

  /**
   * What becomes of request `id`: sent, refused, or still queued (no network, or no answer
   * within `timeoutMs`).
   */
  waitFor(item: QueueItem, timeoutMs: number): Promise<Outcome> {
    const { rev } = item;
    return new Promise((resolve) => {
      let done = false;
      const waiter: Waiter = {
        item,
        settle: (outcome) => {
          if (done) return;
          done = true;
          this.waiters.get(rev)?.delete(waiter);
          if (this.waiters.get(rev)?.size === 0) this.waiters.delete(rev);
          resolve(outcome);
        },
      };
      const set = this.waiters.get(rev) ?? new Set<Waiter>();
      this.waiters.set(rev, set);
      set.add(waiter);
      this.opts.setTimer(() => {
        const current = this.items.find((i) => i.rev === rev) ?? item;
        waiter.settle({ type: 'queued', item: current, error: current.error });
      }, timeoutMs);
    });
  }

  /** Enqueues, starts sending and waits (at most `timeoutMs`) for what became of it. */
  async submit(op: QueueOp, timeoutMs = 6_000): Promise<Outcome> {
    const item = await this.enqueue(op);
    const outcome = this.waitFor(item, timeoutMs);
    void this.sync();
    return outcome;
  }

  private async run(): Promise<void> {
    await this.loading;
    this.again = false;
    this.publish({ syncing: true, nextRetryAt: null });
    await this.opts.lock(async () => {
      // Another tab may have sent (or added) requests: the stored queue is the truth.
      await this.reload();
      let sentAny = false;
      for (let item = nextSendable(this.items); item; item = nextSendable(this.items)) {
        const outcome = await this.sendOne(item);
        if (outcome === 'stop') return;
        if (outcome === 'sent') sentAny = true;
      }
      this.failures = 0;
      if (sentAny && this.items.every((i) => i.state === 'refused')) this.emit({ type: 'drained' });
    });
  }

  private async sendOne(item: QueueItem): Promise<'sent' | 'refused' | 'stop'> {
    let result: SendResult;
    try {
      result = await this.opts.send(item);
    } catch (thrown) {
      const error = this.opts.describeError(thrown);
      const reachable = error.status !== 0;
      if (isTransient(error)) {
        const updated: QueueItem = { ...item, attempts: item.attempts + 1, error };
        await this.storeIfCurrent(updated);
        this.failures += 1;
        const delay = retryDelayMs(this.failures, this.opts.random);
        this.schedule(delay);
        this.publish({ reachable });
        this.resolveWaiters(item.rev, { type: 'queued', item: updated, error });
        return 'stop';
      }
      const refused: QueueItem = { ...item, attempts: item.attempts + 1, state: 'refused', error };
      if (!(await this.storeIfCurrent(refused))) return 'refused'; // replaced meanwhile: the new one goes next
      this.publish({ reachable: true });
      this.emit({ type: 'refused', item: refused, error });
      this.resolveWaiters(item.rev, { type: 'refused', item: refused, error });
      return 'refused';
    }
    if (this.isCurrent(item)) {
      this.version += 1;
      await this.opts.storage.remove(item.id);
      this.items = this.items.filter((i) => i.id !== item.id);
    }
    if (item.kind === 'checkIn' && result.visitId && result.visitId !== item.visitId) {
      await this.remapVisit(item.visitId, result.visitId);
    }
    this.storedChanged();
    this.publish({ reachable: true });
    this.emit({ type: 'sent', item, response: result.response });
    this.resolveWaiters(item.rev, { type: 'sent', item, response: result.response });
    return 'sent';
  }

  /** The person was already checked in (elsewhere) under another visit id: use the server's. */
  private async remapVisit(from: string, to: string): Promise<void> {
    this.version += 1;
    for (const old of this.items.filter((i) => i.visitId === from)) {
      const moved: QueueItem = { ...old, visitId: to, id: itemId(old.kind, to) };
      await this.opts.storage.remove(old.id);
      await this.opts.storage.put(moved);
      this.items = this.items.map((i) => (i.id === old.id ? moved : i));
    }
  }

  /** Whether `item` is still the stored version of its request (not replaced, not discarded). */
  private isCurrent(item: QueueItem): boolean {
    return this.items.some((i) => i.id === item.id && i.rev === item.rev);
  }

  /** Stores a new state of a request unless it was replaced or discarded meanwhile. */
  private async storeIfCurrent(item: QueueItem): Promise<boolean> {
    if (!this.isCurrent(item)) return false;
    this.version += 1;
    await this.opts.storage.put(item);
    this.items = this.items.map((i) => (i.id === item.id ? item : i));
    this.storedChanged();
    this.publish();
    return true;
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    const at = this.opts.now() + ms;
    this.timer = this.opts.setTimer(() => {
      this.timer = null;
      this.publish({ nextRetryAt: null });
      void this.sync();
    }, ms);
    this.publish({ nextRetryAt: at });
  }

  private cancelTimer(): void {
    if (this.timer !== null) {
      this.opts.clearTimer(this.timer);
      this.timer = null;
    }
  }

  private resolveWaiters(rev: string, outcome: Outcome): void {
    for (const waiter of [...(this.waiters.get(rev) ?? [])]) waiter.settle(outcome);
  }

  /** After a run: whoever still waits learns that their request is queued. */
  private settleWaiters(): void {
    for (const [rev, set] of [...this.waiters]) {
      for (const waiter of [...set]) {
        const item = this.items.find((i) => i.rev === rev) ?? waiter.item;
        waiter.settle({ type: 'queued', item, error: item.error });
      }
    }
  }

  private storedChanged(): void {
    this.opts.onStoredChange?.();
  }

  private emit(event: SyncEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  private publish(patch: Partial<SyncSnapshot> = {}): void {
    this.snapshot = { ...this.snapshot, ...patch, items: this.items };
    for (const listener of this.listeners) listener();
  }
}
