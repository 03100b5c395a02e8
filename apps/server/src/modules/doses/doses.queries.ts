import { type RawBuilder, sql } from 'kysely';
import { PREPARED } from '../../db/prepared.js';
import type { DoseRow, NewDose } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';
import { markPeopleForStats, markPeopleStatement } from '../stats/stats.marks.js';

/** The dose an Idempotency-Key made, whoever it belongs to (through `dose_keys`: one probe). */
export function findDoseByKey(db: Executor, key: string) {
  return db
    .selectFrom('doses')
    .selectAll()
    .where('id', '=', (eb) => eb.selectFrom('dose_keys').select('dose_id').where('idempotency_key', '=', key))
    .executeTakeFirst();
}

export function findDoseById(db: Executor, id: string) {
  return db.selectFrom('doses').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Marks a dose as recorded against the rules `overridden`, by `by`, for `reason`; answers the row after. */
export function markDoseOverride(
  db: Executor,
  id: string,
  mark: { by: string; reason: string; overridden: readonly string[]; now: Date },
) {
  return db
    .updateTable('doses')
    .set({
      override_by: mark.by,
      override_reason: mark.reason,
      overridden: JSON.stringify(mark.overridden),
      updated_at: mark.now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A person's counted doses (duplicates left out), in date order. */
export function dosesOfPerson(db: Executor, personId: string) {
  return db
    .selectFrom('doses')
    .selectAll()
    .where('person_id', '=', personId)
    .where('duplicate_of', 'is', null)
    .orderBy('administered_on')
    .orderBy('id')
    .execute();
}

/** Every dose of a person, merge duplicates included (`duplicate_of` set), in date order. */
export function everyDoseOfPerson(db: Executor, personId: string) {
  return db
    .selectFrom('doses')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('administered_on')
    .orderBy('id')
    .execute();
}

export async function insertDose(db: Executor, dose: NewDose) {
  const row = await db.insertInto('doses').values(dose).returningAll().executeTakeFirstOrThrow();
  await markPeopleForStats(db, [row.person_id]);
  return row;
}

export function setDoseNumber(
  db: Executor,
  id: string,
  doseNumber: number,
  doseKind: 'primary' | 'additional' | 'booster',
  now: Date,
) {
  return db
    .updateTable('doses')
    .set({ dose_number: doseNumber, dose_kind: doseKind, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/**
 * What recording a dose needs to read, in one statement: the person's counted doses, and the dose
 * an idempotency key already made (whoever it belongs to).
 */
export function dosesForRecording(db: Executor, personId: string, idempotencyKey: string | undefined) {
  return db
    .selectFrom('doses')
    .selectAll()
    .where((eb) => {
      const own = eb.and([eb('person_id', '=', personId), eb('duplicate_of', 'is', null)]);
      if (!idempotencyKey) return own;
      const keyed = eb.selectFrom('dose_keys').select('dose_id').where('idempotency_key', '=', idempotencyKey);
      return eb.or([own, eb('id', '=', keyed)]);
    })
    .orderBy('administered_on')
    .orderBy('id')
    .execute();
}

/** The insert of a dose, as a statement the audit module can carry in the same round trip. */
export function insertDoseQuery(db: Executor, dose: NewDose) {
  return db.insertInto('doses').values(dose);
}

/** What the fast path of recording reads about the person's doses (enough for the rules). */
export interface PastDoseRow {
  id: string;
  vaccine_code: string;
  administered_on: string;
  declared_kind: DoseRow['declared_kind'];
  dose_number: number;
  dose_kind: DoseRow['dose_kind'];
}

/** What the fast path reads for one request. */
export interface RecordingSnapshot {
  person: Record<string, unknown> | null;
  doses: PastDoseRow[];
  /** The dose the request's idempotency key already made, if any. */
  keyed: string | null;
}

/**
 * The fast path's read, for a batch of requests in one statement: per request, the person (as
 * JSON, through `personJson`, an expression of the people module over the input's `person_id`),
 * their counted doses, and the id of the dose its idempotency key already made. In input order.
 */
export async function recordingSnapshots(
  db: Executor,
  personJson: (personId: RawBuilder<string>) => RawBuilder<Record<string, unknown> | null>,
  inputs: readonly { personId: string; idempotencyKey: string | undefined }[],
): Promise<RecordingSnapshot[]> {
  const { rows } = await sql<RecordingSnapshot & { n: number }>`
    ${PREPARED}select i.n, ${personJson(sql`i.person_id`)} as person,
      coalesce((
        select jsonb_agg(jsonb_build_object(
          'id', d.id, 'vaccine_code', d.vaccine_code, 'administered_on', d.administered_on,
          'declared_kind', d.declared_kind, 'dose_number', d.dose_number, 'dose_kind', d.dose_kind
        ) order by d.administered_on, d.id)
        from doses d where d.person_id = i.person_id and d.duplicate_of is null
      ), '[]'::jsonb) as doses,
      (select k.dose_id from dose_keys k where k.idempotency_key = i.idempotency_key) as keyed
    from jsonb_to_recordset(${JSON.stringify(inputs.map((x, n) => ({ person_id: x.personId, idempotency_key: x.idempotencyKey ?? null, n: n + 1 })))}::jsonb)
      as i(person_id text, idempotency_key text, n int)
  `.execute(db);
  const out: RecordingSnapshot[] = new Array(inputs.length);
  for (const r of rows) out[r.n - 1] = { person: r.person, doses: r.doses, keyed: r.keyed };
  return out;
}

/** The columns the fast path writes, with their types (parameters of INSERT … SELECT need casts). */
const DOSE_COLUMNS = {
  id: 'text',
  person_id: 'text',
  vaccine_code: 'text',
  lot_id: 'text',
  lot_number: 'text',
  administered_on: 'date',
  facility_id: 'text',
  province_code: 'text',
  district_code: 'text',
  dose_number: 'int4',
  dose_kind: 'text',
  declared_kind: 'text',
  session_id: 'text',
  source: 'text',
  retroactive: 'bool',
  idempotency_key: 'text',
  fingerprint: 'text',
  override_by: 'text',
  override_reason: 'text',
  overridden: 'jsonb',
  recorded_by: 'text',
  recorded_at: 'timestamptz',
  updated_at: 'timestamptz',
} as const;
type DoseColumn = keyof typeof DOSE_COLUMNS;
const COLUMN_NAMES = Object.keys(DOSE_COLUMNS) as DoseColumn[];
/** The write's fixed SQL: the column list, and the columns with their types (the record set's shape). */
const COLUMN_LIST = sql.raw(COLUMN_NAMES.join(', '));
const INPUT_COLUMNS = sql.raw(COLUMN_NAMES.map((c) => `i.${c}`).join(', '));
const RECORD_SHAPE = sql.raw(
  `${COLUMN_NAMES.map((c) => `${c} ${DOSE_COLUMNS[c]}`).join(', ')}, version int4, expected int4`,
);

/** One dose for the fast path's write: the row, and what the person must still be. */
export interface DoseToWrite {
  readonly dose: Record<DoseColumn, unknown>;
  /** The person's version as read (the optimistic lock). */
  readonly version: number;
  /** The person's counted doses as read. */
  readonly expectedCount: number;
}

/**
 * The fast path's write, for a batch of doses (at most one per person) in one statement: claims
 * each person (`claims`: an UPDATE … RETURNING of the people module over the CTE `i`, the
 * optimistic lock), inserts each dose whose person was claimed and still has `expectedCount`
 * counted doses and which no unique index refuses (same key, same person and day), and the audit
 * entries of the doses inserted (`audit`, over the CTE `d`) — all or nothing. Returns the ids of
 * the doses written; a dose left out saw something change meanwhile (its caller takes the locked
 * path).
 */
export async function insertDosesIfUnchanged(
  db: Executor,
  items: readonly DoseToWrite[],
  claims: (from: string) => RawBuilder<unknown>,
  audit: (written: string) => RawBuilder<unknown>,
): Promise<Set<string>> {
  // In person order: concurrent batches then take the people's row locks in the same order.
  const sorted = [...items].sort((a, b) => (String(a.dose.person_id) < String(b.dose.person_id) ? -1 : 1));
  // The batch as one JSON parameter (dates as ISO text): one value to send, parsed by PostgreSQL
  // into typed columns, instead of an array per column escaped element by element.
  const records = JSON.stringify(sorted.map((x) => ({ ...x.dose, version: x.version, expected: x.expectedCount })));
  const { rows } = await sql<{ id: string }>`
    ${PREPARED}with i as (
      select * from jsonb_to_recordset(${records}::jsonb) as i(${RECORD_SHAPE})
    ),
    claim as (${claims('i')}),
    d as (
      insert into doses (${COLUMN_LIST})
      select ${INPUT_COLUMNS}
      from i join claim on claim.id = i.person_id
      where (select count(*) from doses x where x.person_id = i.person_id and x.duplicate_of is null) = i.expected
      on conflict do nothing
      returning id, person_id
    ), a as (${audit('d')}),
    m as (${markPeopleStatement('d')})
    select id from d
  `.execute(db);
  return new Set(rows.map((r) => r.id));
}

/** The counted doses of several people (duplicates left out), per person in date order. */
export async function countedDosesOfPeople(
  db: Executor,
  personIds: readonly string[],
): Promise<Map<string, PastDoseRow[]>> {
  const out = new Map<string, PastDoseRow[]>();
  if (!personIds.length) return out;
  const rows = await countedDosesOfEach(db, personIds);
  for (const { person_id, id, vaccine_code, administered_on, declared_kind, dose_number, dose_kind } of rows) {
    const d = { id, vaccine_code, administered_on, declared_kind, dose_number, dose_kind };
    const list = out.get(person_id);
    if (list) list.push(d);
    else out.set(person_id, [d]);
  }
  return out;
}

/**
 * The counted doses (duplicates left out) of several people, in person, date and id order. Read
 * person by person: each look-up goes to the one partition of `doses` that holds the person, where
 * `person_id = any(list)` searches every partition for every id — and at a million doses
 * PostgreSQL scanned them instead (the statistics fold of a bulk import: 0.4 s a read of 1,000
 * people). `offset 0` keeps the per-person subquery from being flattened into a join: the planner
 * does not count the pruning to one partition, so it priced a look-up per person and partition and
 * chose a hash join over every dose (3.3 s for 2,000 people on 1 M doses; 0.2–0.3 s with it).
 */
export async function countedDosesOfEach(db: Executor, personIds: readonly string[]) {
  const { rows } = await sql<
    Pick<
      DoseRow,
      | 'id'
      | 'person_id'
      | 'vaccine_code'
      | 'administered_on'
      | 'facility_id'
      | 'dose_number'
      | 'dose_kind'
      | 'declared_kind'
    >
  >`select d.id, d.person_id, d.vaccine_code, d.administered_on, d.facility_id, d.dose_number, d.dose_kind, d.declared_kind
    from unnest(${sql.val([...new Set(personIds)])}::text[]) as k(person_id)
    cross join lateral (
      select * from doses x where x.person_id = k.person_id and x.duplicate_of is null
      offset 0
    ) d
    order by d.person_id, d.administered_on, d.id`.execute(db);
  return rows;
}

/**
 * Inserts doses already checked, in one statement with their audit entries (`audit`, over the CTE
 * `d`) and the statistics marks; answers how many were written (a unique index may refuse one).
 */
export async function insertDoses(
  db: Executor,
  doses: readonly Record<DoseColumn, unknown>[],
  audit: (written: string) => RawBuilder<unknown>,
): Promise<number> {
  const records = JSON.stringify(doses.map((d) => ({ ...d, version: 0, expected: 0 })));
  const { rows } = await sql<{ n: number }>`
    with i as (
      select * from jsonb_to_recordset(${records}::jsonb) as i(${RECORD_SHAPE})
    ),
    d as (
      insert into doses (${COLUMN_LIST})
      select ${INPUT_COLUMNS} from i
      on conflict do nothing
      returning id, person_id
    ), a as (${audit('d')}),
    m as (${markPeopleStatement('d')})
    select count(*)::int as n from d
  `.execute(db);
  return rows[0]?.n ?? 0;
}
