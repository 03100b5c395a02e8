/**
 * A small time-bounded cache for reference rows that rarely change (facilities, lots) and for
 * sessions, scoped to one database (a WeakMap on the Kysely instance, so tests and benchmarks that
 * open several databases in one process never mix them). Misses are not cached.
 */
export class TtlCache<K, V> {
  readonly #byScope = new WeakMap<object, Map<K, { value: V; until: number }>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached value for `key` in `scope`, or the loader's (cached when found). */
  async get(scope: object, key: K, load: () => Promise<V | undefined>, now = Date.now()): Promise<V | undefined> {
    let map = this.#byScope.get(scope);
    if (!map) {
      map = new Map();
      this.#byScope.set(scope, map);
    }
    const hit = map.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    if (value !== undefined) {
      if (map.size >= this.maxEntries) map.clear();
      map.set(key, { value, until: now + this.ttlMs });
    } else {
      map.delete(key);
    }
    return value;
  }

  /** Forgets `key` in `scope` (e.g. a session ended on this node). */
  delete(scope: object, key: K): void {
    this.#byScope.get(scope)?.delete(key);
  }
}
