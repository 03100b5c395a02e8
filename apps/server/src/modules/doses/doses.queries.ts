import type { Kysely, Transaction } from 'kysely';
import type { DB, NewDose } from '../../db/schema.js';

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
