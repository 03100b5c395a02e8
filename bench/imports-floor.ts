/**
 * Benchmark: the floor of a bulk import on PostgreSQL — what any import of historical doses must
 * write, written the fastest way PostgreSQL takes rows, with no check at all — against the
 * baseline of issue 16's target, a COPY of the same number of rows into a bare table, same run.
 *
 *   node --conditions=source --import tsx bench/imports-floor.ts [--rows N] [--rounds R]
 *
 * Per round, on a fresh database the app's bootstrap made (the schema with its indexes, keys and
 * triggers, as a live system has them — a national table's indexes cannot be dropped for an import):
 * 1. the baseline: the import benchmark's CSV of N rows (`bench/imports.ts`'s file) COPY'd into a
 *    table of ten text columns, no index;
 * 2. the people: N / 2 synthetic people COPY'd into `people` (two doses each, as in the file);
 * 3. the doses: N doses of those people COPY'd into `doses` (its partitions, indexes, keys and the
 *    statement trigger that claims their keys);
 * 4. their audit entries: one `dose.create` entry per dose — the issue asks for one per imported
 *    dose — as ONE `INSERT … SELECT` over the doses (the entry's after-image, its units and person).
 *
 * The floor's rate is N / (the time of 2 + 3 + 4): the COPYs' own times (the rows are generated as
 * they stream; the loaders' VACUUM ANALYZE and CHECKPOINT afterwards are not counted). It leaves out everything an import does besides
 * these writes: reading the file, every rule of staff entry, matching people, the registry, row
 * keys, statistics, the people's own audit entries, the transactions per batch. So no import that
 * keeps these tables can be faster than this floor; the ratio floor / baseline bounds the ratio
 * issue 16 measures.
 *
 * Writes bench/results/imports-floor.{json,md}.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import pg from 'pg';
import { copyBaseline, writeCsv } from './imports.js';
import { BENCH_MASTER_KEY, startAppProcess } from './lib/app-process.js';
import { numberOption } from './lib/args.js';
import { loadDoses, loadFacilities } from './lib/load-doses.js';
import { loadPeople } from './lib/load-people.js';
import { createBenchDatabase, serverSettings, startBenchServer } from './lib/postgres.js';
import { fmt, markdownTable, RESULTS_DIR, reportOutcome, runIfEntry, runMeta, writeResults } from './lib/report.js';

const USAGE = 'bench/imports-floor.ts [--rows N] [--rounds R]';
export const importsFloorOptionsSpec = {
  rows: { type: 'string' },
  rounds: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const log = (m: string) => console.error(`[imports-floor] ${m}`);

/** One audit entry per dose, as the import writes them, in one statement. */
const AUDIT_ENTRIES = `
  insert into audit_log (actor_id, actor_username, actor_role, action, entity_type, entity_id, after,
                         request_id, unit_codes, person_ids)
  select 'bench-floor', 'caolanh.tiem', 'site_staff', 'dose.create', 'dose', d.id, to_jsonb(d), 'import:bench-floor',
         array_remove(array['d:' || d.district_code, 'f:' || d.facility_id, 'p:' || d.province_code], null),
         array[d.person_id]
    from doses d`;

interface Round {
  readonly round: number;
  readonly baselineRowsPerSecond: number;
  readonly people: { readonly rows: number; readonly seconds: number };
  readonly doses: { readonly rows: number; readonly seconds: number };
  readonly audit: { readonly rows: number; readonly seconds: number };
  readonly floorRowsPerSecond: number;
  readonly ratio: number;
}

export async function main(argv: readonly string[] = process.argv.slice(2)) {
  const { values } = parseArgs({ args: [...argv], options: importsFloorOptionsSpec, strict: true });
  const num = numberOption(USAGE);
  const rows = num('rows', values.rows, 200_000, 1000);
  const roundsAsked = num('rounds', values.rounds, 2, 1);
  const meta = runMeta();
  const failures: string[] = [];
  const server = await startBenchServer(log);
  const dir = mkdtempSync(path.join(tmpdir(), 'tiemchung-imports-floor.'));
  const rounds: Round[] = [];
  let settings: Record<string, string> = {};
  try {
    const csv = path.join(dir, 'mui-tiem.csv');
    await writeCsv(csv, 'bench-imports-csv', rows);
    for (let round = 1; round <= roundsAsked; round++) {
      const database = await createBenchDatabase(server);
      try {
        // The app's bootstrap: provinces, vaccines, the demo units, facilities and lots.
        const app = await startAppProcess({
          env: {
            DATABASE_URL: database.url,
            NODE_ENV: 'test',
            LOG_LEVEL: 'warn',
            RECHECK_INTERVAL_MS: '0',
            TIEMCHUNG_MASTER_KEY: BENCH_MASTER_KEY,
            TIEMCHUNG_DEMO_DATA: 'true',
          },
        });
        await app.close();
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          if (round === 1) settings = await serverSettings(database.url);
          const baselineRowsPerSecond = await copyBaseline(database.url, csv, rows);
          const people = Math.ceil(rows / 2);
          // The COPY's own time (loadPeople and loadDoses then VACUUM ANALYZE and CHECKPOINT, not counted).
          const peopleSeconds =
            (await loadPeople(database.url, { count: people, indexes: 'keep', seed: `floor-${round}` })).copyMs / 1000;
          const facilities = await loadFacilities(client);
          const dosesLoad = await loadDoses(database.url, {
            doses: rows,
            facilities: facilities.byProvince,
            keepIndexes: true,
            seed: `floor-${round}`,
          });
          const doses = dosesLoad.doses;
          const dosesSeconds = dosesLoad.copyMs / 1000;
          const auditStarted = performance.now();
          const entries = (await client.query(AUDIT_ENTRIES)).rowCount ?? 0;
          const auditSeconds = (performance.now() - auditStarted) / 1000;
          if (doses !== rows) failures.push(`round ${round}: ${doses} doses written, ${rows} asked`);
          if (entries !== doses) failures.push(`round ${round}: ${entries} audit entries for ${doses} doses`);
          const floorRowsPerSecond = rows / (peopleSeconds + dosesSeconds + auditSeconds);
          const r: Round = {
            round,
            baselineRowsPerSecond,
            people: { rows: people, seconds: peopleSeconds },
            doses: { rows: doses, seconds: dosesSeconds },
            audit: { rows: entries, seconds: auditSeconds },
            floorRowsPerSecond,
            ratio: floorRowsPerSecond / baselineRowsPerSecond,
          };
          rounds.push(r);
          log(
            `round ${round}: COPY into a bare table ${fmt(baselineRowsPerSecond)} rows/s; people ${fmt(peopleSeconds, 1)} s, ` +
              `doses ${fmt(dosesSeconds, 1)} s, audit entries ${fmt(auditSeconds, 1)} s: floor ${fmt(floorRowsPerSecond)} rows/s = ${r.ratio.toFixed(3)} × COPY`,
          );
        } finally {
          await client.end();
        }
      } finally {
        await database.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.stop();
  }

  const md = [
    `# Bulk import: the floor of the writes against a bare COPY (${meta.date}, ${meta.commit})`,
    '',
    `${fmt(rows)} rows; PostgreSQL ${settings.server_version ?? '?'} (shared_buffers ${settings.shared_buffers ?? '?'}, synchronous_commit ${settings.synchronous_commit ?? '?'}, fsync ${settings.fsync ?? '?'}).`,
    '',
    markdownTable(
      [
        'round',
        'COPY, bare table (rows/s)',
        'people (s)',
        'doses (s)',
        'audit entries (s)',
        'floor (rows/s)',
        'floor ÷ COPY',
      ],
      rounds.map((r) => [
        String(r.round),
        fmt(r.baselineRowsPerSecond),
        `${fmt(r.people.seconds, 1)} (${fmt(r.people.rows)})`,
        `${fmt(r.doses.seconds, 1)} (${fmt(r.doses.rows)})`,
        `${fmt(r.audit.seconds, 1)} (${fmt(r.audit.rows)})`,
        fmt(r.floorRowsPerSecond),
        r.ratio.toFixed(3),
      ]),
    ),
  ].join('\n');
  const file = writeResults('imports-floor', { meta, rows, settings, rounds, failures });
  writeFileSync(path.join(RESULTS_DIR, 'imports-floor.md'), `${md}\n`);
  console.log(md);
  reportOutcome(file, failures);
}

runIfEntry(import.meta.url, main);
