import { type RawBuilder, sql } from 'kysely';
import type { Executor, Trx } from '../../db/transaction.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { facilityPlaces } from '../facilities/facilities.service.js';
import { unitMap2025 } from '../units/units.service.js';
import {
  type AggregateDeltas,
  countDose,
  countPerson,
  countReport,
  type Deltas,
  type DoseImage,
  newDeltas,
  type PersonImage,
  personImages,
  type ReportImage,
  reportImage,
  type StatsDoseRecord,
  type StatsPersonRecord,
  type StatsReportRecord,
  sameImage,
  type UnitMap2025,
} from './stats.images.js';

/**
 * The records the figures are counted from, read through the modules that own them. The stats
 * module sits below doses, people and reports (they mark their changes through it), so it cannot
 * import them: the server level hands these readers in (app.ts).
 */
export interface StatsSources {
  /** These people (merged ones too). */
  people(db: Executor, ids: readonly string[]): Promise<StatsPersonRecord[]>;
  /** The counted doses (duplicates left out) of these people. */
  doses(db: Executor, personIds: readonly string[]): Promise<StatsDoseRecord[]>;
  /** The priority group each person registered under, where they did. */
  priorityGroups(db: Executor, personIds: readonly string[]): Promise<Map<string, string>>;
  /** These reports. */
  reports(db: Executor, ids: readonly string[]): Promise<StatsReportRecord[]>;
  /** People ids after `after` in id order (a full recount walks them). */
  personIdsAfter(db: Executor, after: string, limit: number): Promise<string[]>;
  /** Report ids after `after` in id order. */
  reportIdsAfter(db: Executor, after: string, limit: number): Promise<string[]>;
}

const mapCache = new TtlCache<string, UnitMap2025>(60_000);

/**
 * The 2021 → 2025 map, a minute's cache per database (`db`: the database, not a transaction — a
 * transaction is a new object each time). An import of the mapping forgets it and rebuilds the
 * figures (app.ts).
 */
export async function mapping2025(db: Executor): Promise<UnitMap2025> {
  return (await mapCache.get(db, 'map', () => unitMap2025(db))) as UnitMap2025;
}

/** Forgets the cached map of a database (after an import of the official mapping). */
export function forgetMapping2025(db: Executor): void {
  mapCache.delete(db, 'map');
}

/** What the people's records count as now: their images and their doses' images. */
export async function currentPeopleImages(
  db: Executor,
  sources: StatsSources,
  ids: readonly string[],
  unitMap?: UnitMap2025,
) {
  const [people, doses, groups, map] = await Promise.all([
    sources.people(db, ids),
    sources.doses(db, ids),
    sources.priorityGroups(db, ids),
    unitMap ?? mapping2025(db),
  ]);
  const facilities = await facilityPlaces(db, [...new Set(doses.map((d) => d.facilityId))]);
  const dosesOf = new Map<string, StatsDoseRecord[]>();
  for (const d of doses) {
    const list = dosesOf.get(d.personId) ?? [];
    list.push(d);
    dosesOf.set(d.personId, list);
  }
  const persons: PersonImage[] = [];
  const doseImages: DoseImage[] = [];
  for (const p of people) {
    const img = personImages(p, dosesOf.get(p.id) ?? [], groups.get(p.id), facilities, map);
    if (!img) continue;
    persons.push(img.person);
    doseImages.push(...img.doses);
  }
  return { persons, doses: doseImages };
}

/**
 * Counts again the people marked since the last run (at most `limit`), in the caller's transaction:
 * claims their marks (SKIP LOCKED: several nodes may run it), reads what their records count as
 * now and what they were counted as (the images), and applies the difference to every aggregate.
 * Returns how many people were counted.
 */
export async function foldPeople(
  trx: Trx,
  sources: StatsSources,
  limit = 2000,
  unitMap?: UnitMap2025,
): Promise<number> {
  const ids = await claimMarks(trx, 'stats_dirty', 'person_id', limit);
  if (ids.length === 0) return 0;
  const now = await currentPeopleImages(trx, sources, ids, unitMap);
  const oldPeople = await trx.selectFrom('stats_person_image').selectAll().where('person_id', 'in', ids).execute();
  const oldDoses = await oldDoseImages(trx, ids, now.doses);
  const deltas = newDeltas();
  const diff = diffImages(
    oldPeople.map((p) => p as unknown as PersonImage),
    now.persons,
    (p) => p.person_id,
    (img, sign) => countPerson(deltas, img, sign),
  );
  const doseDiff = diffImages(
    oldDoses,
    now.doses,
    (d) => d.dose_id,
    (img, sign) => countDose(deltas, img, sign),
  );
  await applyDeltas(trx, deltas);
  if (diff.gone.length) await trx.deleteFrom('stats_person_image').where('person_id', 'in', diff.gone).execute();
  if (doseDiff.gone.length) await trx.deleteFrom('stats_dose_image').where('dose_id', 'in', doseDiff.gone).execute();
  await upsertImages(trx, 'stats_person_image', 'person_id', diff.changed);
  await upsertImages(trx, 'stats_dose_image', 'dose_id', doseDiff.changed);
  return ids.length;
}

/**
 * The dose images the people were counted with, and the old image of any dose now theirs that was
 * counted under someone else (moved by a merge).
 *
 * No other fold recounts these people meanwhile (their marks are claimed, and a writer's new mark
 * waits for this transaction), so their images that stay theirs are read without a lock. Only the
 * images that change hands are contended: the two records of a merge may be counted by two folds at
 * once, and only one may take a moved dose's old image away. Those are locked (in id order) and read
 * again under the lock: an image the other fold already took away is gone, or no longer this
 * person's, and is not taken away twice. In the common case (a dose recorded: a new dose has no
 * image yet) nothing is locked.
 */
async function oldDoseImages(trx: Trx, ids: readonly string[], now: readonly DoseImage[]): Promise<DoseImage[]> {
  const asImage = (d: object) => ({ ...d, day: String((d as { day: unknown }).day) }) as unknown as DoseImage;
  const own = (await trx.selectFrom('stats_dose_image').selectAll().where('person_id', 'in', ids).execute()).map(
    asImage,
  );
  const nowIds = new Set(now.map((d) => d.dose_id));
  const ownIds = new Set(own.map((d) => d.dose_id));
  const leaving = own.filter((d) => !nowIds.has(d.dose_id)).map((d) => d.dose_id);
  const arriving = now.filter((d) => !ownIds.has(d.dose_id)).map((d) => d.dose_id);
  if (leaving.length === 0 && arriving.length === 0) return own;
  const locked = await trx
    .selectFrom('stats_dose_image')
    .selectAll()
    .where((eb) => {
      const either = [];
      if (arriving.length) either.push(eb('dose_id', 'in', arriving));
      if (leaving.length) either.push(eb.and([eb('dose_id', 'in', leaving), eb('person_id', 'in', ids)]));
      return eb.or(either);
    })
    .orderBy('dose_id')
    .forUpdate()
    .execute();
  const leavingSet = new Set(leaving);
  return [...own.filter((d) => !leavingSet.has(d.dose_id)), ...locked.map(asImage)];
}

/** The same for the reports marked since the last run. */
export async function foldReports(
  trx: Trx,
  sources: StatsSources,
  limit = 2000,
  unitMap?: UnitMap2025,
): Promise<number> {
  const ids = await claimMarks(trx, 'stats_dirty_reports', 'report_id', limit);
  if (ids.length === 0) return 0;
  const [reports, map] = await Promise.all([sources.reports(trx, ids), unitMap ?? mapping2025(trx)]);
  const now = reports.map((r) => reportImage(r, map));
  const old = await trx.selectFrom('stats_report_image').selectAll().where('report_id', 'in', ids).execute();
  const deltas = newDeltas();
  const diff = diffImages(
    old.map((r) => ({ ...r, day: String(r.day), due_at: new Date(r.due_at).toISOString() }) as unknown as ReportImage),
    now,
    (r) => r.report_id,
    (img, sign) => countReport(deltas, img, sign),
  );
  await applyDeltas(trx, deltas);
  if (diff.gone.length) await trx.deleteFrom('stats_report_image').where('report_id', 'in', diff.gone).execute();
  await upsertImages(trx, 'stats_report_image', 'report_id', diff.changed);
  return ids.length;
}

/**
 * Claims (deletes, in the caller's transaction) the oldest marks of a mark table, at most `limit`;
 * marks another fold or an uncommitted writer holds are skipped (SKIP LOCKED). Returns their ids.
 */
async function claimMarks(
  trx: Trx,
  table: 'stats_dirty' | 'stats_dirty_reports',
  column: 'person_id' | 'report_id',
  limit: number,
): Promise<string[]> {
  // The marks taken as an array, then deleted by key: written as `in (subquery)`, PostgreSQL
  // joined the subquery with a scan of the whole table (61 ms a claim with 400,000 marks waiting,
  // as during a bulk import; 17–35 ms so).
  const claimed = await sql<Record<string, string>>`
    delete from ${sql.table(table)} where ${sql.ref(column)} = any(array(
      select ${sql.ref(column)} from ${sql.table(table)} order by marked_at limit ${limit} for update skip locked
    )) returning ${sql.ref(column)}
  `.execute(trx);
  return claimed.rows.map((r) => r[column] as string);
}

/**
 * Compares what was counted with what counts now: takes away the old images that changed or went,
 * adds the new ones that changed or came. Returns the ids that went and the images to write.
 */
function diffImages<T extends object>(
  old: readonly T[],
  now: readonly T[],
  idOf: (x: T) => string,
  count: (img: T, sign: 1 | -1) => void,
): { gone: string[]; changed: T[] } {
  const before = new Map(old.map((x) => [idOf(x), x]));
  const changed: T[] = [];
  for (const img of now) {
    const was = before.get(idOf(img));
    before.delete(idOf(img));
    if (was && sameImage(was, img)) continue;
    if (was) count(was, -1);
    count(img, 1);
    changed.push(img);
  }
  for (const was of before.values()) count(was, -1);
  return { gone: [...before.keys()], changed };
}

type ImageTable = 'stats_person_image' | 'stats_dose_image' | 'stats_report_image';

/** Writes images (insert or replace), in chunks. */
async function upsertImages(trx: Trx, table: ImageTable, key: string, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const columns = Object.keys(chunk[0] as object);
    await sql`
      insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c)))})
      select ${sql.join(columns.map((c) => sql`r.${sql.id(c)}`))}
      from jsonb_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(chunk)}::jsonb) r
      on conflict (${sql.id(key)}) do update set ${sql.join(
        columns.filter((c) => c !== key).map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`),
      )}
    `.execute(trx);
  }
}

/** The aggregate tables: their key columns (the rest of a row is `n` and, for units, the parents). */
const AGGREGATES = {
  facts: {
    table: 'stats_dose_facts',
    key: ['day', 'facility_id', 'vaccine_code', 'dose_number', 'dose_kind', 'sex', 'age_band'],
    extra: [],
  },
  doseTotals: {
    table: 'stats_dose_totals',
    key: ['level', 'unit_code', 'vaccine_code', 'dose_number', 'dose_kind', 'sex', 'age_band'],
    extra: ['parent_code', 'parent_2025'],
  },
  doseDays: {
    table: 'stats_dose_days',
    key: ['level', 'unit_code', 'day', 'dose_number'],
    extra: ['parent_code', 'parent_2025'],
  },
  people: {
    table: 'stats_people_totals',
    key: ['level', 'unit_code', 'sex', 'birth_year', 'status', 'priority_group'],
    extra: ['parent_code', 'parent_2025'],
  },
  reports: {
    table: 'stats_report_totals',
    key: ['level', 'unit_code', 'day', 'state', 'due_at', 'on_time', 'resolve_hours'],
    extra: ['parent_code', 'parent_2025'],
  },
  unitDoses: {
    table: 'stats_unit_doses',
    key: ['level', 'unit_code', 'dose_number'],
    extra: ['parent_code', 'parent_2025'],
  },
  unitPeople: {
    table: 'stats_unit_people',
    key: ['level', 'unit_code', 'status'],
    extra: ['parent_code', 'parent_2025'],
  },
} as const satisfies Record<keyof AggregateDeltas, { table: string; key: readonly string[]; extra: readonly string[] }>;

export type AggregateName = keyof typeof AGGREGATES;
export const AGGREGATE_TABLES = AGGREGATES;

/** Adds the deltas to the aggregates: one upsert per table and chunk, rows in key order. */
export async function applyDeltas(trx: Trx, deltas: AggregateDeltas): Promise<void> {
  for (const name of Object.keys(AGGREGATES) as AggregateName[]) {
    const rows = (deltas[name] as Deltas).changed().map((e) => ({ ...e.row, n: e.n }));
    const { table, key, extra } = AGGREGATES[name];
    const update: RawBuilder<unknown>[] = [
      sql`n = ${sql.table(table)}.n + excluded.n`,
      ...extra.map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`),
    ];
    const columns = [...key, ...extra, 'n'];
    for (let i = 0; i < rows.length; i += 2000) {
      const chunk = rows.slice(i, i + 2000);
      await sql`
        insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c)))})
        select ${sql.join(columns.map((c) => sql`r.${sql.id(c)}`))}
        from jsonb_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(chunk)}::jsonb) r
        on conflict (${sql.join(key.map((c) => sql.id(c)))}) do update set ${sql.join(update)}
      `.execute(trx);
    }
  }
}

/** How current the figures are: what waits to be counted and for how long. */
export async function freshness(db: Executor, now: Date) {
  const row = await sql<FreshnessColumns>`select ${FRESHNESS_COLUMNS}`.execute(db);
  return freshnessOf(row.rows[0], now);
}

/** What waits to be counted, as two columns a read can add to its own statement (one round trip). */
export const FRESHNESS_COLUMNS = sql`least(
    (select min(marked_at) from stats_dirty),
    (select min(marked_at) from stats_dirty_reports)
  ) as oldest,
  (select count(*) from (select 1 from stats_dirty limit 100000) a)
    + (select count(*) from (select 1 from stats_dirty_reports limit 100000) b) as pending`;

/** The columns {@link FRESHNESS_COLUMNS} reads. */
export interface FreshnessColumns {
  oldest: Date | string | null;
  pending: number | string;
}

/** The freshness of the figures from {@link FRESHNESS_COLUMNS}. */
export function freshnessOf(r: FreshnessColumns | undefined, now: Date) {
  const oldest = r?.oldest ? new Date(r.oldest) : null;
  return {
    asOf: now.toISOString(),
    lagSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 100) / 10) : 0,
    pending: Math.min(100_000, Number(r?.pending ?? 0)),
  };
}
