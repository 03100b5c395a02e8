import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { PREPARED } from '../../db/prepared.js';
import type { DB, DoseRow, NewDose } from '../../db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

export function findDoseByKey(db: Executor, key: string) {
  return db.selectFrom('doses').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
}

export function findDoseById(db: Executor, id: string) {
  return db.selectFrom('doses').selectAll().where('id', '=', id).executeTakeFirst();
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

export function insertDose(db: Executor, dose: NewDose) {
  return db.insertInto('doses').values(dose).returningAll().executeTakeFirstOrThrow();
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
      return idempotencyKey ? eb.or([own, eb('idempotency_key', '=', idempotencyKey)]) : own;
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

/**
 * The fast path's single read: the person (as JSON, an expression of the people module), their
 * counted doses, and the id of the dose an idempotency key already made.
 */
export async function recordingSnapshot(
  db: Executor,
  personJson: RawBuilder<Record<string, unknown> | null>,
  personId: string,
  idempotencyKey: string | undefined,
) {
  const { rows } = await sql<{ person: Record<string, unknown> | null; doses: PastDoseRow[]; keyed: string | null }>`
    ${PREPARED}select ${personJson} as person,
      coalesce((
        select jsonb_agg(jsonb_build_object(
          'id', d.id, 'vaccine_code', d.vaccine_code, 'administered_on', d.administered_on,
          'declared_kind', d.declared_kind, 'dose_number', d.dose_number, 'dose_kind', d.dose_kind
        ) order by d.administered_on, d.id)
        from doses d where d.person_id = ${personId} and d.duplicate_of is null
      ), '[]'::jsonb) as doses,
      ${idempotencyKey ? sql`(select k.id from doses k where k.idempotency_key = ${idempotencyKey})` : sql`null`} as keyed
  `.execute(db);
  return rows[0]!;
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

/**
 * The fast path's single write: claims the person (`claim`: an UPDATE … RETURNING of the people
 * module, the optimistic lock), inserts the dose and its audit entry — all in one statement, and
 * only if the claim succeeded and the person still has `expectedCount` counted doses. True when
 * written; false when something changed meanwhile (the caller takes the locked path).
 */
export async function insertDoseIfUnchanged(
  db: Executor,
  dose: Record<DoseColumn, unknown>,
  expectedCount: number,
  claim: RawBuilder<unknown>,
  audit: RawBuilder<unknown>,
): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    ${PREPARED}with claim as (${claim}),
    d as (
      insert into doses (${sql.join(COLUMN_NAMES.map((c) => sql.ref(c)))})
      select ${sql.join(COLUMN_NAMES.map((c) => sql`${dose[c]}::${sql.raw(DOSE_COLUMNS[c])}`))}
      from claim
      where (select count(*) from doses where person_id = ${dose.person_id} and duplicate_of is null) = ${expectedCount}
      returning id
    ), a as (${audit})
    select count(*)::int as n from d
  `.execute(db);
  return (rows[0]?.n ?? 0) === 1;
}
