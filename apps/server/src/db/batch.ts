/**
 * Group execution of one statement for many callers ("group commit" of a hot path).
 *
 * Each caller submits one item and gets its own result back. Items submitted in the same turn of
 * the event loop, and items that arrive while the statements already running fill `maxInFlight`,
 * go together in the next statement, so under load one round trip, one plan execution and one
 * commit serve many requests; an idle server runs each item at once (no timer, no added wait).
 *
 * `run` gets the items and returns one result per item, in order. It must be all-or-nothing (one
 * statement, one transaction): when a batch fails, nothing of it was written, and each item is then
 * run alone so that one item's failure is its own and not its neighbours'.
 */
export interface BatchOptions<I> {
  /** Items per statement at most. */
  readonly maxBatch: number;
  /** Statements running at once at most; more items wait and join the next batch. */
  readonly maxInFlight: number;
  /**
   * Items with the same key never share a batch (a later one waits for the next), for statements
   * that must see one item per row they change.
   */
  readonly keyOf?: (item: I) => string;
}

interface Waiting<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (reason: unknown) => void;
}

export class Batcher<I, O> {
  readonly #run: (items: readonly I[]) => Promise<readonly O[]>;
  readonly #options: BatchOptions<I>;
  #queue: Waiting<I, O>[] = [];
  #inFlight = 0;
  #scheduled = false;
  /** Batches run and items in them (for tests and diagnostics). */
  readonly stats = { batches: 0, items: 0, largest: 0, splits: 0 };

  constructor(run: (items: readonly I[]) => Promise<readonly O[]>, options: BatchOptions<I>) {
    if (options.maxBatch < 1 || options.maxInFlight < 1) throw new RangeError('maxBatch and maxInFlight must be ≥ 1');
    this.#run = run;
    this.#options = options;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // After the current turn: every request read in it joins the same batch.
        setImmediate(() => {
          this.#scheduled = false;
          this.#pump();
        });
      }
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#options.maxInFlight && this.#queue.length > 0) {
      const batch = this.#take();
      this.#inFlight++;
      this.stats.batches++;
      this.stats.items += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
      void this.#execute(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  /** The next batch: queue order, at most maxBatch, one item per key (the rest keep their place). */
  #take(): Waiting<I, O>[] {
    const { maxBatch, keyOf } = this.#options;
    if (!keyOf) return this.#queue.splice(0, maxBatch);
    const taken: Waiting<I, O>[] = [];
    const left: Waiting<I, O>[] = [];
    const keys = new Set<string>();
    for (const w of this.#queue) {
      const key = keyOf(w.item);
      if (taken.length < maxBatch && !keys.has(key)) {
        keys.add(key);
        taken.push(w);
      } else left.push(w);
    }
    this.#queue = left;
    return taken;
  }

  async #execute(batch: readonly Waiting<I, O>[]): Promise<void> {
    let results: readonly O[];
    try {
      results = await this.#run(batch.map((w) => w.item));
      if (results.length !== batch.length)
        throw new Error(`batch of ${batch.length} returned ${results.length} results`);
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // Nothing of the batch was written: each item alone, so a failure stays with its own item.
      this.stats.splits++;
      await Promise.all(batch.map((w) => this.#execute([w])));
      return;
    }
    for (const [i, w] of batch.entries()) w.resolve(results[i]!);
  }
}

/** One batcher per owner (a database handle), made on first use. */
export function batcherPer<K extends object, I, O>(make: (owner: K) => Batcher<I, O>): (owner: K) => Batcher<I, O> {
  const made = new WeakMap<K, Batcher<I, O>>();
  return (owner) => {
    let b = made.get(owner);
    if (!b) {
      b = make(owner);
      made.set(owner, b);
    }
    return b;
  };
}
