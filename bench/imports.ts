/**
 * Benchmark: the bulk import of historical doses on PostgreSQL (issue 16).
 *
 *   node --conditions=source --import tsx bench/imports.ts [--quick] [--csv-rows N] [--xlsx-rows N] [--known-share F] [--node-defaults | --server-heap-mb N]
 *
 * 1. Files: a CSV of `--csv-rows` rows (default 1,000,000) and an XLSX of `--xlsx-rows` rows (default
 *    200,000), in the template's columns: synthetic people (core's `syntheticPopulation`, valid ID
 *    numbers, names with diacritics, phones) with two Pfizer doses each four weeks apart between
 *    June and October 2021 at the demo site DT-CL-01, and one row in 50 broken (a date that does not
 *    exist, an unknown lot, a missing name, a dose in the future). A share of the CSV's people
 *    (`--known-share`, default 0.1) is already on record, loaded with COPY: their rows match.
 * 2. Baseline, same run: the file's rows COPY'd into a bare table of ten text columns (no index, no
 *    check) — the speed of getting the same bytes into PostgreSQL at all — before and after the
 *    import; the import's rows/s is reported as a ratio to their mean.
 * 3. The import as a clerk runs it: the server as production runs it (`npm start`'s command: `node`
 *    with the heap options of the root package.json's start script, `apps/server/dist/main.js`,
 *    built first; `--node-defaults` or `--server-heap-mb` to compare), the file
 *    uploaded with `POST /api/imports`, the job polled until done; rows/s from the job's own start
 *    and end (the first pass that counts the rows included); the app process's peak resident memory
 *    (VmHWM) and its resident memory sampled at each poll.
 * With `--floor`, before the import: the floor of the CSV's rows (bench/lib/import-floor.ts: people,
 *    doses and one audit entry per dose written with COPY and one INSERT … SELECT, no check) in a
 *    fresh database of the same server; the CSV import is also given as a ratio to it.
 * 4. Checks: the job is done, rows read = rows in the file, rejected = the broken rows, the doses in
 *    the database = those imported, one audit entry per imported dose.
 *
 * Writes bench/results/imports.json and bench/results/imports.md; prints the Markdown.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type SyntheticPerson, syntheticPopulation, TEMPLATE_CSV_HEADER } from '@tiemchung/core';
import pg from 'pg';
import ExcelJS from '../apps/server/src/lib/exceljs.js';
import { startScriptNodeArgs, startServerProcess } from '../apps/server/src/test/process.js';
import { BENCH_MASTER_KEY, signIn } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { copyBaseline, type Floor, measureFloor } from './lib/import-floor.js';
import { loadPeople } from './lib/load-people.js';
import { enableStatements, readStatements, resetStatements, type StatementStat } from './lib/pg-stats.js';
import { createBenchDatabase, serverSettings, startBenchServer } from './lib/postgres.js';
import {
  fmt,
  markdownTable,
  REPO_ROOT,
  RESULTS_DIR,
  reportOutcome,
  runIfEntry,
  runMeta,
  writeResults,
} from './lib/report.js';

export const importsOptionsSpec = {
  quick: { type: 'boolean' },
  'csv-rows': { type: 'string' },
  'xlsx-rows': { type: 'string' },
  'known-share': { type: 'string' },
  'server-heap-mb': { type: 'string' },
  'node-defaults': { type: 'boolean' },
  floor: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const USAGE = `usage: bench/imports.ts [--quick] [--csv-rows N] [--xlsx-rows N] [--known-share F] [--node-defaults | --server-heap-mb N]
  --quick          20,000 CSV rows and 5,000 XLSX rows
  --csv-rows N     rows of the CSV file (default 1000000)
  --xlsx-rows N    rows of the XLSX file (default 200000)
  --known-share F  share of the CSV's people already on record (default 0.1)
  --server-heap-mb N  the server's V8 old-space limit alone (node --max-old-space-size) instead of npm start's options
  --node-defaults  the server with Node's own heap settings instead of npm start's options
  --floor          also the floor of the CSV's rows (bench/imports-floor.ts) in a fresh database, same run: the import as a ratio to it`;

export const HEADER = TEMPLATE_CSV_HEADER.split(',');
const FACILITY = 'DT-CL-01';
const PFIZER = 'EU/1/20/1528';
const LOT = 'FF2587';
const BROKEN_EVERY = 50;

const log = (m: string) => console.error(`[imports] ${m}`);
const vn = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The file's rows: two doses per person, one row in 50 broken in one of four ways. */
export function* fileRows(seed: string, rows: number): Generator<string[]> {
  let n = 0;
  for (const p of syntheticPopulation(seed, Math.ceil(rows / 2))) {
    const first = addDays('2021-07-01', n % 60);
    for (const on of [first, addDays(first, 28)]) {
      if (n >= rows) return;
      yield brokenOrNot(p, on, n++);
    }
  }
}

function brokenOrNot(p: SyntheticPerson, on: string, n: number): string[] {
  const row = [p.fullName, vn(p.dateOfBirth), p.gender === 'male' ? 'Nam' : 'Nữ', p.idNumber, p.phone, p.provinceCode];
  const dose = [PFIZER, LOT, vn(on), FACILITY];
  if (n % BROKEN_EVERY !== BROKEN_EVERY - 1) return [...row, ...dose];
  switch (((n / BROKEN_EVERY) % 4) | 0) {
    case 0:
      return [row[0]!, '31/02/1990', ...row.slice(2), ...dose];
    case 1:
      return [...row, PFIZER, 'KHONG-CO-LO', vn(on), FACILITY];
    case 2:
      return ['', ...row.slice(1), ...dose];
    default:
      return [...row, PFIZER, LOT, '01/01/2099', FACILITY];
  }
}

const csvCell = (c: string) => (/[",;\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);

export async function writeCsv(file: string, seed: string, rows: number): Promise<void> {
  async function* lines() {
    yield `\uFEFF${HEADER.join(',')}\r\n`;
    let chunk = '';
    let k = 0;
    for (const r of fileRows(seed, rows)) {
      chunk += `${r.map(csvCell).join(',')}\r\n`;
      if (++k % 10_000 === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(lines(), createWriteStream(file));
}

export async function writeXlsx(file: string, seed: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('Mũi tiêm');
  ws.addRow([...HEADER]).commit();
  for (const r of fileRows(seed, rows)) ws.addRow(r).commit();
  ws.commit();
  await wb.commit();
}

/** The same rows as CSV text for the baseline's COPY (the XLSX's rows too). */
async function writeBaselineCsv(file: string, seed: string, rows: number): Promise<void> {
  await writeCsv(file, seed, rows);
}

/** The server as production runs it: `node <npm start's options> apps/server/dist/main.js`, built first (tsc -b, incremental). */
interface BuiltServer {
  readonly origin: string;
  readonly pid: number;
  close(): Promise<void>;
}

async function startBuiltServer(env: Record<string, string>, nodeArgs: readonly string[]): Promise<BuiltServer> {
  log('building the server (tsc -b)');
  execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/core', 'apps/server'],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
  const server = await startServerProcess(env, { built: true, nodeArgs });
  return {
    origin: server.base,
    pid: server.proc.pid!,
    async close() {
      if (server.proc.exitCode !== null) return;
      server.proc.kill('SIGTERM');
      const timer = setTimeout(() => server.proc.kill('SIGKILL'), 15_000);
      await server.exited;
      clearTimeout(timer);
    },
  };
}

/** A process's resident memory now and at its peak, MB (Linux /proc). */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

interface ImportRun {
  readonly kind: 'csv' | 'xlsx';
  readonly rows: number;
  readonly fileMb: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly baselineRowsPerSecond: readonly number[];
  readonly ratio: number;
  readonly rssMbStart: number;
  readonly rssMbSamples: readonly number[];
  readonly peakRssMb: number;
  readonly job: Record<string, unknown>;
  /** Where PostgreSQL spent its time during the import (pg_stat_statements, top 10), when available. */
  readonly statements: readonly StatementStat[];
  /** With `--floor`, the CSV's: the floor of its rows, same run, and the import's rate as a ratio to it. */
  readonly floor?: Floor & { readonly importRatio: number };
}

async function runImport(
  app: BuiltServer,
  token: string,
  file: string,
  kind: 'csv' | 'xlsx',
): Promise<{
  job: Record<string, unknown>;
  seconds: number;
  rssMbSamples: number[];
  rssMbStart: number;
  peakMb: number;
}> {
  const bytes = readFileSync(file);
  const form = new FormData();
  form.set('facilityId', FACILITY);
  form.set(
    'file',
    new Blob([bytes], {
      type: kind === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    }),
    path.basename(file),
  );
  const rssMbStart = memoryOf(app.pid).rssMb;
  const res = await fetch(`${app.origin}/api/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (res.status !== 202) throw new Error(`upload: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const samples: number[] = [];
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const j = (await (
      await fetch(`${app.origin}/api/imports/${id}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as Record<string, unknown>;
    samples.push(memoryOf(app.pid).rssMb);
    if (samples.length % 10 === 0)
      log(`  ${j.status}: ${j.rowsRead}/${j.totalRows} rows, ${j.rowsPerSecond} rows/s, ${j.secondsLeft} s left`);
    if (!['queued', 'running'].includes(String(j.status))) {
      const seconds = (Date.parse(String(j.finishedAt)) - Date.parse(String(j.startedAt))) / 1000;
      return { job: j, seconds, rssMbSamples: samples, rssMbStart, peakMb: memoryOf(app.pid).peakMb };
    }
  }
}

/** The server's node options, and how the results name them. */
function serverOptions(heapMb: number, nodeDefaults: boolean): { nodeArgs: string[]; settings: string } {
  if (heapMb)
    return { nodeArgs: [`--max-old-space-size=${heapMb}`], settings: `\`node --max-old-space-size=${heapMb}\`` };
  if (nodeDefaults) return { nodeArgs: [], settings: "Node's defaults (no option)" };
  const nodeArgs = startScriptNodeArgs();
  return { nodeArgs, settings: `\`node ${nodeArgs.join(' ')}\` (npm start's)` };
}

export async function main(argv: readonly string[] = process.argv.slice(2)) {
  const { values } = parseArgs({ args: [...argv], options: importsOptionsSpec, strict: true });
  const num = numberOption(USAGE);
  const quick = values.quick ?? false;
  const csvRows = num('csv-rows', values['csv-rows'], quick ? 20_000 : 1_000_000, 10);
  const xlsxRows = num('xlsx-rows', values['xlsx-rows'], quick ? 5_000 : 200_000, 0);
  const knownShare = num('known-share', values['known-share'], 0.1, 0);
  const heapMb = num('server-heap-mb', values['server-heap-mb'], 0, 0);
  const { nodeArgs, settings } = serverOptions(heapMb, values['node-defaults'] ?? false);
  const dir = await mkdtemp(path.join(tmpdir(), 'tc-bench-imports-'));
  const server = await startBenchServer(log, { shared_preload_libraries: 'pg_stat_statements' });
  const failures: string[] = [];
  let app: BuiltServer | undefined;
  try {
    let floor: Floor | undefined;
    if (values.floor) {
      log(`the floor of ${fmt(csvRows)} rows (a fresh database)`);
      floor = await measureFloor(server, csvRows, 'bench-imports-floor');
      log(`  floor: ${fmt(floor.rowsPerSecond)} rows/s`);
    }
    const db = await createBenchDatabase(server);
    const known = Math.floor((csvRows / 2) * knownShare);
    if (known > 0) await loadPeople(db.url, { count: known, indexes: 'keep', seed: 'bench-imports-csv', log });

    log(`writing the files: ${fmt(csvRows)} CSV rows, ${fmt(xlsxRows)} XLSX rows`);
    const csv = path.join(dir, 'mui-tiem.csv');
    await writeCsv(csv, 'bench-imports-csv', csvRows);
    const xlsx = path.join(dir, 'mui-tiem.xlsx');
    const xlsxAsCsv = path.join(dir, 'mui-tiem-xlsx.csv');
    if (xlsxRows) {
      await writeXlsx(xlsx, 'bench-imports-xlsx', xlsxRows);
      await writeBaselineCsv(xlsxAsCsv, 'bench-imports-xlsx', xlsxRows);
    }

    app = await startBuiltServer(
      {
        DATABASE_URL: db.url,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        RECHECK_INTERVAL_MS: '0',
        REPORT_ESCALATION_INTERVAL_MS: '0',
        IMPORTS_INTERVAL_MS: '200',
        TIEMCHUNG_MASTER_KEY: BENCH_MASTER_KEY,
        TIEMCHUNG_DEMO_DATA: 'true',
      },
      nodeArgs,
    );
    const token = await signIn(app.origin, 'caolanh.tiem');
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const count = async (q: string) => Number((await pool.query<{ n: string }>(q)).rows[0]!.n);

    const runs: ImportRun[] = [];
    for (const [kind, file, rows, baselineFile] of [
      ['csv', csv, csvRows, csv],
      ...(xlsxRows ? [['xlsx', xlsx, xlsxRows, xlsxAsCsv] as const] : []),
    ] as const) {
      const baseline = [await copyBaseline(db.url, baselineFile, rows)];
      log(`${kind}: baseline COPY ${fmt(baseline[0]!)} rows/s; importing ${fmt(rows)} rows`);
      const dosesBefore = await count('select count(*) as n from doses');
      const auditBefore = await count(`select count(*) as n from audit_log where action = 'dose.create'`);
      const statsClient = await pool.connect();
      const withStatements = await enableStatements(statsClient);
      if (withStatements) await resetStatements(statsClient);
      const r = await runImport(app, token, file, kind);
      const statements = withStatements ? (await readStatements(statsClient)).slice(0, 10) : [];
      statsClient.release();
      for (const st of statements) log(`  ${fmt(st.execMs)} ms in ${fmt(st.calls)} calls: ${st.query.slice(0, 110)}`);
      baseline.push(await copyBaseline(db.url, baselineFile, rows));
      const rowsPerSecond = rows / r.seconds;
      const mean = (baseline[0]! + baseline[1]!) / 2;
      const run: ImportRun = {
        kind,
        rows,
        fileMb: statSync(file).size / 1024 / 1024,
        seconds: r.seconds,
        rowsPerSecond,
        baselineRowsPerSecond: baseline,
        ratio: rowsPerSecond / mean,
        rssMbStart: r.rssMbStart,
        rssMbSamples: r.rssMbSamples,
        peakRssMb: r.peakMb,
        job: r.job,
        statements,
        ...(floor && kind === 'csv' ? { floor: { ...floor, importRatio: rowsPerSecond / floor.rowsPerSecond } } : {}),
      };
      runs.push(run);
      log(
        `${kind}: ${fmt(rowsPerSecond)} rows/s in ${r.seconds.toFixed(1)} s = ${run.ratio.toFixed(3)} × COPY; peak RSS ${fmt(r.peakMb)} MB`,
      );
      const j = r.job;
      const broken = Math.floor(rows / BROKEN_EVERY);
      if (j.status !== 'done') failures.push(`${kind}: job ${String(j.status)}: ${JSON.stringify(j.error)}`);
      if (j.rowsRead !== rows) failures.push(`${kind}: rows read ${String(j.rowsRead)} ≠ ${rows}`);
      if (j.rejected !== broken) failures.push(`${kind}: rejected ${String(j.rejected)} ≠ ${broken} broken rows`);
      const added = (await count('select count(*) as n from doses')) - dosesBefore;
      if (added !== j.imported)
        failures.push(`${kind}: ${added} doses in the database ≠ ${String(j.imported)} imported`);
      const audited = (await count(`select count(*) as n from audit_log where action = 'dose.create'`)) - auditBefore;
      if (audited !== added) failures.push(`${kind}: ${audited} audit entries ≠ ${added} doses`);
    }
    await pool.end();

    const table = markdownTable(
      [
        'file',
        'rows',
        'MB',
        'import s',
        'import rows/s',
        'COPY rows/s (before, after)',
        'ratio',
        'imported',
        'matched',
        'new people',
        'rejected',
        'server RSS start → peak MB',
      ],
      runs.map((r) => [
        r.kind.toUpperCase(),
        fmt(r.rows),
        r.fileMb.toFixed(0),
        r.seconds.toFixed(1),
        fmt(r.rowsPerSecond),
        r.baselineRowsPerSecond.map((b) => fmt(b)).join(', '),
        r.ratio.toFixed(3),
        fmt(Number(r.job.imported)),
        fmt(Number(r.job.matchedPeople)),
        fmt(Number(r.job.newPeople)),
        fmt(Number(r.job.rejected)),
        `${fmt(r.rssMbStart)} → ${fmt(r.peakRssMb)}`,
      ]),
    );
    const floorLine = runs
      .filter((r) => r.floor)
      .map(
        (r) =>
          `The floor of the CSV's rows, same run (people, doses and their audit entries written with COPY and one INSERT … SELECT, no check): ${fmt(r.floor!.rowsPerSecond)} rows/s (people ${fmt(r.floor!.people.seconds, 1)} s, doses ${fmt(r.floor!.doses.seconds, 1)} s, audit entries ${fmt(r.floor!.audit.seconds, 1)} s); the import is **${r.floor!.importRatio.toFixed(3)} ×** the floor.\n\n`,
      )
      .join('');
    const md = `# Bulk import (issue 16)\n\nServer: \`apps/server/dist/main.js\` with ${settings}.\n\n${table}\n\n${floorLine}PostgreSQL: ${JSON.stringify(await serverSettings(db.url))}\n`;
    console.log(md);
    writeResults('imports', { meta: runMeta(), nodeArgs, runs, failures });
    writeFileSync(path.join(RESULTS_DIR, 'imports.md'), md);
    reportOutcome(path.join('bench', 'results', 'imports.json'), failures);
    await app.close();
    await db.drop();
    return runs;
  } finally {
    await app?.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await runIfEntry(import.meta.url, main);
