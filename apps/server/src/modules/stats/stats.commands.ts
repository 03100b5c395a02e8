import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { AGGREGATE_TABLES, type StatsSources } from './stats.fold.js';
import { foldStats, rebuildStatsNow } from './stats.job.js';
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
 * `stats-rebuild` (`npm run stats:rebuild`): counts every person, dose and report again from the
 * records in bulk (`rebuildStats`: images and aggregates made afresh in one transaction — readers
 * of the statistics wait for it and then see the new figures whole), then folds the changes marked
 * meanwhile. Needed after anything that changes what records count as without touching them — a
 * new official 2021 → 2025 unit mapping imported from the command line, a facility moved to another
 * commune, a correction made in the database by hand — and when `stats-verify` finds a difference.
 */
export async function statsRebuildCommand(
  db: Kysely<DB>,
  sources: StatsSources,
  io: CommandOutput,
  options: { batch?: number } = {},
): Promise<number> {
  const started = Date.now();
  let told = started;
  const done = await rebuildStatsNow(db, sources, {
    ...(options.batch ? { batch: options.batch } : {}),
    progress: (d) => {
      const now = Date.now();
      if (now - told < 2000) return;
      told = now;
      io.err(
        `walked ${d.people} people (${d.doses} doses) and ${d.reports} reports (${rate(d.people, now - started)} people/s)`,
      );
    },
  });
  io.err(
    `recounted ${done.people} people, ${done.doses} doses and ${done.reports} reports in ${Date.now() - started} ms`,
  );
  const folded = await drainWithProgress(db, sources, io);
  const ms = Date.now() - started;
  io.out(
    `statistics rebuilt: ${done.people} people, ${done.doses} doses and ${done.reports} reports counted again (${folded} changed meanwhile folded) in ${ms} ms, ${rate(done.people, ms)} people/s`,
  );
  return 0;
}
