import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ImportJob, prng, type SyntheticPerson, syntheticPopulation } from '@tiemchung/core';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../config.js';
import { openDatabase } from '../../db/database.js';
import ExcelJS from '../../lib/exceljs.js';
import { otherCccd } from '../../test/factories.js';
import { createTestDatabase } from '../../test/harness.js';
import { CONTRACT_COLUMNS, csvLine, DT_SITE, templateRow } from '../../test/import-rows.js';
import { type ServerProcess, startServerProcess } from '../../test/process.js';

/**
 * Crash safety of the bulk import (issue 16): the server is killed with SIGKILL while it works
 * through a file of several thousand rows (several batches, whatever their size); after a restart
 * on the same database the job resumes once its lease has expired, and the end state equals an
 * uninterrupted import of the same file into a second, fresh database: the same summary, the same
 * doses, people, row keys and audit entries, the same rejected rows — none lost, none doubled.
 *
 * Black-box over HTTP (the runner's inside may change); the two databases are compared directly
 * once both servers have stopped. PGlite (a data directory) by default, PostgreSQL when
 * DATABASE_URL is set.
 */

const SITE = 'caolanh.tiem';
const ASTRAZENECA = 'EU/1/21/1529';
const ASTRAZENECA_LOT = 'ABV5811';

/**
 * The runner as the test runs it: it looks for work every 200 ms, a lease lasts 1.5 s.
 *
 * And a request may wait a minute for a database connection (DATABASE_QUEUE_WAIT_MS, 2 s by
 * default): on the embedded database (one connection) a batch's transaction holds it for seconds,
 * so with the default the progress polls are shed with 503 for as long as the job runs and may
 * never see it mid-file; waiting instead, a poll is served as soon as a batch commits. (A runner's
 * statement shed so used to fail the job for good: found by this test, mended in c2186f2 and tested
 * in imports.test.ts.)
 */
const RUNNER_ENV = { IMPORTS_INTERVAL_MS: '200', IMPORTS_LEASE_MS: '1500', DATABASE_QUEUE_WAIT_MS: '60000' };

// ---- the file: 6,130 rows, deterministic ----

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const rowOf = templateRow;

/**
 * The rows, shuffled: new people with one dose; people with two or three doses (their rows far
 * apart, so later ones find the person an earlier batch created, and some come before the dose
 * they follow); records without an ID number matched again by name, date of birth and phone;
 * rows refused by the cells' checks or by the dose rules (some after the person was created: the
 * row is undone whole); rows repeated within the file. Every dose before 1 Nov 2021 (retroactive:
 * no verified identity needed, so the registry's answers cannot change the outcome).
 */
function buildRows(): string[][] {
  const rnd = prng(16);
  const people = [...syntheticPopulation('import-crash-v1', 9000)].filter((p) => p.dateOfBirth < '2001-01-01');
  let next = 0;
  const person = () => {
    const p = people[next++];
    if (!p) throw new Error('not enough synthetic people');
    return p;
  };
  const day = (from: string, span: number) => addDays(from, Math.floor(rnd() * span));
  const rows: string[][] = [];
  const valid: string[][] = [];
  const add = (r: string[]) => {
    rows.push(r);
    valid.push(r);
  };
  const singles = Array.from({ length: 2600 }, () => person());
  for (const p of singles) add(rowOf(p, { on: day('2021-06-15', 130) }));
  // Another ID number with the name, birth date and phone of someone in the file: a new person
  // flagged as a duplicate candidate, as at the desk (whichever of the two comes second).
  for (const p of singles.slice(0, 30))
    add(rowOf(p, { on: day('2021-06-15', 130) }, { idNumber: otherCccd(p.idNumber) }));
  for (let i = 0; i < 1000; i++) {
    const p = person();
    const first = day('2021-06-15', 60);
    add(rowOf(p, { on: first }));
    add(rowOf(p, { on: addDays(first, 28 + Math.floor(rnd() * 20)) }));
  }
  for (let i = 0; i < 250; i++) {
    const p = person();
    const first = day('2021-03-01', 30);
    add(rowOf(p, { on: first, vaccine: ASTRAZENECA, lot: ASTRAZENECA_LOT }));
    add(rowOf(p, { on: addDays(first, 35), vaccine: ASTRAZENECA, lot: ASTRAZENECA_LOT }));
    add(rowOf(p, { on: addDays(first, 190), vaccine: ASTRAZENECA, lot: ASTRAZENECA_LOT }));
  }
  // Records without an ID number: kept as legacy records, found again by name, birth date and phone.
  for (let i = 0; i < 100; i++) {
    const p = person();
    const first = day('2021-06-15', 60);
    add(rowOf(p, { on: first }, { idNumber: '' }));
    add(rowOf(p, { on: addDays(first, 30) }, { idNumber: '' }));
  }
  // Refused rows, each kind 40 times.
  const refused: ((p: SyntheticPerson) => string[][])[] = [
    (p) => [rowOf(p, { on: '2021-09-15' }, { fullName: '' })],
    (p) => [rowOf(p, { on: '2021-09-15' }, { dateOfBirth: '31/02/1990' })],
    (p) => [rowOf(p, { on: '2021-09-15' }, { gender: 'X' })],
    (p) => [rowOf(p, { on: '2021-09-15' }, { province: '99' })],
    (p) => [rowOf(p, { on: '2021-09-15', vaccine: 'Không có' })],
    (p) => [rowOf(p, { on: '2099-01-01' })],
    (p) => [rowOf(p, { on: '2021-09-15', lot: 'KHONG-CO-LO' })],
    (p) => [rowOf(p, { on: '2021-09-15', facility: 'HN-BD-01' })],
    // Two doses 5 days apart: the later one is refused when it comes second in the file (the dose
    // rules check a dose against the one before it, so an earlier dose entered after is not).
    (p) => [rowOf(p, { on: '2021-08-01' }), rowOf(p, { on: '2021-08-06' })],
  ];
  for (const make of refused) for (let i = 0; i < 40; i++) rows.push(...make(person()));
  // Rows repeated within the file (the repeat is "already imported").
  for (let i = 0; i < 150; i++) rows.push([...valid[Math.floor(rnd() * valid.length)]!]);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows;
}

const ROWS = buildRows();
const FILE = Buffer.from(`\uFEFF${[CONTRACT_COLUMNS, ...ROWS].map((r) => csvLine(r)).join('\r\n')}\r\n`, 'utf8');

// ---- the databases ----

const dirs: string[] = [];
const servers: ServerProcess[] = [];
const pgs = process.env.DATABASE_URL ? [await createTestDatabase(), await createTestDatabase()] : [];
afterAll(async () => {
  // A server left running by a failed test is stopped before its database goes.
  for (const s of servers) {
    if (s.proc.exitCode === null && s.proc.signalCode === null) {
      s.proc.kill('SIGKILL');
      await s.exited;
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const pg of pgs) await pg.drop();
});
for (const pg of pgs) await pg.database.close();

/** A fresh database for a server process: a PostgreSQL database, or a PGlite data directory. */
function freshDatabase(i: number): { env: Record<string, string>; config: Parameters<typeof openDatabase>[0] } {
  const pg = pgs[i];
  if (pg) {
    if (pg.config.database.kind !== 'postgres') throw new Error('expected PostgreSQL');
    return { env: { DATABASE_URL: pg.config.database.url }, config: pg.config.database };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'tc-import-crash-'));
  dirs.push(dir);
  return { env: { DATA_DIR: dir }, config: { kind: 'pglite', dataDir: dir } };
}

// ---- HTTP ----

/**
 * `fetch`, again while the server answers 503 (`Retry-After`): on the embedded database a batch
 * holds its one connection for seconds, and a request that waits longer than
 * DATABASE_QUEUE_WAIT_MS is shed — a client retries.
 */
let shed = 0;
async function call(server: ServerProcess, url: string, init: RequestInit = {}): Promise<Response> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`${server.base}${url}`, init);
    if (res.status !== 503 || Date.now() > deadline) return res;
    shed++;
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Signs in (retrying a 503) and returns the bearer header. */
async function login(server: ServerProcess): Promise<Record<string, string>> {
  const res = await call(server, '/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: SITE, password: DEMO_PASSWORD }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
}

/** A server process on a database, its import runner set as the test needs it. */
async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess({ ...env, ...RUNNER_ENV });
  servers.push(server);
  return server;
}

async function upload(server: ServerProcess, headers: Record<string, string>): Promise<string> {
  const form = new FormData();
  form.set('facilityId', DT_SITE);
  form.set('file', new Blob([FILE], { type: 'text/csv' }), 'mui-tiem-lich-su.csv');
  const res = await call(server, '/api/imports', {
    method: 'POST',
    headers: { authorization: headers.authorization! },
    body: form,
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function jobOf(server: ServerProcess, headers: Record<string, string>, id: string): Promise<ImportJob> {
  const res = await call(server, `/api/imports/${id}`, { headers });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ImportJob;
}

/** Polls the job until `done` (or another end), failing with the server's output after `ms`. */
async function untilEnded(server: ServerProcess, headers: Record<string, string>, id: string, ms = 240_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const job = await jobOf(server, headers, id);
    if (!['queued', 'running'].includes(job.status)) return job;
    if (Date.now() > deadline)
      throw new Error(`import still ${job.status} at ${job.rowsRead} rows: ${server.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The rejected rows' file: each row's number in the original file and its reasons. */
async function rejectedRows(server: ServerProcess, headers: Record<string, string>, id: string) {
  const res = await call(server, `/api/imports/${id}/rejected.xlsx`, { headers });
  expect(res.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const rows: string[] = [];
  wb.worksheets[0]!.eachRow((row, n) => {
    if (n === 1) return;
    const values = (row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)));
    const w = CONTRACT_COLUMNS.length;
    rows.push(`${values[w]} ${values.slice(0, w).join(',')} → ${values[w + 1]}`);
  });
  return rows;
}

/** The server's log lines about the import (the background jobs' 503s left out). */
const importLog = (server: ServerProcess) =>
  server
    .output()
    .split('\n')
    .filter((l) => l && !/sealing the audit log failed|statistics fold failed/.test(l))
    .join('\n')
    .slice(-5000);

/** Stops a server the way an operator does (SIGTERM) and checks it exits cleanly. */
async function stop(server: ServerProcess) {
  server.proc.kill('SIGTERM');
  expect(await server.exited, server.output()).toBe(0);
}

/** The job's summary without its id and times. */
const summaryOf = (j: ImportJob) =>
  Object.fromEntries(
    Object.entries(j).filter(
      ([k]) => !['id', 'createdAt', 'startedAt', 'finishedAt', 'rowsPerSecond', 'secondsLeft'].includes(k),
    ),
  );

// ---- the end state, read from the database ----

async function endState(config: Parameters<typeof openDatabase>[0], jobId: string) {
  const database = await openDatabase(config);
  const db = database.db;
  try {
    const request = `import:${jobId}`;
    const counts = (
      await sql<Record<string, number>>`
        select
          (select count(*)::int from people) as people,
          (select count(*)::int from doses) as doses,
          (select count(*)::int from doses where source = 'import') as "importedDoses",
          (select count(*)::int from import_row_keys where job_id = ${jobId}) as "rowKeys",
          (select count(*)::int from import_rejected_rows where job_id = ${jobId}) as "rejectedRows",
          (select count(*)::int from audit_log where request_id = ${request}) as "auditEntries",
          (select count(*)::int from audit_log where request_id = ${request} and entity_type = 'dose') as "doseAudits",
          (select count(*)::int from audit_log where request_id = ${request} and action = 'person.create') as "personAudits",
          (select count(*)::int from duplicate_candidates) as "duplicateCandidates",
          -- a person with two doses on the same day of the same vaccine
          (select count(*)::int from (select 1 from doses group by person_id, administered_on, vaccine_code
             having count(*) > 1) x) as "sameDayTwice",
          -- an imported dose without exactly one audit entry of its creation
          (select count(*)::int from doses d where d.source = 'import' and (select count(*) from audit_log a
             where a.entity_type = 'dose' and a.entity_id = d.id::text and a.action like 'dose.create%') <> 1)
            as "dosesNotAuditedOnce",
          -- a row key without its dose, or a dose of the job without its key
          (select count(*)::int from import_row_keys k where k.job_id = ${jobId}
             and not exists (select 1 from doses d where d.id = k.dose_id)) as "keysWithoutDose"
      `.execute(db)
    ).rows[0]!;
    // Every imported dose and its person, as an uninterrupted run would write them (ids and times aside).
    const doses = (
      await sql<{ d: string }>`
        select concat_ws('|', coalesce(p.id_number, 'legacy'), p.full_name, p.date_of_birth::text, p.phone,
                         p.legacy::text, d.vaccine_code, d.lot_number, d.administered_on::text, d.facility_id,
                         d.dose_number::text, d.dose_kind, d.retroactive::text) as d
        from doses d join people p on p.id = d.person_id where d.source = 'import' order by 1`.execute(db)
    ).rows.map((r) => r.d);
    const people = (
      await sql<{ p: string }>`
        select concat_ws('|', coalesce(id_number, 'legacy'), full_name, date_of_birth::text, phone, province_code,
                         registered_facility_id) as p
        from people order by 1`.execute(db)
    ).rows.map((r) => r.p);
    const keys = (
      await sql<{ key: string }>`select key from import_row_keys where job_id = ${jobId} order by 1`.execute(db)
    ).rows.map((r) => r.key);
    const auditActions = (
      await sql<{ a: string }>`
        select action || ' ' || count(*)::text as a from audit_log where request_id = ${request}
        group by action order by 1`.execute(db)
    ).rows.map((r) => r.a);
    return { counts, doses, people, keys, auditActions };
  } finally {
    await database.close();
  }
}

describe('a server killed (SIGKILL) in the middle of a bulk import', () => {
  it('resumes the job after a restart, and ends in the state of an uninterrupted import of the same file', async () => {
    const t0 = Date.now();
    const log = (what: string) => console.info(`[import crash] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);

    // Two servers on two fresh databases, side by side: one is killed mid-file and restarted, the
    // other imports the same file without interruption.
    const crashed = freshDatabase(0);
    const straightDb = freshDatabase(1);
    const [first, reference] = await Promise.all([start(crashed.env), start(straightDb.env)]);
    let server = first;
    let headers = await login(server);
    const refHeaders = await login(reference);
    const refId = await upload(reference, refHeaders);
    const straightRun = (async () => {
      const job = await untilEnded(reference, refHeaders, refId);
      log(`uninterrupted job ${job.status}${job.error ? ` ${JSON.stringify(job.error)}` : ''}`);
      const rejected = await rejectedRows(reference, refHeaders, refId);
      await stop(reference);
      return { job, rejected };
    })();
    straightRun.catch(() => {}); // awaited below; the afterAll stops the server if the test fails first

    // The crash run: upload, wait until a batch is committed and more are to come, SIGKILL.
    const id = await upload(server, headers);
    log(`uploaded ${ROWS.length} rows to both`);
    let atKill: ImportJob | undefined;
    let last: ImportJob | undefined;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
      const job = await jobOf(server, headers, id);
      last = job;
      if (job.status === 'running' && job.rowsRead > 0 && job.rowsRead < ROWS.length) {
        server.proc.kill('SIGKILL');
        atKill = job;
        break;
      }
      if (!['queued', 'running'].includes(job.status)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!atKill) server.proc.kill('SIGKILL');
    await server.exited;
    if (!atKill) {
      throw new Error(
        `the import was not caught mid-file (it ended, or never committed a batch, before the kill): the crash was not tested — make the file bigger. Last seen: ${JSON.stringify(last)}\n${importLog(server)}`,
      );
    }
    log(`killed at ${atKill.rowsRead} / ${atKill.totalRows} rows`);
    expect(atKill.totalRows).toBe(ROWS.length);

    // Restarted on the same database: the job is still unfinished, nothing committed is lost; once
    // the dead runner's lease has expired, a runner of the new process resumes it to the end.
    server = await start(crashed.env);
    headers = await login(server);
    const afterRestart = await jobOf(server, headers, id);
    log(`restarted: ${afterRestart.status} at ${afterRestart.rowsRead} rows`);
    expect(afterRestart.rowsRead).toBeGreaterThanOrEqual(atKill.rowsRead);
    const resumed = await untilEnded(server, headers, id);
    log(`resumed job ${resumed.status}`);
    expect(resumed.status, `${JSON.stringify(resumed)}\n${importLog(server)}`).toBe('done');
    const resumedRejected = await rejectedRows(server, headers, id);
    await stop(server);

    const { job: straight, rejected: straightRejected } = await straightRun;
    log(`summary: ${JSON.stringify(summaryOf(straight))}`);
    expect(straight.status, `${JSON.stringify(straight)}\n${importLog(reference)}`).toBe('done');

    // The file is what it should be: mostly imported, some refused, some repeated.
    expect(straight.rowsRead).toBe(ROWS.length);
    expect(straight.imported + straight.rejected + straight.skippedAlreadyImported).toBe(ROWS.length);
    expect(straight.imported).toBeGreaterThan(ROWS.length * 0.9);
    for (const code of [
      'import_value_required',
      'import_date_invalid',
      'import_gender_invalid',
      'import_province_unknown',
      'unknown_vaccine',
      'date_in_future',
      'unknown_lot',
      'out_of_scope',
    ])
      expect(straight.rejectedByReason[code], code).toBe(40);
    expect(straight.rejectedByReason.interval_too_short).toBeGreaterThan(0);
    expect(straight.skippedAlreadyImported).toBeGreaterThan(0);
    expect(straight.matchedPeople).toBeGreaterThan(1000);
    expect(straight.duplicatesFlagged).toBeGreaterThan(0);

    // The same summary: every counter, the rejections by reason, the total.
    expect(summaryOf(resumed)).toEqual(summaryOf(straight));
    // Every rejected row listed once, the same rows for the same reasons.
    expect(resumedRejected).toHaveLength(straight.rejected);
    expect(new Set(resumedRejected.map((r) => r.split(' ')[0])).size).toBe(straight.rejected);
    expect(resumedRejected).toEqual(straightRejected);

    // The same records: doses, people, row keys, audit entries; none doubled.
    const a = await endState(crashed.config, id);
    const b = await endState(straightDb.config, refId);
    log(`compared: ${JSON.stringify(a.counts)}; requests shed with 503 and retried: ${shed}`);
    expect(a.counts).toEqual(b.counts);
    expect(a.counts.importedDoses).toBe(straight.imported);
    expect(a.counts.rowKeys).toBeGreaterThanOrEqual(straight.imported);
    expect(a.counts.rejectedRows).toBe(straight.rejected);
    expect(a.counts.doseAudits).toBeGreaterThanOrEqual(straight.imported);
    expect(a.counts.personAudits).toBe(straight.newPeople);
    expect(a.counts.sameDayTwice).toBe(0);
    expect(a.counts.dosesNotAuditedOnce).toBe(0);
    expect(a.counts.keysWithoutDose).toBe(0);
    expect(a.auditActions).toEqual(b.auditActions);
    expect(a.doses).toEqual(b.doses);
    expect(a.people).toEqual(b.people);
    expect(a.keys).toEqual(b.keys);
  }, 300_000);
});
