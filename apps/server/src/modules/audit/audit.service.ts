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

/** The row `recordAudit` writes. */
function auditRow(ctx: AuditContext, entry: AuditEntry): Insertable<AuditLogTable> {
  return {
    actor_id: ctx.actorId,
    actor_username: ctx.actorUsername,
    actor_role: ctx.actorRole,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    reason: entry.reason ?? null,
    request_id: ctx.requestId,
    ip: ctx.ip,
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

/** The columns of an audit entry and their SQL types, in the order `auditRow` fills them. */
const AUDIT_COLUMNS = [
  ['actor_id', 'text'],
  ['actor_username', 'text'],
  ['actor_role', 'text'],
  ['action', 'text'],
  ['entity_type', 'text'],
  ['entity_id', 'text'],
  ['before', 'jsonb'],
  ['after', 'jsonb'],
  ['reason', 'text'],
  ['request_id', 'text'],
  ['ip', 'text'],
] as const;

/**
 * Audit entries as one INSERT … SELECT to embed in a data-modifying statement: an entry lands only
 * if its entity is among the `id`s the CTE `written` returns (the change made in the same
 * statement, which may write some rows and not others). Entries travel as one array per column,
 * so the statement's text is the same for any number of entries.
 */
export function auditInsertForWritten(entries: readonly { ctx: AuditContext; entry: AuditEntry }[], written: string) {
  const rows = entries.map((e) => auditRow(e.ctx, e.entry));
  const arrays = AUDIT_COLUMNS.map(([c]) => rows.map((r) => r[c] ?? null));
  const names = sql.join(AUDIT_COLUMNS.map(([c]) => sql.ref(c)));
  return sql`insert into audit_log (${names})
    select ${sql.join(AUDIT_COLUMNS.map(([c, t]) => (t === 'jsonb' ? sql`e.${sql.ref(c)}::jsonb` : sql`e.${sql.ref(c)}`)))}
    from unnest(${sql.join(arrays.map((a) => sql`${a}::text[]`))}) as e(${names})
    where e.entity_id in (select id from ${sql.table(written)})`;
}
