import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB, NewPerson, PersonRow, PersonUpdate } from '../../db/schema.js';
import { markPeopleForStats } from '../stats/stats.marks.js';

type Executor = Kysely<DB> | Transaction<DB>;

/** Filters a people query to a residence scope (column → value pairs; empty for the nation). */
export interface ResidenceFilter {
  province_code?: string;
  district_code?: string;
  commune_code?: string;
}

export function findPersonById(db: Executor, id: string) {
  return db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findPersonForUpdate(db: Transaction<DB>, id: string) {
  return db.selectFrom('people').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * The living people known by these ID numbers — holding one, or keeping one as the old number (the
 * CMND a CCCD replaced; index `people_old_id_number`) —, in id order: the set-based form of
 * `findLivingByIdOrOldNumber`, whose caller picks each number's person.
 */
export async function findLivingByIdOrOldNumbers(db: Executor, idNumbers: readonly string[]) {
  if (!idNumbers.length) return [];
  return byIdOrOldNumbers(db, idNumbers).execute();
}

/**
 * `findLivingByIdOrOldNumbers` with the rows locked in id order (concurrent lockers then wait,
 * never deadlock; a row merged away, or whose numbers changed, meanwhile is no longer returned).
 */
export async function findLivingByIdOrOldNumbersForUpdate(db: Transaction<DB>, idNumbers: readonly string[]) {
  if (!idNumbers.length) return [];
  return byIdOrOldNumbers(db, idNumbers).forUpdate().execute();
}

function byIdOrOldNumbers(db: Executor, idNumbers: readonly string[]) {
  const ids = sql.val([...new Set(idNumbers)]);
  return db
    .selectFrom('people')
    .selectAll()
    .where(sql<boolean>`(id_number = any(${ids}::text[]) or old_id_number = any(${ids}::text[]))`)
    .where('merged_into', 'is', null)
    .orderBy('id');
}

/** The living people holding these ID numbers. */
export async function findLivingByIdNumbers(db: Executor, idNumbers: readonly string[]) {
  if (!idNumbers.length) return [];
  return db
    .selectFrom('people')
    .selectAll()
    .where(sql<boolean>`id_number = any(${sql.val([...new Set(idNumbers)])}::text[])`)
    .where('merged_into', 'is', null)
    .execute();
}

/** Inserts people unless a living record holds the ID number (as `insertPersonUnlessIdTaken`, several at once), marked for the statistics. */
export async function insertPeopleUnlessIdTaken(db: Executor, people: readonly NewPerson[]) {
  if (!people.length) return [];
  const rows = await db
    .insertInto('people')
    .values([...people])
    .onConflict((oc) =>
      oc.column('id_number').where('merged_into', 'is', null).where('id_number', 'is not', null).doNothing(),
    )
    .returningAll()
    .execute();
  await markPeopleForStats(
    db,
    rows.map((r) => r.id),
  );
  return rows;
}

/** Living people who may be the same as any of these (same name key and date of birth, or linked ID numbers). */
export async function findLikelySameAsAny(
  db: Executor,
  people: readonly Pick<PersonRow, 'name_key' | 'date_of_birth' | 'id_number' | 'old_id_number'>[],
): Promise<PersonRow[]> {
  if (!people.length) return [];
  const names = people.map((p) => p.name_key);
  const births = people.map((p) => p.date_of_birth);
  const ids = people.flatMap((p) => (p.id_number ? [p.id_number] : []));
  const oldIds = people.flatMap((p) => (p.old_id_number ? [p.old_id_number] : []));
  // Three index reads whose ids are then fetched: written as one WHERE with OR, PostgreSQL reads
  // the whole table (a seq scan per batch of the bulk import: its rate fell as people grew).
  const { rows } = await sql<PersonRow>`
    select * from people where id in (
      select p.id from unnest(${sql.val(names)}::text[], ${sql.val(births)}::date[]) as k(name_key, dob)
        join people p on p.name_key = k.name_key and p.date_of_birth = k.dob
        where p.merged_into is null
      union all
      select id from people where merged_into is null and id_number = any(${sql.val(oldIds)}::text[])
      union all
      select id from people where merged_into is null and old_id_number = any(${sql.val(ids)}::text[])
    )`.execute(db);
  return rows;
}

/** The living person holding this ID number (merged records excluded). */
export function findLivingByIdNumber(db: Executor, idNumber: string) {
  return db
    .selectFrom('people')
    .selectAll()
    .where('id_number', '=', idNumber)
    .where('merged_into', 'is', null)
    .executeTakeFirst();
}

/**
 * The living person known by this ID number: the one holding it, else one whose record keeps it
 * as the old number (the CMND a CCCD replaced; index `people_old_id_number`).
 */
export function findLivingByIdOrOldNumber(db: Executor, idNumber: string) {
  return db
    .selectFrom('people')
    .selectAll()
    .where('merged_into', 'is', null)
    .where((eb) => eb.or([eb('id_number', '=', idNumber), eb('old_id_number', '=', idNumber)]))
    .orderBy(sql`id_number = ${idNumber} is true`, 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Inserts a person unless a living record already holds the ID number (the partial unique index
 * `people_id_number`): then nothing is written and undefined is returned, and the caller's
 * transaction goes on (a failed insert would abort it on PostgreSQL).
 */
export async function insertPersonUnlessIdTaken(db: Executor, person: NewPerson) {
  const row = await db
    .insertInto('people')
    .values(person)
    .onConflict((oc) =>
      oc.column('id_number').where('merged_into', 'is', null).where('id_number', 'is not', null).doNothing(),
    )
    .returningAll()
    .executeTakeFirst();
  if (row) await markPeopleForStats(db, [row.id]);
  return row;
}

/** Every change of a person row goes through here, and is marked for the statistics with it. */
export async function updatePersonRow(db: Executor, id: string, patch: PersonUpdate) {
  const row = await db
    .updateTable('people')
    .set({ ...patch, version: sql`version + 1` as unknown as number })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await markPeopleForStats(db, [id]);
  return row;
}

function applyResidence<Q extends { where: (...args: any[]) => Q }>(q: Q, f: ResidenceFilter): Q {
  let out = q;
  if (f.province_code) out = out.where('province_code', '=', f.province_code);
  if (f.district_code) out = out.where('district_code', '=', f.district_code);
  if (f.commune_code) out = out.where('commune_code', '=', f.commune_code);
  return out;
}

export function searchByPhone(db: Executor, phone: string, f: ResidenceFilter, limit: number) {
  const q = db.selectFrom('people').selectAll().where('phone', '=', phone).where('merged_into', 'is', null);
  return applyResidence(q, f).orderBy('name_key').orderBy('id').limit(limit).execute();
}

/** People whose diacritic-free name starts with `prefix` (uses the name_key pattern index). */
export function searchByNamePrefix(db: Executor, prefix: string, f: ResidenceFilter, limit: number) {
  const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
  const q = db
    .selectFrom('people')
    .selectAll()
    .where('name_key', 'like', `${escaped}%`)
    .where('merged_into', 'is', null);
  return applyResidence(q, f).orderBy('name_key').orderBy('id').limit(limit).execute();
}

/**
 * The words of the diacritic-free name as the GIN index `people_name_words` (migration 0014) holds
 * them. Written out, never a parameter: the planner matches it to the index expression by its text.
 */
const NAME_WORDS = sql<string[]>`string_to_array(name_key, ' ')`;

/**
 * People whose diacritic-free name has every one of `words` as a whole word, in any order
 * (["binh"] finds "nguyen van binh"; ["van", "binh"] too), in name order. Uses `people_name_words`
 * for a rare word, the ordered name index for a common one (the planner picks, from the
 * expression's statistics).
 */
export function searchByNameWords(db: Executor, words: readonly string[], f: ResidenceFilter, limit: number) {
  return nameWordsQuery(db, words, f, limit).execute();
}

/** The statement of {@link searchByNameWords}, not run (its plan is checked by the tests and the benchmark). */
export function nameWordsQuery(db: Executor, words: readonly string[], f: ResidenceFilter, limit: number) {
  const wanted = sql<string[]>`array[${sql.join(words.map((w) => sql`${w}::text`))}]`;
  const q = db
    .selectFrom('people')
    .selectAll()
    .where(sql<boolean>`${NAME_WORDS} @> ${wanted}`)
    .where('merged_into', 'is', null);
  return applyResidence(q, f).orderBy('name_key').orderBy('id').limit(limit);
}

/** Living people who may be the same as the given details (for duplicate detection). */
export function findLikelySame(
  db: Executor,
  p: {
    excludeId?: string;
    nameKey: string;
    dateOfBirth: string;
    phone: string | null;
    idNumber: string | null;
    oldIdNumber: string | null;
  },
): Promise<PersonRow[]> {
  return db
    .selectFrom('people')
    .selectAll()
    .where('merged_into', 'is', null)
    .where((eb) => {
      const ors = [eb.and([eb('name_key', '=', p.nameKey), eb('date_of_birth', '=', p.dateOfBirth)])];
      if (p.oldIdNumber) ors.push(eb('id_number', '=', p.oldIdNumber));
      if (p.idNumber) ors.push(eb('old_id_number', '=', p.idNumber));
      return eb.or(ors);
    })
    .$if(!!p.excludeId, (q) => q.where('id', '<>', p.excludeId!))
    .limit(50)
    .execute();
}

export function insertDuplicateCandidate(
  db: Executor,
  c: {
    a: string;
    b: string;
    kind: 'same_name_dob_phone' | 'cmnd_cccd' | 'legacy_match' | 'same_name_dob';
    provinceCode: string;
  },
) {
  const [person_a, person_b] = c.a < c.b ? [c.a, c.b] : [c.b, c.a];
  return db
    .insertInto('duplicate_candidates')
    .values({ person_a, person_b, kind: c.kind, province_code: c.provinceCode })
    .onConflict((oc) => oc.columns(['person_a', 'person_b']).doNothing())
    .execute();
}

export function listOpenCandidates(db: Executor, provinceCode: string | null, limit: number) {
  let q = db.selectFrom('duplicate_candidates').selectAll().where('status', '=', 'open');
  if (provinceCode) q = q.where('province_code', '=', provinceCode);
  return q.orderBy('created_at', 'desc').limit(limit).execute();
}

export function resolveCandidatesOf(
  db: Executor,
  personIds: string[],
  status: 'merged' | 'dismissed',
  by: string | null,
  now: Date,
) {
  return db
    .updateTable('duplicate_candidates')
    .set({ status, resolved_at: now, resolved_by: by })
    .where('status', '=', 'open')
    .where((eb) => eb.or([eb('person_a', 'in', personIds), eb('person_b', 'in', personIds)]))
    .execute();
}

/** People due for a (re-)check against the registry, oldest first, locked for this worker. */
export function claimDueRechecks(db: Transaction<DB>, now: Date, limit: number) {
  return db
    .selectFrom('people')
    .selectAll()
    .where('recheck_after', '<=', now)
    .where('merged_into', 'is', null)
    .orderBy('recheck_after')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/**
 * The person row as JSON, as an expression other modules' hot reads can embed (one statement for
 * the dose path: the person and their doses together). `personId` is a value or an expression of
 * the embedding statement (a column of its batch of inputs).
 */
export function personJsonExpr(personId: string | RawBuilder<string>) {
  // A whole-row reference by an alias no embedding statement's column is likely to shadow (a bare
  // name that is also a column in scope would be read as that column).
  return sql<Record<
    string,
    unknown
  > | null>`(select to_jsonb(person_row.*) from people person_row where person_row.id = ${personId})`;
}

/**
 * An optimistic lock on people, as a statement to embed in a CTE: for each row of the CTE `from`
 * (columns `person_id`, `version`; one row per person), bumps the person's version only if it is
 * still `version` (and the record not merged), returning the ids claimed. A concurrent writer of
 * the same person waits on the row, then finds the version changed and writes nothing.
 */
export function personVersionClaims(from: string) {
  return sql`update people p set version = p.version + 1 from ${sql.table(from)} c
    where p.id = c.person_id and p.version = c.version and p.merged_into is null returning p.id`;
}

/** People by id (as stored: an id merged away is returned as it is). */
export function findPeopleByIds(db: Executor, ids: readonly string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db.selectFrom('people').selectAll().where('id', 'in', ids).execute();
}
