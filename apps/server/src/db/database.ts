import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { boundedPgPool, DEFAULT_QUEUE_LIMITS, type QueueLimits } from './connection-queue.js';
import { type DataDirLock, lockDataDir } from './data-dir-lock.js';
import { PGlitePool } from './pglite-pool.js';
import { preparingPool } from './prepared.js';
import type { DB } from './schema.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** An open database: one Kysely instance and one code path, whichever engine is behind it. */
export interface Database {
  readonly db: Kysely<DB>;
  /** Where read-only routes read: the read replica when configured (DATABASE_READ_URL), else `db`. */
  readonly readDb: Kysely<DB>;
  readonly kind: DatabaseKind;
  /** The embedded engine itself (dumps for test templates), when it is PGlite. */
  readonly pglite?: PGlite;
  /** True when a new public-portal request would be refused a connection now (shed it before any work). */
  readonly shedsNewPublic?: () => boolean;
  close(): Promise<void>;
}

// Both engines return the same JavaScript types: `date` as the 'YYYY-MM-DD' text (no time zone
// shift), `int8` (counts) as a number, timestamps with time zone as Date.
const OID_INT8 = 20;
const OID_DATE = 1082;
const OID_NUMERIC = 1700;

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === OID_DATE) return (v: string) => v;
    if (oid === OID_INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Opens the configured database (PostgreSQL when DATABASE_URL is set, else embedded PGlite).
 * An embedded data directory is locked for as long as it is open (`data-dir-lock.ts`): another
 * process — a command while the server runs, a second server — is refused with
 * DataDirInUseError before PGlite touches a file; `memory://` takes no lock.
 * `pgliteTemplate`: start an embedded database from a dump (tests start from a migrated, seeded one).
 * `queue`: the bound on waiting for a connection (`connection-queue.ts`; default DEFAULT_QUEUE_LIMITS).
 */
export async function openDatabase(
  config: Config['database'],
  options: { pgliteTemplate?: Blob; queue?: QueueLimits } = {},
): Promise<Database> {
  const queue = options.queue ?? DEFAULT_QUEUE_LIMITS;
  if (config.kind === 'postgres') {
    const open = (url: string) => {
      const pool = new pg.Pool({
        connectionString: url,
        max: config.poolMax,
        types: pgTypes as pg.CustomTypesConfig,
        idleTimeoutMillis: 30_000,
        // A request waits this long for a connection at most, then gets 503 (boundedPgPool).
        connectionTimeoutMillis: queue.maxWaitMs,
      });
      // A broken idle connection must not crash the process; the pool replaces it.
      pool.on('error', () => {});
      // Nor a connection lost while checked out between two statements (a primary that dies, a
      // failover): node-postgres emits that on the client, where nothing else listens. The
      // statement in progress fails with the error; the pool discards the client on release.
      pool.on('connect', (client) => client.on('error', () => {}));
      const db = new Kysely<DB>({
        dialect: new PostgresDialect({
          pool: boundedPgPool(config.preparedStatements !== false ? preparingPool(pool) : pool, pool, queue),
        }),
      });
      return { pool, db };
    };
    const primary = open(config.url);
    const replica = config.readUrl ? open(config.readUrl) : null;
    const shedsNewPublic = () => primary.pool.waitingCount >= Math.min(queue.maxPublicWaiting, queue.maxWaiting);
    return {
      db: primary.db,
      readDb: replica?.db ?? primary.db,
      kind: 'postgres',
      shedsNewPublic,
      close: async () => {
        await primary.db.destroy();
        await replica?.db.destroy();
      },
    };
  }
  const dataDir = config.dataDir;
  let lock: DataDirLock | null = null;
  if (dataDir !== 'memory://') {
    mkdirSync(dataDir, { recursive: true });
    lock = await lockDataDir(dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir, {
      ...(options.pgliteTemplate ? { loadDataDir: options.pgliteTemplate } : {}),
      parsers: {
        [OID_DATE]: (v: string) => v,
        [OID_INT8]: (v: string) => Number(v),
        [OID_NUMERIC]: (v: string) => v,
      },
    });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const pool = new PGlitePool(pglite, queue);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    readDb: db,
    kind: 'pglite',
    pglite,
    shedsNewPublic: () => pool.queue.shedsNewPublic(),
    close: async () => {
      try {
        await db.destroy();
      } finally {
        // Only once PGlite has closed (its last checkpoint written) may another process open the directory.
        lock?.release();
      }
    },
  };
}
