import type { FastifyRequest } from 'fastify';
import { type Compilable, type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type { AuditLogTable, DB } from '../../db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

/** Who did it, from where: taken from the request at the edge and passed down to services. */
export interface AuditContext {
  readonly actorId: string | null;
  readonly actorUsername: string | null;
  readonly actorRole: string | null;
  readonly requestId: string | null;
  readonly ip: string | null;
}

/** The audit context of a request (the anonymous public when no staff member is signed in). */
export function auditContextOf(request: FastifyRequest): AuditContext {
  return {
    actorId: request.actor?.id ?? null,
    actorUsername: request.actor?.username ?? null,
    actorRole: request.actor?.role ?? null,
    requestId: request.id,
    ip: request.ip,
  };
}

/** A context for work not started by a request (import command, background job, seed). */
export function systemAuditContext(name: string): AuditContext {
  return { actorId: null, actorUsername: `system:${name}`, actorRole: null, requestId: null, ip: null };
}

export interface AuditEntry {
  /** Dotted verb, e.g. `person.create`, `person.read`, `dose.create`, `person.merge`. */
  readonly action: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly reason?: string | null;
}

/**
 * Appends to the audit log. Call it inside the same transaction as the change it records, so a
 * change never lands without its entry (and vice versa). The table rejects updates and deletes.
 */
export async function recordAudit(db: Executor, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(auditRow(ctx, entry)).execute();
}

/**
 * Runs a change (an INSERT / UPDATE statement of the caller's module) and appends its audit entry
 * in one statement — a data-modifying CTE — so the hot path pays one round trip, and the change
 * and its entry still land or fail together.
 */
export async function withAudit(db: Executor, change: Compilable, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  await db
    .with('change', () => change as never)
    .insertInto('audit_log')
    .values(auditRow(ctx, entry))
    .execute();
}

/** An entry's columns, `before` and `after` as values (not yet JSON text). */
function auditFields(ctx: AuditContext, entry: AuditEntry) {
  return {
    actor_id: ctx.actorId,
    actor_username: ctx.actorUsername,
    actor_role: ctx.actorRole,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    before: entry.before,
    after: entry.after,
    reason: entry.reason ?? null,
    request_id: ctx.requestId,
    ip: ctx.ip,
  };
}

/** The row `recordAudit` writes. */
function auditRow(ctx: AuditContext, entry: AuditEntry): Insertable<AuditLogTable> {
  const f = auditFields(ctx, entry);
  return {
    ...f,
    before: f.before === undefined ? null : JSON.stringify(f.before),
    after: f.after === undefined ? null : JSON.stringify(f.after),
  };
}

/** The audit trail of one entity, oldest first. */
export function listAudit(db: Executor, entityType: string, entityId: string) {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .orderBy('id')
    .execute();
}

/** The columns of an audit entry with their types, as a record set's shape. */
const AUDIT_SHAPE = sql.raw(
  'actor_id text, actor_username text, actor_role text, action text, entity_type text, entity_id text, ' +
    'before jsonb, after jsonb, reason text, request_id text, ip text',
);
const AUDIT_COLUMNS = sql.raw(
  'actor_id, actor_username, actor_role, action, entity_type, entity_id, before, after, reason, request_id, ip',
);

/**
 * Audit entries as one INSERT … SELECT to embed in a data-modifying statement: an entry lands only
 * if its entity is among the `id`s the CTE `written` returns (the change made in the same
 * statement, which may write some rows and not others). The entries travel as one JSON parameter,
 * so the statement's text is the same for any number of them.
 */
export function auditInsertForWritten(entries: readonly { ctx: AuditContext; entry: AuditEntry }[], written: string) {
  // JSON.stringify leaves out an undefined `before`/`after`: the column is then null.
  const records = JSON.stringify(entries.map(({ ctx, entry }) => auditFields(ctx, entry)));
  return sql`insert into audit_log (${AUDIT_COLUMNS})
    select ${AUDIT_COLUMNS} from jsonb_to_recordset(${records}::jsonb) as e(${AUDIT_SHAPE})
    where e.entity_id in (select id from ${sql.table(written)})`;
}
