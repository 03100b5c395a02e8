import type { ApprovalStatus } from '@tiemchung/core';
import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import type { IdentityApprovalRow, IdentityApprovalTable } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';

/** The identity_approvals table: only this module's queries touch it. */

/** Inserts a pending request unless the person already has one (the partial unique index): undefined then. */
export function insertUnlessPending(
  trx: Trx,
  row: Insertable<IdentityApprovalTable>,
): Promise<IdentityApprovalRow | undefined> {
  return trx
    .insertInto('identity_approvals')
    .values(row)
    .onConflict((oc) => oc.column('person_id').where('status', '=', 'pending').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export function findPendingOf(db: Executor, personId: string): Promise<IdentityApprovalRow | undefined> {
  return db
    .selectFrom('identity_approvals')
    .selectAll()
    .where('person_id', '=', personId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

/** A request, locked for the caller's transaction (one decision at a time). */
export function findForUpdate(trx: Trx, id: string): Promise<IdentityApprovalRow | undefined> {
  return trx.selectFrom('identity_approvals').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function recordDecision(
  trx: Trx,
  id: string,
  d: { status: Exclude<ApprovalStatus, 'pending'>; by: string; byName: string; reason: string; at: Date },
): Promise<IdentityApprovalRow> {
  return trx
    .updateTable('identity_approvals')
    .set({ status: d.status, decided_by: d.by, decided_by_name: d.byName, decision_reason: d.reason, decided_at: d.at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The conditions a list puts on the rows (unit filters come from the caller's scope). */
export interface ApprovalFilter {
  /** Rows of this facility only (a site's own requests). */
  readonly facilityId?: string | undefined;
  /** Rows whose deciding unit or the person's residence matches one of these column = value pairs. */
  readonly anyOf?: readonly { column: string; value: string }[] | undefined;
  readonly status?: ApprovalStatus | undefined;
  readonly personId?: string | undefined;
  readonly visitId?: string | undefined;
  readonly limit: number;
}

/** Requests, pending ones first (oldest first: the longest waiting), then the decided ones (newest first). */
export function listRequests(db: Executor, f: ApprovalFilter): Promise<IdentityApprovalRow[]> {
  let q = db.selectFrom('identity_approvals').selectAll();
  if (f.facilityId !== undefined) q = q.where('facility_id', '=', f.facilityId);
  if (f.anyOf) {
    const anyOf = f.anyOf;
    q = q.where((eb) => eb.or(anyOf.map((c) => eb(sql.ref(c.column), '=', c.value))));
  }
  if (f.status) q = q.where('status', '=', f.status);
  if (f.personId) q = q.where('person_id', '=', f.personId);
  if (f.visitId) q = q.where('visit_id', '=', f.visitId);
  return q
    .orderBy(sql`case when status = 'pending' then 0 else 1 end`)
    .orderBy(sql`case when status = 'pending' then requested_at end`, 'asc')
    .orderBy('decided_at', 'desc')
    .orderBy('id')
    .limit(f.limit)
    .execute();
}

/** The latest request about a person that has been decided. */
export function latestDecidedOf(db: Executor, personId: string): Promise<IdentityApprovalRow | undefined> {
  return db
    .selectFrom('identity_approvals')
    .selectAll()
    .where('person_id', '=', personId)
    .where('status', '!=', 'pending')
    .orderBy('decided_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The latest request about each of these people. */
export async function latestOf(db: Executor, personIds: readonly string[]): Promise<Map<string, IdentityApprovalRow>> {
  if (!personIds.length) return new Map();
  const rows = await db
    .selectFrom('identity_approvals')
    .selectAll()
    .distinctOn('person_id')
    .where('person_id', 'in', [...new Set(personIds)])
    .orderBy('person_id')
    .orderBy('requested_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.person_id, r]));
}
