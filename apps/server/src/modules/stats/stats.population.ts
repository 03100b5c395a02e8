import { AGE_BANDS, type AgeBand, type PopulationSource, type StatsLevel } from '@tiemchung/core';
import type { Executor } from '../../db/transaction.js';

/** A unit's population: in all, by sex and by age band. */
export interface PopulationCells {
  total: number;
  bySex: Record<'male' | 'female', number>;
  byAgeBand: Record<AgeBand, number>;
}

/** The population import in use (the latest active one), or null when none was imported. */
export async function activePopulationSource(db: Executor): Promise<PopulationSource | null> {
  const row = await db
    .selectFrom('stats_population_imports')
    .selectAll()
    .where('active', '=', true)
    .orderBy('imported_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    source: row.source,
    year: row.year,
    rows: row.rows,
    importedAt: new Date(row.imported_at).toISOString(),
    importedBy: row.imported_by,
  };
}

/**
 * The population of these units of one level (both schemes' levels: the import rolls every row up
 * to all of them), from the import in use. Units without figures are absent from the map.
 */
export async function populationOf(
  db: Executor,
  level: StatsLevel,
  codes: readonly string[],
): Promise<Map<string, PopulationCells>> {
  const source = await activePopulationSource(db);
  if (!source || codes.length === 0) return new Map();
  const rows = await db
    .selectFrom('stats_population')
    .select(['unit_code', 'sex', 'age_band', 'n'])
    .where('import_id', '=', source.id)
    .where('level', '=', level)
    .where('unit_code', 'in', codes)
    .execute();
  const out = new Map<string, PopulationCells>();
  for (const r of rows) {
    let cells = out.get(r.unit_code);
    if (!cells) {
      cells = {
        total: 0,
        bySex: { male: 0, female: 0 },
        byAgeBand: Object.fromEntries(AGE_BANDS.map((b) => [b, 0])) as Record<AgeBand, number>,
      };
      out.set(r.unit_code, cells);
    }
    const n = Number(r.n);
    cells.total += n;
    if (r.sex === 'male' || r.sex === 'female') cells.bySex[r.sex] += n;
    if ((AGE_BANDS as readonly string[]).includes(r.age_band)) cells.byAgeBand[r.age_band as AgeBand] += n;
  }
  return out;
}
