import { type Insertable, sql, type Updateable } from 'kysely';
import type { ImportJobRow, ImportJobTable } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';
import { type Scope, whereInScope } from '../../lib/authz.js';

/** The imports module's own tables: jobs, their files, rejected rows and the keys of rows imported. */

export function insertJob(db: Executor, row: Insertable<ImportJobTable>) {
  return db.insertInto('import_jobs').values(row).execute();
}

/** Stores the uploaded file as chunks numbered from 0, in order. */
export async function insertChunks(db: Executor, jobId: string, chunks: readonly Uint8Array[]): Promise<void> {
  for (const [seq, data] of chunks.entries()) {
    await db.insertInto('import_file_chunks').values({ job_id: jobId, seq, data }).execute();
  }
}

/** The sizes of a job's file's chunks, in bytes, in order. */
export async function chunkSizes(db: Executor, jobId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('import_file_chunks')
    .select((eb) => eb.fn<number>('octet_length', ['data']).as('size'))
    .where('job_id', '=', jobId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => Number(r.size));
}

/** One chunk of a job's file; undefined past its end. */
export function findChunk(db: Executor, jobId: string, seq: number) {
  return db
    .selectFrom('import_file_chunks')
    .select('data')
    .where('job_id', '=', jobId)
    .where('seq', '=', seq)
    .executeTakeFirst();
}

/** A job's stored file, and the rows its dry run kept for replay: what it needs only while it runs. */
export async function deleteRunData(db: Executor, jobId: string) {
  await db.deleteFrom('import_file_chunks').where('job_id', '=', jobId).execute();
  await db.deleteFrom('import_dry_rows').where('job_id', '=', jobId).execute();
}

/** A dry run's rows accepted by its batches so far, of these people, in the file's order. */
export function dryRowsOf(db: Executor, jobId: string, personKeys: readonly string[]) {
  if (!personKeys.length) return Promise.resolve([]);
  return db
    .selectFrom('import_dry_rows')
    .select(['row_number', 'cells'])
    .where('job_id', '=', jobId)
    .where('person_key', 'in', [...personKeys])
    .orderBy('row_number')
    .execute();
}

export function insertDryRows(
  db: Executor,
  rows: readonly { job_id: string; row_number: number; person_key: string; cells: string }[],
) {
  if (!rows.length) return Promise.resolve();
  return db
    .insertInto('import_dry_rows')
    .values([...rows])
    .onConflict((oc) => oc.columns(['job_id', 'row_number']).doNothing())
    .execute();
}

export function findJob(db: Executor, id: string): Promise<ImportJobRow | undefined> {
  return db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The jobs of a scope, newest first (ids are time-ordered), from before the job `before` when given; `limit` of them. */
export function listJobs(db: Executor, scope: Scope, o: { before?: string; limit: number }): Promise<ImportJobRow[]> {
  let query = whereInScope(db.selectFrom('import_jobs').selectAll(), scope);
  if (o.before !== undefined) query = query.where('id', '<', o.before);
  return query.orderBy('id', 'desc').limit(o.limit).execute();
}

/** The job, its row locked until the transaction ends (the runner's batch, a cancel). */
export function lockJob(db: Executor, id: string): Promise<ImportJobRow | undefined> {
  return db.selectFrom('import_jobs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updateJob(db: Executor, id: string, set: Updateable<ImportJobTable>) {
  return db
    .updateTable('import_jobs')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/**
 * Takes the oldest job waiting or left running by a node whose lease has expired, leasing it to
 * `owner` until `until`: one node at a time runs a job. Undefined when there is none.
 */
export async function claimJob(db: Executor, owner: string, now: Date, until: Date): Promise<ImportJobRow | undefined> {
  const candidate = await db
    .selectFrom('import_jobs')
    .select('id')
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  if (!candidate) return undefined;
  // Taken only if nobody took it in between (the same condition, checked by the update itself).
  return db
    .updateTable('import_jobs')
    .set({ lease_owner: owner, lease_until: until, updated_at: now })
    .where('id', '=', candidate.id)
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .returningAll()
    .executeTakeFirst();
}

/** Gives a job's lease back (a runner that met a passing error): the next runner resumes it at once. */
export async function releaseLease(db: Executor, id: string, owner: string): Promise<void> {
  await db
    .updateTable('import_jobs')
    .set({ lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

export function insertRejectedRows(
  db: Executor,
  rows: readonly { job_id: string; row_number: number; cells: string; reasons: string }[],
) {
  if (!rows.length) return Promise.resolve();
  return db
    .insertInto('import_rejected_rows')
    .values([...rows])
    .onConflict((oc) => oc.columns(['job_id', 'row_number']).doNothing())
    .execute();
}

export function listRejectedRows(db: Executor, jobId: string, afterRow: number, limit: number) {
  return db
    .selectFrom('import_rejected_rows')
    .select(['row_number', 'cells', 'reasons'])
    .where('job_id', '=', jobId)
    .where('row_number', '>', afterRow)
    .orderBy('row_number')
    .limit(limit)
    .execute();
}

/** The keys among `keys` already imported. */
export async function rowKeysPresent(db: Executor, keys: readonly string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await db
    .selectFrom('import_row_keys')
    .select('key')
    .where(sql<boolean>`key = any(${sql.val([...keys])}::text[])`)
    .execute();
  return new Set(rows.map((r) => r.key));
}

/** Records a row's key; false when it was already there (another job imported it meanwhile). */
export async function insertRowKey(db: Executor, key: string, jobId: string, doseId: string): Promise<boolean> {
  const r = await db
    .insertInto('import_row_keys')
    .values({ key, job_id: jobId, dose_id: doseId })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Records several rows' keys at once (a key already there is left as it is). */
export async function insertRowKeys(
  db: Executor,
  keys: readonly { key: string; job_id: string; dose_id: string }[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += 5000) {
    await db
      .insertInto('import_row_keys')
      .values(keys.slice(i, i + 5000))
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }
}

/** Counts of rows the job's tables hold (tests: nothing left behind). */
export function countRows(db: Executor, jobId: string) {
  return sql<{ chunks: number; rejected: number }>`
    select (select count(*)::int from import_file_chunks where job_id = ${jobId}) as chunks,
           (select count(*)::int from import_rejected_rows where job_id = ${jobId}) as rejected`
    .execute(db)
    .then((r) => r.rows[0]!);
}
