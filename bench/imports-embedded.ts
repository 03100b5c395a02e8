/**
 * Benchmark: the staff's requests while a bulk import runs on the embedded database (PGlite), whose
 * one connection each batch's transaction holds — batches sized by time (IMPORTS_BATCH_TARGET_MS,
 * the default 250 ms) against fixed batches of 200 rows (`IMPORTS_BATCH_TARGET_MS=0`, as before),
 * same run, alternating rounds, each on a fresh data directory.
 *
 *   node --conditions=source --import tsx bench/imports-embedded.ts [--rows N] [--rounds R]
 *
 * The server is built and started as `npm start` starts it (`dist/main.js` with its node options),
 * on PGlite with the demo data. The file: N rows of records without an ID number (legacy records,
 * matched and checked one by one: the slowest rows there are), uploaded by a site's clerk. While it
 * runs, every 500 ms, the clerk reads the job (`GET /api/imports/{id}`) and a desk in another
 * province searches people (`GET /api/people?q=…`), at once; each answer's status and time are kept.
 *
 * Writes bench/results/imports-embedded.{json,md}; exits non-zero when an import did not finish.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { syntheticPopulation, TEMPLATE_CSV_HEADER } from '@tiemchung/core';
import { startServerProcess } from '../apps/server/src/test/process.js';
import { signIn } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
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
import { median } from './lib/stats.js';

const USAGE = 'bench/imports-embedded.ts [--rows N] [--rounds R]';
export const importsEmbeddedOptionsSpec = {
  rows: { type: 'string' },
  rounds: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const log = (m: string) => console.error(`[imports-embedded] ${m}`);
const vn = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** The variants compared: IMPORTS_BATCH_TARGET_MS. */
const VARIANTS = [
  { name: 'fixed batches of 200 rows', target: '0' },
  { name: 'batches of about 250 ms', target: '250' },
] as const;

/** N legacy rows (no ID number), each a different person, a Pfizer dose at the demo site. */
function legacyCsv(rows: number): Buffer {
  const lines = [TEMPLATE_CSV_HEADER];
  let n = 0;
  for (const p of syntheticPopulation('imports-embedded', rows)) {
    const on = `2021-08-${String(1 + (n++ % 28)).padStart(2, '0')}`;
    lines.push(
      [p.fullName, vn(p.dateOfBirth), p.gender === 'male' ? 'Nam' : 'Nữ', '', p.phone, '87', 'EU/1/20/1528', 'FF2587']
        .concat([vn(on), 'DT-CL-01'])
        .join(','),
    );
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`);
}

interface Probe {
  readonly status: number;
  readonly ms: number;
}

interface Run {
  readonly variant: string;
  readonly round: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly job: Record<string, unknown>;
  readonly probes: { readonly job: readonly Probe[]; readonly search: readonly Probe[] };
}

/** One read: its status and time, and its body (JSON). */
async function timed(url: string, token: string): Promise<Probe & { body: unknown }> {
  const started = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body: unknown = await res.json();
  return { status: res.status, ms: performance.now() - started, body };
}

async function runOnce(variant: (typeof VARIANTS)[number], round: number, file: Buffer): Promise<Run> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tc-imports-embedded-'));
  const server = await startServerProcess(
    {
      DATA_DIR: dataDir,
      TIEMCHUNG_DEMO_DATA: 'true',
      IMPORTS_INTERVAL_MS: '500',
      IMPORTS_BATCH_TARGET_MS: variant.target,
    },
    { built: true },
  );
  try {
    const clerk = await signIn(server.base, 'caolanh.tiem');
    const desk = await signIn(server.base, 'hanoi.tiem');
    const form = new FormData();
    form.set('facilityId', 'DT-CL-01');
    form.set('file', new Blob([file], { type: 'text/csv' }), 'nhap-hoi-cuu.csv');
    const res = await fetch(`${server.base}/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clerk}` },
      body: form,
    });
    if (res.status !== 202) throw new Error(`upload: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    const probes = { job: [] as Probe[], search: [] as Probe[] };
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      const [job, search] = await Promise.all([
        timed(`${server.base}/api/imports/${id}`, clerk),
        timed(`${server.base}/api/people?q=${encodeURIComponent('Nguyễn')}`, desk),
      ]);
      probes.job.push({ status: job.status, ms: job.ms });
      probes.search.push({ status: search.status, ms: search.ms });
      if (job.status !== 200) continue;
      const j = job.body as Record<string, unknown>;
      if (['queued', 'running'].includes(String(j.status))) continue;
      const seconds = (Date.parse(String(j.finishedAt)) - Date.parse(String(j.startedAt))) / 1000;
      log(`${variant.name}, round ${round}: ${j.status}, ${j.rowsRead} rows in ${seconds.toFixed(1)} s`);
      return { variant: variant.name, round, seconds, rowsPerSecond: Number(j.rowsRead) / seconds, job: j, probes };
    }
  } finally {
    server.proc.kill('SIGTERM');
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const answered = (p: readonly Probe[]) => p.filter((x) => x.status === 200).length;
const quantile = (values: readonly number[], q: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : Number.NaN;
};

export async function main(argv: readonly string[] = process.argv.slice(2)) {
  const { values } = parseArgs({ args: [...argv], options: importsEmbeddedOptionsSpec, strict: true });
  const num = numberOption(USAGE);
  const rows = num('rows', values.rows, 1000, 10);
  const rounds = num('rounds', values.rounds, 2, 1);
  const meta = runMeta();
  const failures: string[] = [];
  log('building the server (tsc -b)');
  execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/core', 'apps/server'],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
  const file = legacyCsv(rows);
  const runs: Run[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 ? VARIANTS : [...VARIANTS].reverse();
    for (const v of order) {
      const run = await runOnce(v, round, file);
      if (run.job.status !== 'done' || run.job.rowsRead !== rows)
        failures.push(`${v.name}, round ${round}: ${JSON.stringify(run.job)}`);
      runs.push(run);
    }
  }
  const table = markdownTable(
    ['batches', 'round', 'import s', 'rows/s', 'requests answered (job, search)', 'answer ms: median, p95, worst'],
    runs.map((r) => {
      const all = [...r.probes.job, ...r.probes.search];
      const ok = all.filter((p) => p.status === 200).map((p) => p.ms);
      return [
        r.variant,
        String(r.round),
        r.seconds.toFixed(1),
        fmt(r.rowsPerSecond, 1),
        `${answered(r.probes.job)} / ${r.probes.job.length}, ${answered(r.probes.search)} / ${r.probes.search.length}`,
        ok.length
          ? `${fmt(median(ok))}, ${fmt(quantile(ok, 0.95))}, ${fmt(Math.max(...all.map((p) => p.ms)))}`
          : `—, —, ${fmt(Math.max(...all.map((p) => p.ms)))}`,
      ];
    }),
  );
  const md = [
    '# Bulk import on the embedded database: the staff’s requests meanwhile',
    '',
    `${fmt(rows)} records without an ID number (matched and checked one by one), uploaded by a site’s clerk; the job and a people search read every 500 ms, at once. ${rounds} rounds, alternating, each on a fresh data directory. Requests not answered got 503 (no database connection within the queue’s wait).`,
    '',
    table,
    '',
  ].join('\n');
  console.log(md);
  writeFileSync(path.join(RESULTS_DIR, 'imports-embedded.md'), md);
  writeResults('imports-embedded', { meta, rows, rounds, runs, failures });
  reportOutcome('imports-embedded', failures);
}

await runIfEntry(import.meta.url, main);
