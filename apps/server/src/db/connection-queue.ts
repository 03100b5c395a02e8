import { AsyncLocalStorage } from 'node:async_hooks';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { AppError } from '../lib/errors.js';

/**
 * Load shedding in front of the database's connections: a bounded wait with priorities.
 *
 * Under overload (say 200 clients of the public portal at once on the embedded database, which
 * has one connection) an unbounded queue makes every request wait — the health check and the
 * vaccination sites' staff included — until clients time out. Instead, a request that cannot
 * have a connection soon fails at once with 503 `service_unavailable` and a `Retry-After`:
 *
 * - at most `maxWaiting` callers wait for a connection, each at most `maxWaitMs`;
 * - the public portal's *new* requests may only fill `maxPublicWaiting` of those places, and are
 *   the first pushed out when staff need a place: the portal is shed first;
 * - a free connection goes to the health check first, then to staff (and background jobs), then
 *   to public requests already under way (a look-up that has started finishes), then to new
 *   public requests.
 *
 * On the embedded database the connection is also lent for a time budget per turn of the event
 * loop (PGlite runs on this thread; see {@link ConnectionQueue}), so that the queue sees the
 * overload instead of the event loop hiding it.
 *
 * A request's lane comes from {@link inDbLane}, which the app wraps around each route's handler
 * (`lib/db-lanes.ts`); work outside any lane (authentication hooks, background jobs) is staff.
 * A public request is shed, if at all, before its body is read (when the queue has no room for
 * it) or at its first statement — before any look-up work, and whatever the data — so the 503
 * tells nothing about a match.
 */
export interface QueueLimits {
  /** Callers waiting for a connection at most; beyond, 503. */
  readonly maxWaiting: number;
  /** Of those, new public-portal requests at most (they are shed first). */
  readonly maxPublicWaiting: number;
  /** The longest wait for a connection, ms; then 503. */
  readonly maxWaitMs: number;
}

/** The defaults of DATABASE_QUEUE_MAX, DATABASE_QUEUE_PUBLIC_MAX and DATABASE_QUEUE_WAIT_MS. */
export const DEFAULT_QUEUE_LIMITS: QueueLimits = Object.freeze({
  maxWaiting: 128,
  maxPublicWaiting: 16,
  maxWaitMs: 2000,
});

/** Whose work a statement is for: the health check, staff (the default), or the public portal. */
export type DbLane = 'health' | 'staff' | 'public';

interface LaneState {
  readonly lane: DbLane;
  /** A public request that has had a connection once: it is under way, no longer shed first. */
  started: boolean;
}

const lanes = new AsyncLocalStorage<LaneState>();

/** Runs `fn` (a request's handler) with every connection it asks for queued in `lane`. */
export function inDbLane<T>(lane: DbLane, fn: () => T): T {
  return lanes.run({ lane, started: false }, fn);
}

type Rank = 0 | 1 | 2 | 3;
const NEW_PUBLIC: Rank = 3;

/** The current caller's lane and its priority: 0 health, 1 staff, 2 public under way, 3 new public. */
function currentCaller(): { state: LaneState | undefined; rank: Rank } {
  const state = lanes.getStore();
  const rank = !state || state.lane === 'staff' ? 1 : state.lane === 'health' ? 0 : state.started ? 2 : 3;
  return { state, rank };
}

/** The 503 of a shed request, with `Retry-After` (seconds); `detail` goes to the error's cause (logs only). */
export function busyError(limits: QueueLimits, detail: string, cause?: unknown): AppError {
  const err = new AppError('service_unavailable', {
    headers: { 'retry-after': String(Math.max(1, Math.ceil(limits.maxWaitMs / 1000))) },
  });
  err.cause = cause ?? new Error(detail);
  return err;
}

interface Waiter {
  readonly rank: Rank;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * `capacity` permits (connections) and a bounded, prioritised queue of callers waiting for one.
 *
 * `turnBudgetMs` (the embedded database): PGlite runs every statement on this thread, inside
 * promise callbacks — a chain of statements never lets the event loop turn, so without a budget
 * one turn would run the look-ups of every request read in it (200 connections: seconds) while
 * the health check waits unread. With a budget, once the connection has been used for that long
 * in one turn of the event loop, further callers queue until the next turn (`setImmediate`); the
 * queue then fills, and its limits shed load. The highest-priority waiter goes first each turn.
 */
export class ConnectionQueue {
  readonly limits: QueueLimits;
  #free: number;
  readonly #capacity: number;
  readonly #turnBudgetMs: number;
  readonly #waiting: [Waiter[], Waiter[], Waiter[], Waiter[]] = [[], [], [], []];
  #count = 0;
  /** When the connection was first lent in this turn of the event loop (performance.now()); -1: not yet. */
  #turnStart = -1;
  #idle: (() => void)[] = [];
  /** Requests refused so far (queue full, pushed out, or waited too long), and permits lent. */
  readonly stats = { shed: 0, timedOut: 0, granted: 0 };

  constructor(capacity: number, limits: Partial<QueueLimits> = {}, options: { turnBudgetMs?: number } = {}) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be ≥ 1');
    this.#capacity = capacity;
    this.#free = capacity;
    this.#turnBudgetMs = options.turnBudgetMs ?? Number.POSITIVE_INFINITY;
    this.limits = { ...DEFAULT_QUEUE_LIMITS, ...limits };
  }

  /** Callers waiting now. */
  get waiting(): number {
    return this.#count;
  }

  /** True when a new public request would be refused now (so it can be refused before any work). */
  shedsNewPublic(): boolean {
    return this.#waiting[NEW_PUBLIC].length >= this.limits.maxPublicWaiting || this.#count >= this.limits.maxWaiting;
  }

  /** Resolves when a permit is the caller's; rejects with 503 when the caller is shed. */
  acquire(): Promise<void> {
    const { state, rank } = currentCaller();
    if (this.#free > 0 && this.#count === 0 && this.#budgetLeft()) {
      this.#lend();
      if (state) state.started = true;
      return Promise.resolve();
    }
    const { maxWaiting, maxPublicWaiting, maxWaitMs } = this.limits;
    if (rank === NEW_PUBLIC && this.#waiting[NEW_PUBLIC].length >= maxPublicWaiting)
      return this.#refuse(`public queue full (${maxPublicWaiting} waiting)`);
    if (this.#count >= maxWaiting) {
      const pushedOut = rank < NEW_PUBLIC ? this.#waiting[NEW_PUBLIC].pop() : undefined;
      if (!pushedOut) return this.#refuse(`connection queue full (${maxWaiting} waiting)`);
      this.#count--;
      clearTimeout(pushedOut.timer);
      this.stats.shed++;
      pushedOut.reject(busyError(this.limits, 'pushed out of the connection queue by a request of higher priority'));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        rank,
        resolve: () => {
          if (state) state.started = true;
          resolve();
        },
        reject,
        timer: undefined,
      };
      waiter.timer = setTimeout(() => {
        const list = this.#waiting[rank];
        const i = list.indexOf(waiter);
        if (i < 0) return;
        list.splice(i, 1);
        this.#count--;
        this.stats.timedOut++;
        reject(
          busyError(
            this.limits,
            `no database connection free after ${maxWaitMs} ms (${this.#count} waiting; or a query outside its transaction?)`,
          ),
        );
        this.#settleIdle();
      }, maxWaitMs);
      waiter.timer.unref();
      this.#waiting[rank].push(waiter);
      this.#count++;
    });
  }

  /** Gives a permit back: to the next caller now, or in the next turn when this one's budget is spent. */
  release(): void {
    this.#free++;
    if (this.#count === 0) this.#settleIdle();
    else this.#handover();
  }

  /** Resolves once no permit is out and nobody waits. */
  idle(): Promise<void> {
    if (this.#free === this.#capacity && this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #budgetLeft(): boolean {
    return this.#turnStart < 0 || performance.now() - this.#turnStart < this.#turnBudgetMs;
  }

  /** Lends a permit; the first in a turn marks the turn's start and schedules its end. */
  #lend(): void {
    this.#free--;
    this.stats.granted++;
    if (this.#turnStart >= 0 || this.#turnBudgetMs === Number.POSITIVE_INFINITY) return;
    this.#turnStart = performance.now();
    setImmediate(this.#nextTurn);
  }

  readonly #nextTurn = (): void => {
    this.#turnStart = -1;
    this.#handover();
  };

  #handover(): void {
    while (this.#free > 0 && this.#count > 0 && this.#budgetLeft()) {
      const waiter = this.#waiting.find((list) => list.length > 0)!.shift()!;
      this.#count--;
      clearTimeout(waiter.timer);
      this.#lend();
      waiter.resolve();
    }
  }

  #refuse(detail: string): Promise<never> {
    this.stats.shed++;
    return Promise.reject(busyError(this.limits, detail));
  }

  #settleIdle(): void {
    if (this.#free !== this.#capacity || this.#count !== 0 || this.#idle.length === 0) return;
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }
}

/** The part of a `pg.Pool` the bound below reads. */
interface PgPoolLike {
  readonly waitingCount: number;
}

/** node-postgres's errors when no connection came within `connectionTimeoutMillis`. */
const PG_CONNECT_TIMEOUT = /timeout exceeded when trying to connect|connection timeout/i;

/**
 * The same bound in front of a PostgreSQL pool (node-postgres keeps its own FIFO queue): new
 * public requests are shed once `maxPublicWaiting` callers wait, anyone once `maxWaiting` do; the
 * pool's `connectionTimeoutMillis` (set to `maxWaitMs`) is answered as the same 503.
 */
export function boundedPgPool(inner: PostgresPool, pool: PgPoolLike, limits: QueueLimits): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const waiting = pool.waitingCount;
      const { state, rank } = currentCaller();
      if (waiting >= limits.maxWaiting || (rank === NEW_PUBLIC && waiting >= limits.maxPublicWaiting))
        throw busyError(limits, `connection queue full (${waiting} waiting)`);
      try {
        const client = await inner.connect();
        if (state) state.started = true;
        return client;
      } catch (err) {
        if (err instanceof Error && PG_CONNECT_TIMEOUT.test(err.message))
          throw busyError(limits, `no database connection within ${limits.maxWaitMs} ms`, err);
        throw err;
      }
    },
    end: () => inner.end(),
  };
}
