import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { PGlitePool } from './pglite-pool.js';
import { preparingPool } from './prepared.js';
import type { DB } from './schema.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** An open database: one Kysely instance and one code path, whichever engine is behind it. */
export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: DatabaseKind;
  /** The embedded engine itself (dumps for test templates), when it is PGlite. */
  readonly pglite?: PGlite;
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
 * `pgliteTemplate`: start an embedded database from a dump (tests start from a migrated, seeded one).
 */
export async function openDatabase(
  config: Config['database'],
  options: { pgliteTemplate?: Blob } = {},
): Promise<Database> {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolMax,
      types: pgTypes as pg.CustomTypesConfig,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
    });
    // A broken idle connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({ pool: config.preparedStatements !== false ? preparingPool(pool) : pool }),
    });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const dataDir = config.dataDir;
  if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir === 'memory://' ? undefined : dataDir, {
    ...(options.pgliteTemplate ? { loadDataDir: options.pgliteTemplate } : {}),
    parsers: {
      [OID_DATE]: (v: string) => v,
      [OID_INT8]: (v: string) => Number(v),
      [OID_NUMERIC]: (v: string) => v,
    },
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new PGlitePool(pglite) }) });
  return { db, kind: 'pglite', pglite, close: () => db.destroy() };
}
