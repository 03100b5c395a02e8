import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { unitOfWork } from '../../db/transaction.js';
import { foldPeople, foldReports, mapping2025, type StatsSources } from './stats.fold.js';
import { rebuildStats } from './stats.rebuild.js';

/**
 * The fold job: counts the marked people and reports into the aggregates, a batch per transaction,
 * until none is left or `budgetMs` has passed (the next run goes on). Safe on several nodes at once
 * (marks are claimed with SKIP LOCKED). Returns how many people and reports were counted.
 */
export async function foldStats(
  db: Kysely<DB>,
  sources: StatsSources,
  options: { batch?: number; budgetMs?: number } = {},
): Promise<number> {
  const batch = options.batch ?? 2000;
  const until = Date.now() + (options.budgetMs ?? 5000);
  let total = 0;
  // The 2021 → 2025 map, from the database's cache (a transaction would miss it every time).
  const map = await mapping2025(db);
  for (;;) {
    const people = await unitOfWork(db, (trx) => foldPeople(trx, sources, batch, map));
    const reports = await unitOfWork(db, (trx) => foldReports(trx, sources, batch, map));
    total += people + reports;
    if ((people < batch && reports < batch) || Date.now() > until) return total;
  }
}

/** Folds until nothing is marked (tests, the consistency check and the benchmark). */
export async function drainStats(db: Kysely<DB>, sources: StatsSources): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await foldStats(db, sources, { budgetMs: 60_000 });
    total += n;
    if (n === 0) return total;
  }
}

/** The bulk recount (`rebuildStats`) as one transaction of its own (the `stats:rebuild` command). */
export function rebuildStatsNow(
  db: Kysely<DB>,
  sources: StatsSources,
  options: Parameters<typeof rebuildStats>[2] = {},
): ReturnType<typeof rebuildStats> {
  return unitOfWork(db, (trx) => rebuildStats(trx, sources, options));
}
