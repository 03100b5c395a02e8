import { describe, expect, it } from 'vitest';
import { Batcher, batcherPer } from './batch.js';

/** A run function that records the batches it got and answers each item doubled. */
function recorder(fail?: (items: readonly number[]) => boolean) {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const run = async (items: readonly number[]) => {
    batches.push([...items]);
    if (hold) await new Promise<void>((r) => (release = r));
    if (fail?.(items)) throw new Error(`refused ${items.join(',')}`);
    return items.map((x) => x * 2);
  };
  return {
    batches,
    run,
    holdNext: () => {
      hold = true;
    },
    release: () => {
      hold = false;
      release?.();
    },
  };
}

describe('Batcher', () => {
  it('runs the items submitted in one turn as one batch, each caller getting its own result', async () => {
    const r = recorder();
    const b = new Batcher(r.run, { maxBatch: 10, maxInFlight: 1 });
    const out = await Promise.all([1, 2, 3].map((x) => b.submit(x)));
    expect(out).toEqual([2, 4, 6]);
    expect(r.batches).toEqual([[1, 2, 3]]);
  });

  it('an item alone runs at once, without waiting for company', async () => {
    const r = recorder();
    const b = new Batcher(r.run, { maxBatch: 10, maxInFlight: 1 });
    expect(await b.submit(7)).toBe(14);
    expect(await b.submit(8)).toBe(16);
    expect(r.batches).toEqual([[7], [8]]);
  });

  it('items arriving while maxInFlight batches run wait and go together next, at most maxBatch each', async () => {
    const r = recorder();
    const b = new Batcher(r.run, { maxBatch: 3, maxInFlight: 1 });
    r.holdNext();
    const first = b.submit(1);
    await new Promise((res) => setImmediate(res));
    expect(r.batches).toEqual([[1]]);
    const later = [2, 3, 4, 5, 6].map((x) => b.submit(x));
    await new Promise((res) => setImmediate(res));
    expect(r.batches).toHaveLength(1); // still held: nothing else may start
    r.release();
    expect(await Promise.all([first, ...later])).toEqual([2, 4, 6, 8, 10, 12]);
    expect(r.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('items with the same key never share a batch; the later one keeps its turn for the next', async () => {
    const r = recorder();
    const b = new Batcher(r.run, { maxBatch: 10, maxInFlight: 1, keyOf: (x: number) => String(x % 2) });
    await Promise.all([1, 3, 2, 5].map((x) => b.submit(x)));
    expect(r.batches).toEqual([[1, 2], [3], [5]]);
  });

  it('a failed batch is run again item by item: only the failing item gets the error', async () => {
    const r = recorder((items) => items.includes(13));
    const b = new Batcher(r.run, { maxBatch: 10, maxInFlight: 2 });
    const out = await Promise.allSettled([11, 12, 13, 14].map((x) => b.submit(x)));
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((out[2] as PromiseRejectedResult).reason.message).toBe('refused 13');
    expect(r.batches).toEqual([[11, 12, 13, 14], [11], [12], [13], [14]]);
    expect(b.stats.splits).toBe(1);
  });

  it('a run that answers the wrong number of results fails its items (then each alone)', async () => {
    const b = new Batcher(async (items: readonly number[]) => items.slice(1), { maxBatch: 10, maxInFlight: 1 });
    const out = await Promise.allSettled([1, 2].map((x) => b.submit(x)));
    expect(out.every((o) => o.status === 'rejected')).toBe(true);
  });

  it('refuses nonsense options', () => {
    expect(() => new Batcher(async () => [], { maxBatch: 0, maxInFlight: 1 })).toThrow(RangeError);
  });
});

describe('batcherPer', () => {
  it('makes one batcher per owner', () => {
    const per = batcherPer(
      (_owner: object) => new Batcher(async (xs: readonly number[]) => xs, { maxBatch: 1, maxInFlight: 1 }),
    );
    const a = {};
    expect(per(a)).toBe(per(a));
    expect(per(a)).not.toBe(per({}));
  });
});
