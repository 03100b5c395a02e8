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
import { writeCsv } from './imports.js';
import { numberOption } from './lib/args.js';
import { copyBaseline, type Floor, measureFloor } from './lib/import-floor.js';
import { createBenchDatabase, serverSettings, startBenchServer } from './lib/postgres.js';
import { fmt, markdownTable, RESULTS_DIR, reportOutcome, runIfEntry, runMeta, writeResults } from './lib/report.js';

const USAGE = 'bench/imports-floor.ts [--rows N] [--rounds R]';
export const importsFloorOptionsSpec = {
  rows: { type: 'string' },
  rounds: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const log = (m: string) => console.error(`[imports-floor] ${m}`);

interface Round {
  readonly round: number;
  readonly baselineRowsPerSecond: number;
  readonly floor: Floor;
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
      const bare = await createBenchDatabase(server);
      let baselineRowsPerSecond: number;
      try {
        if (round === 1) settings = await serverSettings(bare.url);
        baselineRowsPerSecond = await copyBaseline(bare.url, csv, rows);
      } finally {
        await bare.drop();
      }
      const floor = await measureFloor(server, rows, `floor-${round}`);
      const r: Round = { round, baselineRowsPerSecond, floor, ratio: floor.rowsPerSecond / baselineRowsPerSecond };
      rounds.push(r);
      log(
        `round ${round}: COPY into a bare table ${fmt(baselineRowsPerSecond)} rows/s; people ${fmt(floor.people.seconds, 1)} s, ` +
          `doses ${fmt(floor.doses.seconds, 1)} s, audit entries ${fmt(floor.audit.seconds, 1)} s: floor ${fmt(floor.rowsPerSecond)} rows/s = ${r.ratio.toFixed(3)} × COPY`,
      );
    }
  } catch (err) {
    failures.push(err instanceof Error ? err.message : String(err));
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
        `${fmt(r.floor.people.seconds, 1)} (${fmt(r.floor.people.rows)})`,
        `${fmt(r.floor.doses.seconds, 1)} (${fmt(r.floor.doses.rows)})`,
        `${fmt(r.floor.audit.seconds, 1)} (${fmt(r.floor.audit.rows)})`,
        fmt(r.floor.rowsPerSecond),
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
