/**
 * Loads a deterministic synthetic population into `people` with `COPY … FROM STDIN`, streaming
 * rows from `syntheticPopulation` as they are generated (no array of a million objects).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { nameSearchKey, type SyntheticPerson, syntheticPopulation, uuidv7 } from '@tiemchung/core';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** The seed of the benchmark population: the same seed gives the same people, in the same order. */
export const BENCH_SEED = 'bench-v1';

/** Columns written by the load; the others take their defaults (created_at/updated_at now(), version 1…). */
const COLUMNS = [
  'id',
  'full_name',
  'name_key',
  'date_of_birth',
  'gender',
  'id_type',
  'id_number',
  'phone',
  'province_code',
  'verification_status',
  'updated_at',
] as const;

/** Rows per chunk handed to the COPY stream. */
const ROWS_PER_CHUNK = 2000;

/**
 * `keep`: load with every index in place, as a live system would grow. `rebuild`: drop the
 * secondary indexes of `people`, load, then create them again (the primary key stays).
 */
export type IndexMode = 'keep' | 'rebuild';

export interface LoadOptions {
  readonly count: number;
  readonly seed?: string;
  readonly indexes: IndexMode;
  readonly log?: (line: string) => void;
}

export interface LoadResult {
  readonly people: number;
  readonly indexes: IndexMode;
  /** Time of the COPY itself (generation included: rows are generated while streaming). */
  readonly copyMs: number;
  /** Time to re-create the secondary indexes (`rebuild` only, else 0). */
  readonly indexMs: number;
  /** VACUUM (ANALYZE) and CHECKPOINT after the load. */
  readonly analyzeMs: number;
  /** people / (copy + index) seconds: the rate at which the population becomes searchable. */
  readonly peoplePerSecond: number;
  readonly tableBytes: number;
  readonly indexBytes: number;
}

/** One value in COPY text format (`\N` for null; backslash, tab, newline and CR escaped). */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : value;
}

/**
 * The COPY text lines of `count` people of `seed`, in chunks. Ids are UUIDv7 one millisecond apart,
 * so strictly increasing (like ids made over time); name keys are computed by `nameSearchKey`.
 */
export function* peopleCopyChunks(seed: string, count: number, updatedAt: string): Generator<string> {
  const keys = new Map<string, string>();
  const firstMs = Date.now() - count;
  let chunk = '';
  let rows = 0;
  let i = 0;
  for (const p of syntheticPopulation(seed, count)) {
    let key = keys.get(p.fullName);
    if (key === undefined) {
      key = nameSearchKey(p.fullName);
      keys.set(p.fullName, key);
    }
    chunk += `${personLine(uuidv7(firstMs + i), p, key, updatedAt)}\n`;
    i++;
    if (++rows === ROWS_PER_CHUNK) {
      yield chunk;
      chunk = '';
      rows = 0;
    }
  }
  if (chunk) yield chunk;
}

function personLine(id: string, p: SyntheticPerson, nameKey: string, updatedAt: string): string {
  return [
    id,
    p.fullName,
    nameKey,
    p.dateOfBirth,
    p.gender,
    'cccd',
    p.idNumber,
    p.phone,
    p.provinceCode,
    'verified',
    updatedAt,
  ]
    .map(copyText)
    .join('\t');
}

interface IndexDef {
  name: string;
  definition: string;
}

/** The secondary indexes of `people` (not those backing a constraint such as the primary key). */
async function secondaryIndexes(client: pg.Client): Promise<IndexDef[]> {
  const { rows } = await client.query<IndexDef>(`
    select i.relname as name, pg_get_indexdef(i.oid) as definition
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
     where x.indrelid = 'people'::regclass
       and not exists (select 1 from pg_constraint c where c.conindid = i.oid)
     order by i.relname`);
  return rows;
}

/**
 * Loads `count` synthetic people into the (empty) `people` table of the database at `url` with
 * COPY, then VACUUM (ANALYZE) and CHECKPOINT so the measurements that follow start from a settled
 * table (statistics, visibility map, no pending checkpoint of the load's writes).
 */
export async function loadPeople(url: string, options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? BENCH_SEED;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: existing } = await client.query<{ n: number }>('select count(*)::int as n from people');
    if (existing[0]?.n) throw new Error(`people is not empty (${existing[0].n} rows)`);

    const dropped = options.indexes === 'rebuild' ? await secondaryIndexes(client) : [];
    for (const ix of dropped) await client.query(`drop index ${ix.name}`);

    const { rows: now } = await client.query<{ now: string }>('select now()::text as now');
    const updatedAt = now[0]!.now;
    log(`loading ${options.count.toLocaleString('en')} people with COPY (indexes: ${options.indexes})`);
    const started = performance.now();
    const copy = client.query(copyFrom(`copy people (${COLUMNS.join(', ')}) from stdin`));
    await pipeline(Readable.from(peopleCopyChunks(seed, options.count, updatedAt)), copy);
    const copyMs = performance.now() - started;
    if (copy.rowCount !== options.count) throw new Error(`COPY wrote ${copy.rowCount} rows, expected ${options.count}`);

    const indexStarted = performance.now();
    for (const ix of dropped) {
      log(`  re-creating ${ix.name}`);
      await client.query(ix.definition);
    }
    const indexMs = performance.now() - indexStarted;

    const analyzeStarted = performance.now();
    await client.query('vacuum (analyze) people');
    await client.query('checkpoint').catch((err: unknown) => log(`  (no CHECKPOINT: ${String(err)})`));
    const analyzeMs = performance.now() - analyzeStarted;

    const { rows: sizes } = await client.query<{ table: string; indexes: string }>(
      `select pg_table_size('people')::text as table, pg_indexes_size('people')::text as indexes`,
    );
    return {
      people: options.count,
      indexes: options.indexes,
      copyMs,
      indexMs,
      analyzeMs,
      peoplePerSecond: options.count / ((copyMs + indexMs) / 1000),
      tableBytes: Number(sizes[0]?.table ?? 0),
      indexBytes: Number(sizes[0]?.indexes ?? 0),
    };
  } finally {
    await client.end();
  }
}
