import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.js';
import {
  AGGREGATE_TABLES,
  type AggregateName,
  currentPeopleImages,
  mapping2025,
  type StatsSources,
} from './stats.fold.js';
import { countDose, countPerson, countReport, newDeltas, reportImage } from './stats.images.js';

/** One aggregate row that differs from the recount. */
export interface StatsDifference {
  readonly aggregate: AggregateName;
  readonly key: Record<string, unknown>;
  readonly stored: number;
  readonly recounted: number;
}

/**
 * Counts every aggregate again from the records (every person, dose and report, read through the
 * modules that own them) and compares with what the incremental fold keeps. Returns the rows that
 * differ (none when the figures equal the records) and what was walked. Run it when nothing is
 * marked (`drainStats` first): a change not yet folded is a difference.
 */
export async function verifyStats(
  db: Executor,
  sources: StatsSources,
  options: { batch?: number } = {},
): Promise<{ differences: StatsDifference[]; people: number; reports: number }> {
  const batch = options.batch ?? 5000;
  const expected = newDeltas();
  let people = 0;
  for (let after = ''; ; ) {
    const ids = await sources.personIdsAfter(db, after, batch);
    if (ids.length === 0) break;
    const now = await currentPeopleImages(db, sources, ids);
    for (const p of now.persons) countPerson(expected, p, 1);
    for (const d of now.doses) countDose(expected, d, 1);
    people += ids.length;
    after = ids[ids.length - 1] as string;
  }
  let reports = 0;
  const map = await mapping2025(db);
  for (let after = ''; ; ) {
    const ids = await sources.reportIdsAfter(db, after, batch);
    if (ids.length === 0) break;
    for (const r of await sources.reports(db, ids)) countReport(expected, reportImage(r, map), 1);
    reports += ids.length;
    after = ids[ids.length - 1] as string;
  }

  const differences: StatsDifference[] = [];
  for (const name of Object.keys(AGGREGATE_TABLES) as AggregateName[]) {
    const { table, key } = AGGREGATE_TABLES[name];
    const want = new Map<string, { row: Record<string, unknown>; n: number }>();
    for (const e of expected[name].changed()) want.set(keyOf(e.row, key), e);
    const stored = await sql<Record<string, unknown>>`select * from ${sql.table(table)} where n <> 0`.execute(db);
    for (const row of stored.rows) {
      const k = keyOf(row, key);
      const w = want.get(k);
      want.delete(k);
      const n = Number(row.n);
      if (!w || w.n !== n) differences.push({ aggregate: name, key: pick(row, key), stored: n, recounted: w?.n ?? 0 });
    }
    for (const w of want.values())
      differences.push({ aggregate: name, key: pick(w.row, key), stored: 0, recounted: w.n });
  }
  return { differences, people, reports };
}

/** A row's key as text, the same whether it came from the database or from a recount. */
function keyOf(row: Record<string, unknown>, key: readonly string[]): string {
  return key.map((c) => normal(row[c])).join('\u0000');
}

function normal(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return new Date(v).toISOString();
  return String(v);
}

function pick(row: Record<string, unknown>, key: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(key.map((c) => [c, normal(row[c])]));
}
