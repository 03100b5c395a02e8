import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { gunzipSync } from 'node:zlib';
import { type Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runTsx, SERVER_DIR } from '../test/process.js';
import { backupDatabase, restoreDatabase } from './backup.js';
import { DATA_DIR_LOCK_FILE, DataDirInUseError, lockDataDir } from './data-dir-lock.js';
import { type Database, openDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';
import type { DB } from './schema.js';

/**
 * The embedded database's data directory is one process's at a time: a second opener — the
 * server while a command runs, `npm run import` while the server runs — is refused at once, and a
 * lock left by a process that died blocks nobody. Real PGlite on a directory, real processes.
 * (Whatever DATABASE_URL says: the lock is the embedded database's.)
 */

const work = mkdtempSync(path.join(tmpdir(), 'tc-dir-lock-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const dir = path.join(work, 'data');
const config = { kind: 'pglite', dataDir: dir } as const;
const lockFile = path.join(dir, DATA_DIR_LOCK_FILE);

/** The directory's database, made from the suite's migrated and seeded template the first time. */
let made = false;
async function open(): Promise<Database> {
  if (made) return openDatabase(config);
  const template = process.env.TC_PGLITE_TEMPLATE;
  const database = await openDatabase(config, {
    ...(template && existsSync(template) ? { pgliteTemplate: new Blob([readFileSync(template)]) } : {}),
  });
  if (!template) await migrateToLatest(database.db);
  made = true;
  return database;
}

const lockPid = () => (JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number }).pid;

/** A pid that was just used and is gone. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid as number;

/** The refusal's message in both languages, naming the directory and the holder. */
function expectRefusal(text: string, pid: number) {
  expect(text).toContain(
    `Cơ sở dữ liệu nhúng ở ${dir} đang được tiến trình ${pid} sử dụng (máy chủ đang chạy?). Hãy dừng máy chủ trước, hoặc dùng giao diện/API khi máy chủ đang chạy.`,
  );
  expect(text).toContain(
    `The embedded database in ${dir} is in use by process ${pid} (is the server running?). Stop the server first, or use the screens/API while it is running.`,
  );
}

describe('the lock of an embedded data directory', () => {
  it('refuses a second open at once, naming the holding pid; once the first is closed, it opens', async () => {
    const first = await open();
    try {
      expect(lockPid()).toBe(process.pid);
      const started = performance.now();
      const refused = await openDatabase(config).then(
        () => null,
        (err: unknown) => err,
      );
      expect(performance.now() - started).toBeLessThan(1000);
      expect(refused).toBeInstanceOf(DataDirInUseError);
      expect((refused as DataDirInUseError).pid).toBe(process.pid);
      expectRefusal((refused as Error).message, process.pid);

      // The backup and restore commands open it on their own paths: refused as well, nothing touched.
      await expect(backupDatabase(config, path.join(work, 'backup.tar.gz'))).rejects.toThrow(DataDirInUseError);
      expect(existsSync(path.join(work, 'backup.tar.gz'))).toBe(false);
      const gz = path.join(work, 'looks-like-a-dump.tar.gz');
      writeFileSync(gz, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]));
      await expect(restoreDatabase(config, gz, { force: true })).rejects.toThrow(DataDirInUseError);
      expect(readdirSync(work).filter((f) => f.startsWith('data.'))).toEqual([]);

      // The holder is untouched: its lock, its database.
      expect(lockPid()).toBe(process.pid);
      await sql`select count(*) from people`.execute(first.db);
    } finally {
      await first.close();
    }
    expect(existsSync(lockFile)).toBe(false);
    const again = await openDatabase(config);
    try {
      expect(lockPid()).toBe(process.pid);
      await sql`select count(*) from people`.execute(again.db);
    } finally {
      await again.close();
    }
    expect(existsSync(lockFile)).toBe(false);
  });

  it('takes over a lock left by a process that died (killed, crashed, the machine restarted)', async () => {
    writeFileSync(lockFile, `${JSON.stringify({ pid: deadPid() })}\n`);
    const database = await openDatabase(config);
    try {
      expect(lockPid()).toBe(process.pid);
      await sql`select 1`.execute(database.db);
    } finally {
      await database.close();
    }

    // The other marks of a dead owner, on the lock alone (no database started for each):
    const stale: { why: string; content: string; linuxOnly?: boolean }[] = [
      // this very pid, written by an earlier process that had it (a container restarted: pid 1 again)
      { why: 'this pid, another process', content: JSON.stringify({ pid: process.pid, start: '1' }) },
      { why: 'this pid, not held here', content: JSON.stringify({ pid: process.pid }) },
      // a live pid, but written before the machine last started
      { why: 'another boot', content: JSON.stringify({ pid: 1, boot: 'not-this-boot' }), linuxOnly: true },
      // created, never written: its creator died at once
      { why: 'never written', content: '' },
    ];
    const linux = existsSync('/proc/sys/kernel/random/boot_id');
    for (const s of stale.filter((x) => linux || !x.linuxOnly)) {
      writeFileSync(lockFile, s.content);
      const old = new Date(Date.now() - 60_000);
      utimesSync(lockFile, old, old);
      const lock = await lockDataDir(dir).catch((err: unknown) => {
        throw new Error(`${s.why}: ${err instanceof Error ? err.message : String(err)}`);
      });
      expect(lockPid(), s.why).toBe(process.pid);
      lock.release();
      expect(existsSync(lockFile), s.why).toBe(false);
    }

    // …but a live process's lock is not taken over, whatever its age.
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      writeFileSync(lockFile, `${JSON.stringify({ pid: live.pid })}\n`);
      const old = new Date(Date.now() - 3_600_000);
      utimesSync(lockFile, old, old);
      await expect(lockDataDir(dir)).rejects.toMatchObject({ name: 'DataDirInUseError', pid: live.pid });
    } finally {
      live.kill('SIGKILL');
      await new Promise((r) => live.once('exit', r));
    }
    rmSync(lockFile);
  });

  it('two opens racing: exactly one wins, also when both take over the same stale lock', async () => {
    // In this process.
    for (const stale of [false, true]) {
      if (stale) writeFileSync(lockFile, `${JSON.stringify({ pid: deadPid() })}\n`);
      const results = await Promise.allSettled([openDatabase(config), openDatabase(config)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(DataDirInUseError);
      await won[0]?.value.close();
    }

    // Between processes: four of them take the lock at the same instant, round after round, each
    // round from a stale lock (a dead pid, or a file its creator never wrote). (A take-over that
    // deletes the stale lock and creates its own, without more, lets two win in a few rounds.)
    const dead = `${JSON.stringify({ pid: deadPid() })}\n`;
    const racers = await Promise.all(Array.from({ length: 4 }, () => startRacer()));
    try {
      for (let round = 0; round < 60; round++) {
        const unwritten = round % 4 === 3;
        writeFileSync(lockFile, unwritten ? '' : dead);
        if (unwritten) utimesSync(lockFile, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
        const at = performance.timeOrigin + performance.now() + 10;
        for (const r of racers) r.proc.stdin.write(`go ${at}\n`);
        const results = await Promise.all(racers.map((r) => r.next()));
        const winners = racers.filter((_, i) => results[i] === 'won');
        expect(
          winners.map((w) => w.proc.pid),
          `round ${round}: ${results.join(', ')}`,
        ).toHaveLength(1);
        const winner = winners[0]?.proc.pid;
        expect(lockPid()).toBe(winner);
        for (const [i, line] of results.entries())
          if (line !== 'won') expect(line, `racer ${i}`).toBe(`refused ${winner}`);
      }
    } finally {
      for (const r of racers) r.proc.stdin.end();
      await Promise.all(racers.map((r) => r.exited));
    }
    rmSync(lockFile, { force: true });
  }, 60_000);

  it('`npm run import -- doses` and the server, in processes of their own, refuse a held directory: exit 1, the message, nothing written; closed, a backup runs', async () => {
    const held = await open();
    try {
      const before = { files: readdirSync(dir).sort(), rows: await rows(held.db) };
      const csv = path.join(work, 'mui-tiem.csv');
      writeFileSync(
        csv,
        '\uFEFFHọ và tên,Ngày sinh,Giới tính,Số CCCD/CMND,Số điện thoại,Mã tỉnh,Mã vắc xin,Số lô,Ngày tiêm,Mã cơ sở tiêm\r\n' +
          'Nguyễn Văn Bình,10/10/1998,Nam,087098461221,0912345678,87,EU/1/20/1528,FF2587,15/11/2021,DT-CL-01\r\n',
      );
      const [command, server] = await Promise.all([
        runProcess(['src/cli.ts', 'import', 'doses', csv, '--facility', 'DT-CL-01'], {}),
        freePort().then((port) => runProcess(['src/main.ts'], { PORT: String(port), HOST: '127.0.0.1' })),
      ]);
      for (const [what, r] of [
        ['import', command],
        ['server', server],
      ] as const) {
        expect(r.code, `${what}: ${r.stdout}${r.stderr}`).toBe(1);
        expectRefusal(r.stderr, process.pid);
        // Said plainly: no stack trace, no "error:"/"fatal:" prefix, nothing on stdout.
        expect(r.stderr, what).not.toMatch(/^\s+at |fatal:|error:/m);
        expect(r.stdout, what).toBe('');
      }
      expect(readdirSync(dir).sort()).toEqual(before.files);
      expect(await rows(held.db)).toEqual(before.rows);
      expect(lockPid()).toBe(process.pid);
    } finally {
      await held.close();
    }

    // Once it is closed, the commands run: a backup, which holds the directory while it dumps it…
    const file = path.join(work, 'backup.tar.gz');
    const backup = await runProcess(['src/cli.ts', 'backup', file], {});
    expect(backup.code, backup.stderr).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
    expect(gunzipSync(readFileSync(file)).includes(DATA_DIR_LOCK_FILE)).toBe(true);
    // …restored without the command's lock in it: the new directory is locked by whoever opens it.
    const restored = path.join(work, 'restored');
    await restoreDatabase({ kind: 'pglite', dataDir: restored }, file);
    expect(readdirSync(restored)).not.toContain(DATA_DIR_LOCK_FILE);
  }, 90_000);
});

/** What an import would write: jobs, people, doses, audit entries. */
async function rows(db: Kysely<DB>) {
  const { rows } = await sql<Record<string, number>>`select
    (select count(*)::int from import_jobs) as jobs,
    (select count(*)::int from people) as people,
    (select count(*)::int from doses) as doses,
    (select count(*)::int from audit_log) as audit`.execute(db);
  return rows[0];
}

/** Runs `node --import tsx <args>` in the server package on `dir`; killed after 45 s (a server that did start). */
const runProcess = (args: string[], env: Record<string, string>) =>
  runTsx(args, { DATA_DIR: dir, WEB_DIST: '/nonexistent', ...env });

/**
 * A process that takes the directory's lock (`lockDataDir`, nothing else) on each `go <time>` line
 * at that instant (performance.timeOrigin + now, in ms) and answers `won` or `refused <pid>`; it
 * keeps what it won until its stdin ends.
 */
async function startRacer() {
  const script = `
    const { lockDataDir, DataDirInUseError } = await import(${JSON.stringify(path.join(SERVER_DIR, 'src/db/data-dir-lock.ts'))});
    const { createInterface } = await import('node:readline');
    const held = [];
    process.stdout.write('ready\\n');
    for await (const line of createInterface({ input: process.stdin })) {
      const at = Number(line.split(' ')[1]);
      while (performance.timeOrigin + performance.now() < at) {}
      try {
        held.push(await lockDataDir(${JSON.stringify(dir)}));
        process.stdout.write('won\\n');
      } catch (err) {
        process.stdout.write(err instanceof DataDirInUseError ? 'refused ' + err.pid + '\\n' : 'error ' + err.message + '\\n');
      }
    }
  `;
  const proc: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: SERVER_DIR, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let errors = '';
  proc.stderr.on('data', (d) => {
    errors += d;
  });
  const exited = new Promise((r) => proc.once('exit', r));
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error(`racer ${proc.pid} exited: ${errors}`);
    return r.value;
  };
  expect(await next()).toBe('ready');
  return { proc, next, exited };
}
