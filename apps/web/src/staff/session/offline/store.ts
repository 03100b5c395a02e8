/**
 * What the site keeps in the browser (IndexedDB database `tiemchung-site`): the queue of requests
 * not sent yet, the last copy of each board / list the site read (to show it offline and after a
 * reload without network), and the people seen on this device (to check them in offline).
 * Falls back to memory when IndexedDB cannot be opened (the queue then lasts for the page only).
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import { type KnownPerson, mergeKnown } from './people';
import type { QueueItem, QueueStorage } from './queue';

const DB_NAME = 'tiemchung-site';
const DB_VERSION = 1;

export interface CacheEntry<T = unknown> {
  value: T;
  /** When it was read from the server (ms). */
  savedAt: number;
}

interface SiteDB extends DBSchema {
  queue: { key: string; value: QueueItem };
  cache: { key: string; value: CacheEntry };
  people: { key: string; value: KnownPerson };
}

let dbPromise: Promise<IDBPDatabase<SiteDB> | null> | null = null;

function database(): Promise<IDBPDatabase<SiteDB> | null> {
  if (!dbPromise) {
    dbPromise =
      typeof indexedDB === 'undefined'
        ? Promise.resolve(null)
        : openDB<SiteDB>(DB_NAME, DB_VERSION, {
            upgrade(db) {
              if (!db.objectStoreNames.contains('queue')) db.createObjectStore('queue', { keyPath: 'id' });
              if (!db.objectStoreNames.contains('cache')) db.createObjectStore('cache');
              if (!db.objectStoreNames.contains('people')) db.createObjectStore('people', { keyPath: 'id' });
            },
          }).catch((error: unknown) => {
            console.error('IndexedDB unavailable; the site queue is kept in memory only', error);
            return null;
          });
  }
  return dbPromise;
}

const memory = {
  queue: new Map<string, QueueItem>(),
  cache: new Map<string, CacheEntry>(),
  people: new Map<string, KnownPerson>(),
};

/** The queue's storage: IndexedDB store `queue`. */
export const queueStorage: QueueStorage = {
  async load() {
    const db = await database();
    return db ? db.getAll('queue') : [...memory.queue.values()];
  },
  async put(item) {
    const db = await database();
    if (db) await db.put('queue', item);
    else memory.queue.set(item.id, item);
  },
  async remove(id) {
    const db = await database();
    if (db) await db.delete('queue', id);
    else memory.queue.delete(id);
  },
};

export async function readCache<T>(key: string): Promise<CacheEntry<T> | undefined> {
  try {
    const db = await database();
    return (db ? await db.get('cache', key) : memory.cache.get(key)) as CacheEntry<T> | undefined;
  } catch {
    return undefined;
  }
}

export async function writeCache<T>(key: string, value: T, savedAt = Date.now()): Promise<void> {
  try {
    const db = await database();
    if (db) await db.put('cache', { value, savedAt }, key);
    else memory.cache.set(key, { value, savedAt });
  } catch (error) {
    console.warn('Could not keep a copy for offline use', key, error);
  }
}

/** Changes a cached value in place (no-op when there is none). */
export async function updateCache<T>(key: string, change: (value: T) => T): Promise<void> {
  const entry = await readCache<T>(key);
  if (entry) await writeCache(key, change(entry.value), entry.savedAt);
}

/** Remembers people seen (newer details win; an unmasked number is kept). */
export async function rememberPeople(people: readonly KnownPerson[]): Promise<void> {
  if (!people.length) return;
  try {
    const db = await database();
    if (!db) {
      for (const p of people) memory.people.set(p.id, mergeKnown(memory.people.get(p.id), p));
      return;
    }
    const tx = db.transaction('people', 'readwrite');
    for (const p of people) {
      const old = await tx.store.get(p.id);
      await tx.store.put(mergeKnown(old, p));
    }
    await tx.done;
  } catch (error) {
    console.warn('Could not remember people for offline check-in', error);
  }
}

export async function knownPeople(): Promise<KnownPerson[]> {
  try {
    const db = await database();
    return db ? await db.getAll('people') : [...memory.people.values()];
  } catch {
    return [];
  }
}

export async function knownPerson(id: string): Promise<KnownPerson | undefined> {
  try {
    const db = await database();
    return db ? await db.get('people', id) : memory.people.get(id);
  } catch {
    return undefined;
  }
}
