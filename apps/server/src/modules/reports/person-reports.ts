import { isOverdue, type PersonReport } from '@tiemchung/core';
import type { Executor } from '../../db/transaction.js';
import type { Actor } from '../../lib/authz.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { readPerson } from '../people/people.service.js';

/**
 * The citizens' reports about a person, newest first, for the person's page: status and deadline,
 * never the report's content (that stays with the unit handling it, `GET /api/reports/{id}`).
 * Scoped like the record (`readPerson`: 404 outside the caller's reach) and audited.
 */
export async function reportsAboutPerson(
  db: Executor,
  actor: Actor,
  audit: AuditContext,
  personId: string,
  now: Date,
): Promise<PersonReport[]> {
  const person = await readPerson(db, actor, audit, personId);
  const rows = await db
    .selectFrom('reports')
    .select(['id', 'tracking_code', 'category', 'status', 'received_at', 'due_at', 'resolved_at', 'outcome'])
    .where('person_id', '=', person.id)
    .orderBy('received_at', 'desc')
    .limit(100)
    .execute();
  await recordAudit(db, audit, {
    action: 'report.list_of_person',
    entityType: 'person',
    entityId: person.id,
    after: { count: rows.length },
  });
  return rows.map((r) => ({
    id: r.id,
    trackingCode: r.tracking_code,
    category: r.category,
    status: r.status,
    receivedAt: r.received_at.toISOString(),
    dueAt: r.due_at.toISOString(),
    overdue: isOverdue({ dueAt: r.due_at, resolvedAt: r.resolved_at }, now),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    outcome: r.outcome,
  }));
}
