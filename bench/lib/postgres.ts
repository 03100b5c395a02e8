/**
 * A PostgreSQL to benchmark on: the server named by BENCH_DATABASE_URL (or DATABASE_URL), or a
 * temporary one started here on loopback (like `.ci/run` does) and deleted at the end. Every run
 * gets a fresh database `tc_bench_<timestamp>` migrated with the server's own migrations.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../../apps/server/src/db/database.js';
import { migrateToLatest } from '../../apps/server/src/db/migrate.js';

const run = promisify(execFile);

/**
 * Settings of the temporary server, for a benchmark on a 2-core / 24 GiB machine. Durability is
 * left as in production (fsync, synchronous_commit, full_page_writes all on): every committed
 * transaction — e.g. the audit row a lookup by ID number writes — waits for its WAL flush.
 */
export const TEMP_SERVER_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  listen_addresses: '127.0.0.1',
  max_connections: '200',
  shared_buffers: '2GB',
  effective_cache_size: '16GB',
  work_mem: '16MB',
  maintenance_work_mem: '1GB',
  max_wal_size: '8GB',
  checkpoint_timeout: '30min',
  fsync: 'on',
  synchronous_commit: 'on',
  full_page_writes: 'on',
});

/** The settings reported with every result (read back from the server, whichever it is). */
const REPORTED_SETTINGS = [
  'server_version',
  'lc_collate',
  'max_connections',
  'shared_buffers',
  'effective_cache_size',
  'work_mem',
  'maintenance_work_mem',
  'max_wal_size',
  'random_page_cost',
  'fsync',
  'synchronous_commit',
  'full_page_writes',
  'wal_level',
] as const;

/** A PostgreSQL server the benchmark may create databases on. */
export interface BenchServer {
  /** Connection URL of the server's `postgres` database (for creating and dropping databases). */
  readonly adminUrl: string;
  /** `external` when given by BENCH_DATABASE_URL / DATABASE_URL, `temporary` when started here. */
  readonly source: 'external' | 'temporary';
  /** Stops and deletes a temporary server; does nothing for an external one. Idempotent. */
  stop(): Promise<void>;
}

/** A fresh, migrated database on a {@link BenchServer}. */
export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  /** Drops the database (connections are terminated first). Idempotent. */
  drop(): Promise<void>;
}

/** The directory of the newest PostgreSQL binaries installed from Debian packages, or null. */
function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  return newest ? path.join(root, newest, 'bin') : null;
}

/** A TCP port free on loopback right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * The server to benchmark on: BENCH_DATABASE_URL or DATABASE_URL when set (used as is, only new
 * databases are created on it), otherwise a temporary server started on loopback with
 * {@link TEMP_SERVER_SETTINGS}, plus `overrides` (e.g. `synchronous_commit: 'off'` for a
 * diagnostic run). Call `stop()` at the end (also done on SIGINT/SIGTERM).
 */
export async function startBenchServer(
  log: (line: string) => void = () => {},
  overrides: Readonly<Record<string, string>> = {},
): Promise<BenchServer> {
  const given = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
  if (given) {
    log(`using the PostgreSQL server at ${redact(given)}`);
    if (Object.keys(overrides).length) log('  (setting overrides apply to a temporary server only: ignored)');
    return { adminUrl: given, source: 'external', stop: async () => {} };
  }
  const found = postgresBinDir();
  if (!found) throw new Error('no PostgreSQL binaries in /usr/lib/postgresql/*/bin; set BENCH_DATABASE_URL');
  const bin: string = found;
  const asRoot = userInfo().uid === 0;
  // initdb refuses to run as root: run the server as the postgres system user then.
  const asPg = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args);
  const dir = mkdtempSync(path.join(tmpdir(), 'tiemchung-bench-pg.'));
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  log(`starting a temporary PostgreSQL (${bin}) in ${dir} on 127.0.0.1:${port}`);
  try {
    await initAndStart();
  } catch (err) {
    await asPg(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  async function initAndStart(): Promise<void> {
    await asPg(path.join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
    ]);
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      ...Object.entries({ ...TEMP_SERVER_SETTINGS, ...overrides }).map(([k, v]) => `-c ${k}=${v}`),
    ];
    await asPg(path.join(bin, 'pg_ctl'), [
      '-D',
      dataDir,
      '-l',
      path.join(dir, 'log'),
      '-w',
      '-t',
      '60',
      'start',
      '-o',
      options.join(' '),
    ]);
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await asPg(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    log('temporary PostgreSQL stopped and deleted');
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void stop().finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, source: 'temporary', stop };
}

/** The uid and gid of the `postgres` system user (the temporary server runs as it when we are root). */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const fields = line?.split(':');
  if (!fields?.[2] || !fields[3]) {
    throw new Error('running as root but there is no "postgres" system user to run PostgreSQL as');
  }
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** The URL with its password hidden, for logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** The same server, another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Creates `tc_bench_<timestamp>` on the server and migrates it to the latest schema with the
 * server's own `migrateToLatest` (through `openDatabase`, exactly as the app does).
 */
/**
 * The database a scenario runs on: `reuse` (a kept one, such as the national data set: used as it
 * is, never dropped) when named, otherwise a new one, migrated, dropped by `drop()`.
 */
export async function benchDatabase(server: BenchServer, reuse: string | null | undefined): Promise<BenchDatabase> {
  if (!reuse) return createBenchDatabase(server);
  return { name: reuse, url: withDatabase(server.adminUrl, reuse), drop: async () => {} };
}

export async function createBenchDatabase(server: BenchServer): Promise<BenchDatabase> {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const name = `tc_bench_${stamp}_${process.pid}`;
  await adminQuery(server.adminUrl, `create database ${name}`);
  const url = withDatabase(server.adminUrl, name);
  const database = await openDatabase({ kind: 'postgres', url, poolMax: 2 });
  try {
    await migrateToLatest(database.db);
  } finally {
    await database.close();
  }
  let dropped = false;
  return {
    name,
    url,
    async drop() {
      if (dropped) return;
      dropped = true;
      await adminQuery(server.adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** The server's version and the settings that matter for the figures (read back, not assumed). */
export async function serverSettings(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      'select name, setting, unit from pg_settings where name = any($1)',
      [REPORTED_SETTINGS],
    );
    const out: Record<string, string> = {};
    for (const name of REPORTED_SETTINGS) {
      const row = rows.find((r) => r.name === name);
      if (row) out[name] = humanSetting(row.setting, row.unit);
    }
    return out;
  } finally {
    await client.end();
  }
}

/** `262144` with unit `8kB` → `2GB`; other values as they are. */
function humanSetting(setting: string, unit: string | null): string {
  const m = unit ? /^(\d*)(kB|MB)$/.exec(unit) : null;
  if (!m) return setting;
  const kb = Number(setting) * Number(m[1] || 1) * (m[2] === 'MB' ? 1024 : 1);
  if (kb % (1024 * 1024) === 0) return `${kb / (1024 * 1024)}GB`;
  if (kb % 1024 === 0) return `${kb / 1024}MB`;
  return `${kb}kB`;
}
