import type { FastifyRequest } from 'fastify';
import { type Compilable, type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../db/transaction.js';

/**
 * Units as a record, an account's scope or an entry names them. An entry is tied to these units
 * (migration 0013: `unit_codes`), and to the person named (`person_ids`).
 */
export interface AuditRef {
  readonly provinceCode?: string | null;
  readonly districtCode?: string | null;
  readonly communeCode?: string | null;
  readonly facilityId?: string | null;
  readonly personId?: string | null;
}

/** Who did it, from where: taken from the request at the edge and passed down to services. */
export interface AuditContext {
  readonly actorId: string | null;
  readonly actorUsername: string | null;
  readonly actorRole: string | null;
  readonly requestId: string | null;
  readonly ip: string | null;
  /** The units of the staff member's account (their scope): what they do is tied to them too. */
  readonly actorUnits?: AuditRef | null;
}

/** The audit context of a request (the anonymous public when no staff member is signed in). */
export function auditContextOf(request: FastifyRequest): AuditContext {
  const scope = request.actor?.scope;
  return {
    actorId: request.actor?.id ?? null,
    actorUsername: request.actor?.username ?? null,
    actorRole: request.actor?.role ?? null,
    requestId: request.id,
    ip: request.ip,
    actorUnits: scope
      ? {
          provinceCode: scope.provinceCode,
          districtCode: scope.districtCode,
          communeCode: scope.communeCode,
          facilityId: scope.facilityId,
        }
      : null,
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
  /**
   * Units and people the entry is about besides those found from its entity and named at the top
   * level of `before` / `after` (e.g. where doses of a lot went).
   */
  readonly refs?: readonly AuditRef[];
}

const REF_KEYS = ['provinceCode', 'districtCode', 'communeCode', 'facilityId', 'personId'] as const;

/** The units and person named at the top level of a value (`before`, `after`, a ref), or null. */
function refOf(value: unknown): Record<string, string> | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const out: Record<string, string> = {};
  for (const key of REF_KEYS) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'string' && v !== '') out[key] = v;
  }
  return Object.keys(out).length ? out : null;
}

/**
 * What `audit_entry_refs()` ties the entry to besides its entity (migration 0013 says how): the
 * units named in `before`, `after` and `refs`, and the acting staff member's units.
 */
export function auditHints(ctx: AuditContext, entry: AuditEntry): Record<string, string>[] {
  const hints: Record<string, string>[] = [];
  for (const value of [entry.before, entry.after, ...(entry.refs ?? []), ctx.actorUnits]) {
    const ref = refOf(value);
    if (ref) hints.push(ref);
  }
  return hints;
}

/**
 * Appends to the audit log. Call it inside the same transaction as the change it records, so a
 * change never lands without its entry (and vice versa). The table rejects updates and deletes.
 * The entry's units and people (migration 0013) are found in the same statement.
 */
export async function recordAudit(db: Executor, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  await auditInsert([{ ctx, entry }]).execute(db);
}

/**
 * Runs a change (an INSERT / UPDATE statement of the caller's module) and appends its audit entry
 * in one statement — a data-modifying CTE — so the hot path pays one round trip, and the change
 * and its entry still land or fail together.
 */
export async function withAudit(db: Executor, change: Compilable, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  await sql`with change as (${change as unknown as RawBuilder<unknown>}) ${auditInsert([{ ctx, entry }])}`.execute(db);
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

/** The columns of an audit entry with their types, as a record set's shape (with the hints). */
const AUDIT_SHAPE = sql.raw(
  'actor_id text, actor_username text, actor_role text, action text, entity_type text, entity_id text, ' +
    'before jsonb, after jsonb, reason text, request_id text, ip text, hints jsonb',
);
const AUDIT_COLUMNS = sql.raw(
  'actor_id, actor_username, actor_role, action, entity_type, entity_id, before, after, reason, request_id, ip, ' +
    'unit_codes, person_ids',
);
const AUDIT_VALUES = sql.raw(
  'e.actor_id, e.actor_username, e.actor_role, e.action, e.entity_type, e.entity_id, e.before, e.after, ' +
    'e.reason, e.request_id, e.ip, r.unit_codes, r.person_ids',
);

/**
 * The one way entries are written: an INSERT … SELECT of the entries, sent as one JSON parameter
 * (the statement's text is the same for any number of them), each with its units and people from
 * `audit_entry_refs()`. With `written`, an entry lands only if its entity is among the `id`s that
 * CTE returns (the change made in the same statement, which may write some rows and not others).
 * `before` / `after` left undefined (or null) are SQL NULL.
 */
function auditInsert(entries: readonly { ctx: AuditContext; entry: AuditEntry }[], written?: string) {
  const records = JSON.stringify(
    entries.map(({ ctx, entry }) => ({ ...auditFields(ctx, entry), hints: auditHints(ctx, entry) })),
  );
  const only = written ? sql`where e.entity_id in (select id from ${sql.table(written)})` : sql``;
  return sql`insert into audit_log (${AUDIT_COLUMNS})
    select ${AUDIT_VALUES} from jsonb_to_recordset(${records}::jsonb) as e(${AUDIT_SHAPE})
    cross join lateral audit_entry_refs(e.entity_type, e.entity_id, e.hints) r
    ${only}`;
}

/**
 * Audit entries as one INSERT … SELECT to embed in a data-modifying statement: an entry lands only
 * if its entity is among the `id`s the CTE `written` returns (the change made in the same
 * statement). The entity itself is not visible to that statement yet: the entry is tied through
 * what it names (a dose's `personId` and `facilityId`).
 */
export function auditInsertForWritten(entries: readonly { ctx: AuditContext; entry: AuditEntry }[], written: string) {
  return auditInsert(entries, written);
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
