/**
 * The two measures issue 16's rate is held against, same run: a COPY of the file's rows into a bare
 * table, and the floor of an import — what any import must write, written as fast as PostgreSQL
 * takes rows, with no check at all (BENCHMARKS.md, "The floor").
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { bootstrapBenchDatabase } from './app-process.js';
import { loadDoses, loadFacilities } from './load-doses.js';
import { loadPeople } from './load-people.js';
import { type BenchServer, createBenchDatabase } from './postgres.js';

/** COPY of the file's rows into a bare table of text columns; rows per second. */
export async function copyBaseline(url: string, csvFile: string, rows: number, columns = 10): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('drop table if exists bench_import_bare');
    await client.query(
      `create table bench_import_bare (${Array.from({ length: columns }, (_, i) => `c${i} text`).join(', ')})`,
    );
    const started = performance.now();
    const copy = client.query(copyFrom('copy bench_import_bare from stdin with (format csv, header true)'));
    await pipeline(createReadStream(csvFile), copy);
    const seconds = (performance.now() - started) / 1000;
    if (copy.rowCount !== rows) throw new Error(`baseline COPY wrote ${copy.rowCount} rows, expected ${rows}`);
    await client.query('drop table bench_import_bare');
    return rows / seconds;
  } finally {
    await client.end();
  }
}

/** One audit entry per dose, as the import writes them, in one statement. */
const AUDIT_ENTRIES = `
  insert into audit_log (actor_id, actor_username, actor_role, action, entity_type, entity_id, after,
                         request_id, unit_codes, person_ids)
  select 'bench-floor', 'caolanh.tiem', 'site_staff', 'dose.create', 'dose', d.id, to_jsonb(d), 'import:bench-floor',
         array_remove(array['d:' || d.district_code, 'f:' || d.facility_id, 'p:' || d.province_code], null),
         array[d.person_id]
    from doses d`;

export interface Floor {
  readonly people: { readonly rows: number; readonly seconds: number };
  readonly doses: { readonly rows: number; readonly seconds: number };
  readonly audit: { readonly rows: number; readonly seconds: number };
  /** rows / (people + doses + audit entries seconds). */
  readonly rowsPerSecond: number;
}

/**
 * The floor for `rows` file rows, on a fresh database of `server` the app's bootstrap makes (every
 * index, key and trigger in place, as on a live system): rows / 2 people with COPY into `people`,
 * `rows` doses of them with COPY into `doses`, one `dose.create` audit entry per dose in ONE
 * `INSERT … SELECT`. Times are the COPYs' own (the loaders' VACUUM ANALYZE and CHECKPOINT after
 * them are not counted). The database is dropped after.
 */
export async function measureFloor(server: BenchServer, rows: number, seed: string): Promise<Floor> {
  const database = await createBenchDatabase(server);
  try {
    await bootstrapBenchDatabase(database.url);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const people = Math.ceil(rows / 2);
      const peopleSeconds = (await loadPeople(database.url, { count: people, indexes: 'keep', seed })).copyMs / 1000;
      const facilities = await loadFacilities(client);
      const doses = await loadDoses(database.url, {
        doses: rows,
        facilities: facilities.byProvince,
        keepIndexes: true,
        seed,
      });
      const auditStarted = performance.now();
      const entries = (await client.query(AUDIT_ENTRIES)).rowCount ?? 0;
      const auditSeconds = (performance.now() - auditStarted) / 1000;
      if (doses.doses !== rows) throw new Error(`the floor wrote ${doses.doses} doses, ${rows} asked`);
      if (entries !== rows) throw new Error(`the floor wrote ${entries} audit entries for ${rows} doses`);
      const seconds = peopleSeconds + doses.copyMs / 1000 + auditSeconds;
      return {
        people: { rows: people, seconds: peopleSeconds },
        doses: { rows, seconds: doses.copyMs / 1000 },
        audit: { rows: entries, seconds: auditSeconds },
        rowsPerSecond: rows / seconds,
      };
    } finally {
      await client.end();
    }
  } finally {
    await database.drop();
  }
}
