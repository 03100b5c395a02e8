import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import { unitOfWork } from '../../db/transaction.js';
import { AGGREGATE_TABLES, type StatsSources } from './stats.fold.js';
import { foldStats } from './stats.job.js';
import { markPeopleForStats, markReportsForStats } from './stats.marks.js';
import { verifyStats } from './stats.verify.js';

/** Where a command writes: its result (stdout) and its progress (stderr). */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Folds until nothing is marked, telling the progress every few seconds. Returns people and reports counted. */
async function drainWithProgress(db: Kysely<DB>, sources: StatsSources, io: CommandOutput): Promise<number> {
  const started = Date.now();
  let total = 0;
  let told = started;
  for (;;) {
    const n = await foldStats(db, sources, { budgetMs: 2000 });
    total += n;
    const now = Date.now();
    if (n > 0 && now - told >= 2000) {
      io.err(`counted ${total} people and reports (${rate(total, now - started)}/s)`);
      told = now;
    }
    if (n === 0) break;
  }
  io.err(`counted ${total} people and reports in ${Date.now() - started} ms (${rate(total, Date.now() - started)}/s)`);
  return total;
}

const rate = (n: number, ms: number) => Math.round((n * 1000) / Math.max(ms, 1));

/**
 * `stats-verify` (`npm run stats:verify`): counts what is marked, then recounts every aggregate
 * from the records and prints each row that differs. Exit code 0 (one line of summary) when the
 * aggregates equal the records, 1 when any differs.
 */
export async function statsVerifyCommand(db: Kysely<DB>, sources: StatsSources, io: CommandOutput): Promise<number> {
  io.err('counting the changes not yet counted…');
  await drainWithProgress(db, sources, io);
  io.err('recounting every aggregate from the records…');
  const started = Date.now();
  const r = await verifyStats(db, sources);
  const ms = Date.now() - started;
  if (r.differences.length === 0) {
    io.out(
      `statistics OK: every aggregate equals the records (${r.people} people with their doses, ${r.reports} reports recounted in ${ms} ms)`,
    );
    return 0;
  }
  for (const d of r.differences) {
    const key = Object.entries(d.key)
      .map(([k, v]) => `${k}=${v === '' ? "''" : v}`)
      .join(' ');
    io.out(
      `${d.aggregate} (${AGGREGATE_TABLES[d.aggregate].table}) ${key}: stored ${d.stored}, recounted ${d.recounted}`,
    );
  }
  io.out(
    `statistics DIFFER: ${r.differences.length} aggregate rows differ from the records (${r.people} people, ${r.reports} reports recounted); run \`npm run stats:rebuild\``,
  );
  return 1;
}

/**
 * `stats-rebuild` (`npm run stats:rebuild`): marks every person and report (walking their ids
 * through the modules that own them), then counts them all again. The figures stay readable
 * meanwhile and move to the recount as it goes (`lagSeconds` shows it). Needed after anything
 * that changes what records count as without touching them — a new official 2021 → 2025 unit
 * mapping, a facility moved to another commune, a correction made in the database by hand.
 * `reset`: empties the aggregates and the images first, in the same transaction as the marks (for
 * aggregates that no longer equal their images; the figures read zero until the fold has gone by).
 */
export async function statsRebuildCommand(
  db: Kysely<DB>,
  sources: StatsSources,
  io: CommandOutput,
  options: { reset?: boolean; batch?: number } = {},
): Promise<number> {
  const batch = options.batch ?? 5000;
  const started = Date.now();
  const marked = await unitOfWork(db, async (trx) => {
    if (options.reset) {
      const tables = [
        ...Object.values(AGGREGATE_TABLES).map((a) => a.table),
        'stats_person_image',
        'stats_dose_image',
        'stats_report_image',
      ];
      for (const table of tables) await sql`delete from ${sql.table(table)}`.execute(trx);
      io.err('emptied the aggregates and the images');
    }
    let people = 0;
    for (let after = ''; ; ) {
      const ids = await sources.personIdsAfter(trx, after, batch);
      if (ids.length === 0) break;
      await markPeopleForStats(trx, ids);
      people += ids.length;
      after = ids[ids.length - 1] as string;
    }
    let reports = 0;
    for (let after = ''; ; ) {
      const ids = await sources.reportIdsAfter(trx, after, batch);
      if (ids.length === 0) break;
      await markReportsForStats(trx, ids);
      reports += ids.length;
      after = ids[ids.length - 1] as string;
    }
    return { people, reports };
  });
  io.err(`marked ${marked.people} people and ${marked.reports} reports in ${Date.now() - started} ms`);
  const counted = await drainWithProgress(db, sources, io);
  const ms = Date.now() - started;
  io.out(
    `statistics rebuilt: ${marked.people} people and ${marked.reports} reports counted again (${counted} folded) in ${ms} ms, ${rate(counted, ms)} rows/s`,
  );
  return 0;
}
