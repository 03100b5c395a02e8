/**
 * Backup and restore of the whole database (`npm run backup -- <file>`, `npm run restore -- <file>`).
 *
 * - PostgreSQL: `pg_dump --format=custom`; restored by `pg_restore` into `psql`, in ONE transaction
 *   that commits only once pg_restore has written the whole archive (a bad archive, a failing
 *   statement or a cut connection leaves the target as it was).
 * - The embedded database (PGlite): its own dump of the data directory (a .tar.gz, taken while no
 *   transaction is open); restored into a new directory next to DATA_DIR, opened once to check it,
 *   then put in DATA_DIR's place. Both hold DATA_DIR's lock (`data-dir-lock.ts`) meanwhile, so
 *   neither runs while the server has it open.
 *
 * A restore refuses a target that already holds data unless `force` is given; with it, the
 * target's current contents are replaced (PostgreSQL: schema `public` dropped and re-created in
 * the restoring transaction; PGlite: the old data directory deleted once the new one is in place).
 *
 * Whatever the engine, the backup holds the database only. Evidence files of citizens' reports live
 * in EVIDENCE_DIR; with PGlite and the default EVIDENCE_DIR (DATA_DIR/evidence) they are inside the
 * data directory and so in its dump, otherwise copy that directory alongside.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import { DATA_DIR_LOCK_FILE, lockDataDir } from './data-dir-lock.js';
import { type Database, openDatabase } from './database.js';

export type BackupFormat = 'pglite' | 'pg_dump';

const gunzipAsync = promisify(gunzip);

export interface BackupResult {
  readonly file: string;
  readonly format: BackupFormat;
  readonly bytes: number;
  readonly ms: number;
}

export interface RestoreResult {
  readonly file: string;
  readonly format: BackupFormat;
  /** Where it went: the data directory, or the database's URL without its password. */
  readonly target: string;
  /** The target held data that was replaced (`force`). */
  readonly replaced: boolean;
  readonly ms: number;
}

/** A backup or restore that could not be done (missing tools, wrong file, failed command). */
export class BackupError extends Error {
  override name = 'BackupError';
}

/** A restore refused because the target already holds data and `force` was not given. */
export class RestoreRefusedError extends BackupError {
  override name = 'RestoreRefusedError';
}

export interface BackupOptions {
  /** The database already open (the running app's, a test's); else it is opened from `config`. */
  readonly database?: Database;
  /** Where pg_dump, pg_restore and psql are (default: PG_BIN_DIR, the newest /usr/lib/postgresql/N/bin, then PATH). */
  readonly pgBinDir?: string;
}

export interface RestoreOptions {
  /** Replace a target that already holds data. */
  readonly force?: boolean;
  readonly pgBinDir?: string;
}

/** Writes a backup of the configured database to `file` (replaced only once the new one is complete). */
export async function backupDatabase(
  config: Config['database'],
  file: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const started = Date.now();
  const target = path.resolve(file);
  if (!existsSync(path.dirname(target))) throw new BackupError(`the directory of ${target} does not exist`);
  const partial = `${target}.partial-${process.pid}`;
  try {
    if (config.kind === 'postgres') {
      const { dbname, env } = libpq(config.url);
      const tool = findPgTool('pg_dump', options.pgBinDir);
      await runTool(tool, ['--format=custom', `--file=${partial}`, `--dbname=${dbname}`], env);
    } else {
      await writeFile(partial, await dumpPglite(config, options.database));
    }
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
  const format: BackupFormat = config.kind === 'postgres' ? 'pg_dump' : 'pglite';
  return { file: target, format, bytes: (await stat(target)).size, ms: Date.now() - started };
}

/** Restores `file` (made by {@link backupDatabase}) into the configured database. */
export async function restoreDatabase(
  config: Config['database'],
  file: string,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const started = Date.now();
  const source = path.resolve(file);
  const format = await detectBackupFormat(source);
  const wanted: BackupFormat = config.kind === 'postgres' ? 'pg_dump' : 'pglite';
  if (format !== wanted) {
    throw new BackupError(
      format === 'pglite'
        ? `${source} is a backup of an embedded (PGlite) database, but the configured database is PostgreSQL (DATABASE_URL): restore it with DATABASE_URL unset`
        : `${source} is a PostgreSQL backup (pg_dump), but the configured database is the embedded one (no DATABASE_URL): set DATABASE_URL to restore it`,
    );
  }
  const done = (target: string, replaced: boolean): RestoreResult => ({
    file: source,
    format,
    target,
    replaced,
    ms: Date.now() - started,
  });
  if (config.kind === 'postgres') {
    return done(...(await restorePostgres(config.url, source, options)));
  }
  return done(...(await restorePglite(config.dataDir, source, options)));
}

/** What kind of backup a file is, from its first bytes; throws when it is neither. */
export async function detectBackupFormat(file: string): Promise<BackupFormat> {
  let head: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      head = Buffer.alloc(512);
      const { bytesRead } = await handle.read(head, 0, 512, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new BackupError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'pg_dump';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  if (head.subarray(257, 262).toString('latin1') === 'ustar') return 'pglite';
  throw new BackupError(
    `${file} is not a backup made by \`npm run backup\` (neither a pg_dump archive nor a PGlite dump)`,
  );
}

// ---------------------------------------------------------------------------------------------
// PGlite

async function dumpPglite(config: Extract<Config['database'], { kind: 'pglite' }>, given?: Database): Promise<Buffer> {
  if (!given && (config.dataDir === 'memory://' || !existsSync(path.join(config.dataDir, 'PG_VERSION')))) {
    throw new BackupError(`there is no database in ${config.dataDir} to back up (DATA_DIR)`);
  }
  const database = given ?? (await openDatabase(config));
  try {
    const pglite = database.pglite;
    if (!pglite) throw new BackupError('expected an embedded (PGlite) database');
    // Holding the one connection: no transaction of anyone else is open while the files are read.
    const dump = await database.db.connection().execute(async (conn) => {
      await sql`checkpoint`.execute(conn);
      return pglite.dumpDataDir('gzip');
    });
    return Buffer.from(await dump.arrayBuffer());
  } finally {
    if (!given) await database.close();
  }
}

async function restorePglite(dataDir: string, source: string, options: RestoreOptions): Promise<[string, boolean]> {
  if (dataDir === 'memory://') throw new BackupError('restore needs a data directory (DATA_DIR), not memory://');
  const target = path.resolve(dataDir);
  // DATA_DIR is held for the whole restore: refused at once while the server (or another command)
  // has it open, and no server starts on it halfway.
  const existed = existsSync(target);
  await mkdir(target, { recursive: true });
  const lock = await lockDataDir(target);
  try {
    return await restorePgliteLocked(target, source, options);
  } finally {
    lock.release();
    // A restore that failed into a directory it made leaves none (rmdir: only while it is empty).
    if (!existed) await rmdir(target).catch(() => {});
  }
}

async function restorePgliteLocked(
  target: string,
  source: string,
  options: RestoreOptions,
): Promise<[string, boolean]> {
  const occupied = readdirSync(target).some((name) => name !== DATA_DIR_LOCK_FILE);
  if (occupied && !options.force) {
    const what = existsSync(path.join(target, 'PG_VERSION')) ? 'already holds a database' : 'is not empty';
    throw new RestoreRefusedError(
      `${target} (DATA_DIR) ${what}: restore will not overwrite it. Stop the server, then run the restore again ` +
        'with --force to replace it (the current database is deleted), or point DATA_DIR at an empty directory.',
    );
  }
  const stamp = `${Date.now()}-${process.pid}`;
  const staging = `${target}.restoring-${stamp}`;
  // Unpacked and checked here, whole, before PGlite sees it (it reads a damaged file less kindly).
  const tar = await unpackPgliteDump(source);
  try {
    // PGlite unpacks the dump into the new directory and starts on it; a query proves it usable.
    const restored = await openDatabase(
      { kind: 'pglite', dataDir: staging },
      { pgliteTemplate: new Blob([tar], { type: 'application/x-tar' }) },
    );
    try {
      await sql`select count(*) from pg_class`.execute(restored.db);
      await sql`checkpoint`.execute(restored.db);
    } finally {
      await restored.close();
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw new BackupError(`${source} could not be restored: ${err instanceof Error ? err.message : String(err)}`);
  }
  // DATA_DIR exists (it holds this process's lock): the new directory takes its place.
  const old = `${target}.replaced-${stamp}`;
  await rename(target, old);
  await rename(staging, target);
  await rm(old, { recursive: true, force: true });
  return [target, occupied];
}

/**
 * The tar of a PGlite dump (gunzipped), checked entry by entry: a damaged or cut file is refused.
 * The lock file of the process that made the dump (it held the directory) is left out: the
 * restored directory is locked by whoever opens it.
 */
async function unpackPgliteDump(file: string): Promise<Buffer> {
  const bytes = await readFile(file);
  let tar: Buffer;
  try {
    tar = bytes[0] === 0x1f && bytes[1] === 0x8b ? await gunzipAsync(bytes) : bytes;
  } catch (err) {
    throw new BackupError(`${file} is damaged or incomplete: ${err instanceof Error ? err.message : String(err)}`);
  }
  const damaged = (why: string) => new BackupError(`${file} is damaged or incomplete: ${why}`);
  const field = (header: Buffer, from: number, length: number) =>
    header
      .subarray(from, from + length)
      .toString('latin1')
      .replace(/\0.*$/s, '')
      .trim();
  let offset = 0;
  let dataDir = false;
  const lockEntries: [number, number][] = [];
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) {
      if (!dataDir) throw damaged('it holds no PostgreSQL data directory (no PG_VERSION)');
      if (lockEntries.length === 0) return tar;
      const kept: Buffer[] = [];
      let from = 0;
      for (const [start, end] of lockEntries) {
        kept.push(tar.subarray(from, start));
        from = end;
      }
      kept.push(tar.subarray(from));
      return Buffer.concat(kept);
    }
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number);
    if (Number.parseInt(field(header, 148, 8), 8) !== sum) throw damaged(`a bad tar header at byte ${offset}`);
    const name = field(header, 0, 100);
    if (name === 'PG_VERSION' || name === '/PG_VERSION') dataDir = true;
    const size = Number.parseInt(field(header, 124, 12) || '0', 8);
    const next = offset + 512 + Math.ceil(size / 512) * 512;
    const top = name.replace(/^\.?\/+/, '');
    if (top === DATA_DIR_LOCK_FILE || top === `${DATA_DIR_LOCK_FILE}.break`) lockEntries.push([offset, next]);
    offset = next;
  }
  throw damaged('it ends in the middle (no end-of-archive marker)');
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

async function restorePostgres(url: string, source: string, options: RestoreOptions): Promise<[string, boolean]> {
  const { dbname, env } = libpq(url);
  const pgRestore = findPgTool('pg_restore', options.pgBinDir);
  const psql = findPgTool('psql', options.pgBinDir);
  const existing = await userRelations(url);
  if (existing.length > 0 && !options.force) {
    throw new RestoreRefusedError(
      `the database ${dbname} is not empty (${existing.length} tables and other relations, e.g. ${existing
        .slice(0, 3)
        .join(', ')}): restore will not overwrite it. Stop the servers using it, then run the restore again with ` +
        '--force to replace its contents (schema public is dropped and re-created), or restore into a new, empty database.',
    );
  }
  const reader = spawn(pgRestore, ['--no-owner', '--no-privileges', '--file=-', source], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const writer = spawn(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', `--dbname=${dbname}`], {
    env,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const readerDone = exitOf(reader, 'pg_restore');
  const writerDone = exitOf(writer, 'psql');
  // psql stopped on an error (or could not connect): pg_restore, writing into the closed pipe, too.
  let writerFailedFirst = false;
  writer.once('close', () => {
    if (reader.exitCode !== null || reader.signalCode !== null) return;
    writerFailedFirst = true;
    reader.kill('SIGKILL');
  });
  const stdin = writer.stdin;
  if (!stdin) throw new BackupError('psql has no standard input');
  stdin.on('error', () => {}); // psql stopped early: its exit status says why.
  // One transaction, committed only after the whole archive went through.
  stdin.write('begin;\n');
  if (existing.length > 0) stdin.write('drop schema if exists public cascade;\ncreate schema public;\n');
  reader.stdout?.pipe(stdin, { end: false });
  const read = await readerDone.catch((err: unknown) => {
    writer.kill('SIGKILL');
    throw err;
  });
  // Without its commit the transaction is rolled back when psql goes away.
  if (read.code === 0) stdin.end('commit;\n');
  else if (!writerFailedFirst) writer.kill('SIGKILL');
  const wrote = await writerDone;
  if (writerFailedFirst || (read.code === 0 && wrote.code !== 0)) {
    throw new BackupError(`psql failed (exit ${wrote.code}), nothing was restored: ${wrote.stderr.trim()}`);
  }
  if (read.code !== 0) {
    throw new BackupError(`pg_restore failed (exit ${read.code}), nothing was restored: ${read.stderr.trim()}`);
  }
  return [dbname, existing.length > 0];
}

/** The relations of the database outside the system's schemas and extensions. */
async function userRelations(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`
      select n.nspname || '.' || c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
        and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
        and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
      order by c.relkind = 'r' desc, 1`);
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

/** A connection string for libpq without the password, which goes in PGPASSWORD (not on a command line). */
function libpq(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/** A PostgreSQL client program: from `binDir` or PG_BIN_DIR, else the newest Debian install, else PATH. */
export function findPgTool(name: 'pg_dump' | 'pg_restore' | 'psql', binDir = process.env.PG_BIN_DIR): string {
  if (binDir) {
    const given = path.join(binDir, name);
    if (existsSync(given)) return given;
    throw new BackupError(`${name} is not in ${binDir} (PG_BIN_DIR)`);
  }
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', name)))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin', name);
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  throw new BackupError(
    `${name} not found: install PostgreSQL's client programs (Debian/Ubuntu: apt-get install postgresql-client, ` +
      `the same major version as the server or newer), or set PG_BIN_DIR to the directory that holds ${name}`,
  );
}

async function runTool(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const { code, stderr } = await exitOf(child, path.basename(tool));
  if (code !== 0) throw new BackupError(`${path.basename(tool)} failed (exit ${code}): ${stderr.trim()}`);
}

/** A child's exit code and the end of its standard error. */
function exitOf(child: ChildProcess, name: string): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new BackupError(`${name} could not be started: ${err.message}`)));
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stderr }));
  });
}
