import { describe, expect, it } from 'vitest';
import {
  blockedItems,
  type CheckInOp,
  type DoseOp,
  isTransient,
  itemId,
  nextSendable,
  type QueueError,
  type QueueItem,
  type QueueOp,
  type QueueStorage,
  RETRY_MAX_MS,
  retryDelayMs,
  type ScreeningOp,
  type SendResult,
  SyncQueue,
} from './queue';

class MemoryStorage implements QueueStorage {
  readonly map = new Map<string, QueueItem>();
  async load() {
    return [...this.map.values()].map((i) => structuredClone(i));
  }
  async put(item: QueueItem) {
    this.map.set(item.id, structuredClone(item));
  }
  async remove(id: string) {
    this.map.delete(id);
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code = `http_${status}`,
  ) {
    super(`HTTP ${status}`);
  }
}

const checkIn = (visitId: string, personId = `p-${visitId}`): CheckInOp => ({
  kind: 'checkIn',
  sessionId: 's1',
  visitId,
  personId,
  personName: `Person ${visitId}`,
  method: 'search',
  person: { fullName: `Person ${visitId}`, dateOfBirth: '1990-01-01', gender: 'male' },
});

const screening = (visitId: string): ScreeningOp => ({
  kind: 'screening',
  sessionId: 's1',
  visitId,
  personId: `p-${visitId}`,
  personName: `Person ${visitId}`,
  body: { answers: {}, vitals: {}, outcome: 'vaccinate' },
});

const dose = (visitId: string, key = `key-${visitId}`): DoseOp => ({
  kind: 'dose',
  sessionId: 's1',
  visitId,
  personId: `p-${visitId}`,
  personName: `Person ${visitId}`,
  body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587' },
  idempotencyKey: key,
});

/** A queue with a scripted sender, manual timers and a clock. */
function setup(options: { online?: boolean; storage?: MemoryStorage } = {}) {
  const storage = options.storage ?? new MemoryStorage();
  const sent: QueueItem[] = [];
  /** What the next sends do, by item id: an error to throw, or a result. */
  const script = new Map<string, Array<Error | SendResult>>();
  const timers: { fn: () => void; ms: number }[] = [];
  let now = 1_700_000_000_000;
  let online = options.online ?? true;
  let gate: Promise<void> | null = null;
  const queue = new SyncQueue({
    storage,
    send: async (item) => {
      if (gate) await gate;
      sent.push(item);
      const next = script.get(item.id)?.shift();
      if (next instanceof Error) throw next;
      return next ?? { response: { id: item.visitId }, visitId: item.visitId };
    },
    now: () => now,
    random: () => 0.5,
    setTimer: (fn, ms) => {
      const timer = { fn, ms };
      timers.push(timer);
      return timer;
    },
    clearTimer: (handle) => {
      const index = timers.indexOf(handle as (typeof timers)[number]);
      if (index >= 0) timers.splice(index, 1);
    },
    isOnline: () => online,
  });
  return {
    queue,
    storage,
    sent,
    script,
    timers,
    tick: (ms = 1) => {
      now += ms;
    },
    setOnline: (value: boolean) => {
      online = value;
    },
    /** Holds every send until the returned function is called. */
    hold: () => {
      let release = () => {};
      gate = new Promise((resolve) => {
        release = () => {
          gate = null;
          resolve();
        };
      });
      return release;
    },
  };
}

async function enqueueAll(queue: SyncQueue, tick: () => void, ops: QueueOp[]) {
  for (const op of ops) {
    await queue.enqueue(op);
    tick();
  }
}

describe('error classification and delays', () => {
  it('retries network failures, server errors, sign-outs and rate limits; 4xx answers are refusals', () => {
    for (const status of [0, 401, 408, 429, 500, 502, 503]) expect(isTransient({ status })).toBe(true);
    for (const status of [400, 403, 404, 409, 422]) expect(isTransient({ status })).toBe(false);
  });

  it('waits longer after each failure, up to a minute', () => {
    const half = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, half))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(retryDelayMs(20, half)).toBe(RETRY_MAX_MS);
    expect(retryDelayMs(1, () => 0)).toBe(1_600);
    expect(retryDelayMs(1, () => 1)).toBe(2_400);
  });
});

describe('SyncQueue', () => {
  it('sends in the order made and removes what the server took', async () => {
    const { queue, storage, sent, tick } = setup();
    await enqueueAll(queue, tick, [checkIn('v1'), screening('v1'), dose('v1'), checkIn('v2')]);
    await queue.sync();
    expect(sent.map((i) => i.id)).toEqual(['checkIn:v1', 'screening:v1', 'dose:v1', 'checkIn:v2']);
    expect(queue.getSnapshot().items).toEqual([]);
    expect(storage.map.size).toBe(0);
  });

  it('keeps a request on a network failure, stops the run and schedules a retry', async () => {
    const { queue, sent, script, timers, tick } = setup();
    await enqueueAll(queue, tick, [dose('v1'), dose('v2')]);
    script.set('dose:v1', [new HttpError(0, 'network_error')]);
    await queue.sync();
    expect(sent.map((i) => i.id)).toEqual(['dose:v1']); // v2 not tried: the network is down
    const [first, second] = queue.getSnapshot().items;
    expect(first).toMatchObject({ id: 'dose:v1', state: 'pending', attempts: 1, error: { status: 0 } });
    expect(second).toMatchObject({ id: 'dose:v2', state: 'pending', attempts: 0 });
    expect(queue.getSnapshot().reachable).toBe(false);
    expect(timers.map((t) => t.ms)).toEqual([2_000]);

    // The retry sends both, with the same idempotency key as before.
    timers.shift()?.fn();
    await new Promise((r) => setTimeout(r, 0));
    await queue.sync();
    expect(sent.map((i) => i.id)).toEqual(['dose:v1', 'dose:v1', 'dose:v2']);
    expect(
      sent[0]?.kind === 'dose' && sent[1]?.kind === 'dose' && sent[0].idempotencyKey === sent[1].idempotencyKey,
    ).toBe(true);
    expect(queue.getSnapshot().items).toEqual([]);
  });

  it('retries a 5xx answer later, like a network failure', async () => {
    const { queue, sent, script, tick } = setup();
    await enqueueAll(queue, tick, [dose('v1')]);
    script.set('dose:v1', [new HttpError(503)]);
    await queue.sync();
    expect(queue.getSnapshot().items[0]).toMatchObject({ state: 'pending', attempts: 1 });
    expect(queue.getSnapshot().reachable).toBe(true);
    await queue.syncNow();
    expect(sent).toHaveLength(2);
    expect(queue.getSnapshot().items).toEqual([]);
  });

  it('keeps what the server refused, with its message; later requests of that visit wait, others go on', async () => {
    const { queue, sent, script, tick } = setup();
    await enqueueAll(queue, tick, [screening('v1'), dose('v1'), dose('v2')]);
    script.set('screening:v1', [new HttpError(400, 'screening_reason_required')]);
    await queue.sync();
    expect(sent.map((i) => i.id)).toEqual(['screening:v1', 'dose:v2']);
    const items = queue.getSnapshot().items;
    expect(items.map((i) => [i.id, i.state])).toEqual([
      ['screening:v1', 'refused'],
      ['dose:v1', 'pending'],
    ]);
    expect(items[0]?.error).toMatchObject({ status: 400, code: 'screening_reason_required' });
    expect(blockedItems(items).map((i) => i.id)).toEqual(['dose:v1']);
    expect(nextSendable(items)).toBeUndefined();
    // Syncing again does not send the refused request nor what waits behind it.
    await queue.syncNow();
    expect(sent).toHaveLength(2);
  });

  it('edits a refused request in place: same place in the order, pending again', async () => {
    const { queue, sent, script, tick } = setup();
    await enqueueAll(queue, tick, [screening('v1'), dose('v1')]);
    script.set('screening:v1', [new HttpError(400)]);
    await queue.sync();
    const seq = queue.getSnapshot().items[0]?.seq;
    tick(10);
    await queue.enqueue({ ...screening('v1'), body: { answers: {}, vitals: {}, outcome: 'postpone', reason: 'Sốt' } });
    const edited = queue.getSnapshot().items[0];
    expect(edited).toMatchObject({ id: 'screening:v1', state: 'pending', attempts: 0, seq });
    expect(edited?.error).toBeUndefined();
    await queue.sync();
    expect(sent.map((i) => i.id)).toEqual(['screening:v1', 'screening:v1', 'dose:v1']);
    expect(sent[1]?.kind === 'screening' && sent[1].body.reason).toBe('Sốt');
  });

  it('discards a request with the later requests of the same visit, and nothing else', async () => {
    const { queue, storage, tick } = setup({ online: false });
    await enqueueAll(queue, tick, [checkIn('v1'), screening('v1'), checkIn('v2'), dose('v1')]);
    const removed = await queue.discard('checkIn:v1');
    expect(removed.map((i) => i.id)).toEqual(['checkIn:v1', 'screening:v1', 'dose:v1']);
    expect(queue.getSnapshot().items.map((i) => i.id)).toEqual(['checkIn:v2']);
    expect([...storage.map.keys()]).toEqual(['checkIn:v2']);
  });

  it('never has one request in flight twice: runs started meanwhile join the running one', async () => {
    const { queue, sent, tick, hold } = setup();
    await enqueueAll(queue, tick, [dose('v1'), dose('v2')]);
    const release = hold();
    const runs = [queue.syncNow(), queue.syncNow(), queue.sync(), queue.syncNow()];
    release();
    await Promise.all(runs);
    await queue.syncNow();
    expect(sent.map((i) => i.id)).toEqual(['dose:v1', 'dose:v2']);
  });

  it('waits for the network unless told to send now', async () => {
    const { queue, sent, tick, setOnline } = setup({ online: false });
    await enqueueAll(queue, tick, [dose('v1')]);
    await queue.sync();
    expect(sent).toHaveLength(0);
    setOnline(true);
    queue.setOnline(true); // the `online` event
    await new Promise((r) => setTimeout(r, 0));
    await queue.sync();
    expect(sent).toHaveLength(1);
  });

  it('keeps the queue in its storage: a new page (reload) sends what the last one left', async () => {
    const first = setup({ online: false });
    await enqueueAll(first.queue, first.tick, [checkIn('v1'), dose('v1')]);
    const second = setup({ storage: first.storage });
    await second.queue.ready();
    expect(second.queue.getSnapshot().items.map((i) => i.id)).toEqual(['checkIn:v1', 'dose:v1']);
    await second.queue.sync();
    expect(second.sent.map((i) => i.id)).toEqual(['checkIn:v1', 'dose:v1']);
  });

  it('moves the later requests to the server’s visit when the person was already checked in elsewhere', async () => {
    const { queue, sent, script, tick } = setup();
    await enqueueAll(queue, tick, [checkIn('local'), screening('local'), dose('local')]);
    script.set('checkIn:local', [{ response: { id: 'server' }, visitId: 'server' }]);
    await queue.sync();
    expect(sent.map((i) => i.id)).toEqual(['checkIn:local', 'screening:server', 'dose:server']);
    expect(sent.slice(1).every((i) => i.visitId === 'server')).toBe(true);
  });

  it('does not drop a newer version of a request when the answer to the older one arrives', async () => {
    const { queue, sent, tick, hold } = setup();
    await queue.enqueue(screening('v1'));
    const release = hold();
    const run = queue.sync();
    await new Promise((r) => setTimeout(r, 0));
    tick(5);
    await queue.enqueue({
      ...screening('v1'),
      body: { answers: {}, vitals: {}, outcome: 'refer', reason: 'Mang thai' },
    });
    release();
    await run;
    await queue.sync();
    expect(sent.map((i) => (i.kind === 'screening' ? i.body.outcome : i.kind))).toEqual(['vaccinate', 'refer']);
    expect(queue.getSnapshot().items).toEqual([]);
  });

  it('tells the form what became of its request: sent, refused, or queued', async () => {
    const { queue, script, tick, setOnline } = setup();
    const sent = await queue.submit(checkIn('v1'));
    expect(sent).toMatchObject({ type: 'sent', response: { id: 'v1' } });

    tick();
    script.set(itemId('dose', 'v1'), [Object.assign(new HttpError(422, 'identity_not_verified'))]);
    const refused = await queue.submit(dose('v1'));
    expect(refused.type).toBe('refused');
    expect((refused as { error: QueueError }).error).toMatchObject({ status: 422, code: 'identity_not_verified' });

    tick();
    setOnline(false);
    const queued = await queue.submit(dose('v2'));
    expect(queued).toMatchObject({ type: 'queued', item: { id: 'dose:v2', state: 'pending' } });
  });
});
