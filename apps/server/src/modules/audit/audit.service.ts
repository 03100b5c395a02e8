import type { FastifyRequest } from 'fastify';
import { type Compilable, type RawBuilder, sql } from 'kysely';
import { PREPARED } from '../../db/prepared.js';
import type { Executor } from '../../db/transaction.js';
import type { Actor } from '../../lib/authz.js';

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
  return actorAuditContext(request.actor ?? null, request.id, request.ip);
}

/**
 * The audit context of a staff member's work (or the anonymous public's when `actor` is null): a
 * request's, or a job's or command's acting as the account that started it.
 */
export function actorAuditContext(actor: Actor | null, requestId: string | null, ip: string | null): AuditContext {
  const scope = actor?.scope;
  return {
    actorId: actor?.id ?? null,
    actorUsername: actor?.username ?? null,
    actorRole: actor?.role ?? null,
    requestId,
    ip,
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

/** What `audit_entry_refs()` is given besides the entity: tags as they are, people and facilities to look up. */
export interface AuditRefLists {
  /** `p:87`, `d:866`, `c:29866`, `f:DT-CL-01`: units named, taken as given. */
  readonly tags: readonly string[];
  /** People whose units are looked up. */
  readonly persons: readonly string[];
  /** Facilities whose units are looked up. */
  readonly facilities: readonly string[];
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * What an entry is tied to besides its entity (migration 0013 says how): the units named at the
 * top level of `before`, `after` and `refs` (a facility and a person named are looked up), and the
 * acting staff member's units (their scope, as it is: no look-up).
 */
export function auditRefLists(ctx: AuditContext, entry: AuditEntry): AuditRefLists {
  const tags = new Set<string>();
  const persons = new Set<string>();
  const facilities = new Set<string>();
  const unitTags = (v: Record<string, unknown>) => {
    for (const [key, prefix] of [
      ['provinceCode', 'p'],
      ['districtCode', 'd'],
      ['communeCode', 'c'],
    ] as const) {
      const code = text(v[key]);
      if (code) tags.add(`${prefix}:${code}`);
    }
  };
  for (const value of [entry.before, entry.after, ...(entry.refs ?? [])]) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const v = value as Record<string, unknown>;
    unitTags(v);
    const facility = text(v.facilityId);
    if (facility) facilities.add(facility);
    const person = text(v.personId);
    if (person) persons.add(person);
  }
  if (ctx.actorUnits) {
    unitTags(ctx.actorUnits as Record<string, unknown>);
    const facility = text(ctx.actorUnits.facilityId);
    if (facility) tags.add(`f:${facility}`);
  }
  return { tags: [...tags], persons: [...persons], facilities: [...facilities] };
}

/** A list as `audit_entry_refs()` takes it: one text, the items joined by the unit separator. */
const joined = (items: readonly string[]) => items.join('\u001f');

/** An entry's column values and its ref lists, in the order of AUDIT_COLUMNS (before/after as JSON text). */
function auditRecord(ctx: AuditContext, entry: AuditEntry) {
  const refs = auditRefLists(ctx, entry);
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
    tags: joined(refs.tags),
    persons: joined(refs.persons),
    facilities: joined(refs.facilities),
  };
}

const AUDIT_COLUMNS = sql.raw(
  'actor_id, actor_username, actor_role, action, entity_type, entity_id, before, after, reason, request_id, ip, ' +
    'unit_codes, person_ids',
);

/**
 * One entry as an INSERT … SELECT, its units and people from `audit_entry_refs()` in the same
 * statement. Its text is the same for every entry: on PostgreSQL it is prepared once per
 * connection (PREPARED), unless it is embedded in another statement (`prepared: false`).
 */
function auditInsertOne(ctx: AuditContext, entry: AuditEntry, prepared: boolean) {
  const e = auditRecord(ctx, entry);
  return sql`${prepared ? PREPARED : sql``}insert into audit_log (${AUDIT_COLUMNS})
    select ${e.actor_id}, ${e.actor_username}, ${e.actor_role}, ${e.action}, ${e.entity_type}, ${e.entity_id},
      ${e.before}::jsonb, ${e.after}::jsonb, ${e.reason}, ${e.request_id}, ${e.ip}, r.unit_codes, r.person_ids
    from audit_entry_refs(${e.entity_type}, ${e.entity_id}, ${e.tags}, ${e.persons}, ${e.facilities}) r`;
}

/**
 * Appends to the audit log. Call it inside the same transaction as the change it records, so a
 * change never lands without its entry (and vice versa). The table rejects updates and deletes.
 * The entry's units and people (migration 0013) are found in the same statement.
 */
export async function recordAudit(db: Executor, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  await auditInsertOne(ctx, entry, true).execute(db);
}

/** Appends several entries of one actor in one statement (a bulk change: the bulk import's new people). */
export async function recordAuditForEach(
  db: Executor,
  ctx: AuditContext,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (!entries.length) return;
  const ids = entries.map((e) => e.entityId);
  await sql`with listed as (select unnest(${sql.val(ids)}::text[]) as id) ${auditInsertForEach(
    entries.map((entry) => ({ ctx, entry })),
    'listed',
    'visible',
  )}`.execute(db);
}

/**
 * Runs a change (an INSERT / UPDATE statement of the caller's module) and appends its audit entry
 * in one statement — a data-modifying CTE — so the hot path pays one round trip, and the change
 * and its entry still land or fail together. The change's record is not visible to the entry's
 * half of the statement: the entry is tied through what it names (a dose's personId, facilityId).
 */
export async function withAudit(db: Executor, change: Compilable, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  await sql`with change as (${change as unknown as RawBuilder<unknown>}) ${auditInsertOne(ctx, entry, false)}`.execute(
    db,
  );
}

/** The record set's shape of the entries written together. */
const AUDIT_SHAPE = sql.raw(
  'actor_id text, actor_username text, actor_role text, action text, entity_type text, entity_id text, ' +
    'before jsonb, after jsonb, reason text, request_id text, ip text, tags text, persons text, facilities text',
);
const AUDIT_VALUES = sql.raw(
  'e.actor_id, e.actor_username, e.actor_role, e.action, e.entity_type, e.entity_id, e.before, e.after, ' +
    'e.reason, e.request_id, e.ip, r.unit_codes, r.person_ids',
);

/**
 * Audit entries as one INSERT … SELECT to embed in a data-modifying statement: an entry lands only
 * if its entity is among the `id`s the CTE `written` returns (the change made in the same
 * statement, which may write some rows and not others). The entries travel as one JSON parameter,
 * so the statement's text is the same for any number of them. The entity itself is not visible to
 * that statement yet: the entry is tied through what it names (a dose's personId and facilityId).
 */
export function auditInsertForWritten(entries: readonly { ctx: AuditContext; entry: AuditEntry }[], written: string) {
  return auditInsertForEach(entries, written, 'written');
}

/**
 * The entity types whose units `audit_entry_refs()` takes from the entity's id alone (a person's
 * own, a facility's own), without reading the entity's row.
 */
const TYPES_REFS_FROM_ID: ReadonlySet<string> = new Set(['person', 'facility']);

/**
 * Entries for the ids of a CTE. `written`: the entities are inserted in the same statement, so
 * their own rows are not visible to it — they are not read (a read that would find nothing: for a
 * dose, one probe of each partition of `doses`); what ties the entry is what it names. `visible`:
 * the entities exist, and are read as for a single entry. Where no entity is read (written, or
 * people and facilities only), the references are `audit_entry_refs_listed()` (migration 0024):
 * the same answer, in plain SQL that PostgreSQL inlines into this statement, instead of a PL/pgSQL
 * call per entry. (The rule is written in both functions on purpose, kept equal by a property
 * test: one function calling the other made every single entry's statement ≈ 1.4 × as long —
 * BENCHMARKS.md, "One rule for an entry's units: tried, slower, not kept".)
 */
function auditInsertForEach(
  entries: readonly { ctx: AuditContext; entry: AuditEntry }[],
  ids: string,
  entities: 'written' | 'visible',
) {
  // `before` / `after` as JSON values in the record set (undefined ones left out: SQL NULL).
  const records = JSON.stringify(
    entries.map(({ ctx, entry }) => {
      const e = auditRecord(ctx, entry);
      return { ...e, before: entry.before, after: entry.after };
    }),
  );
  const listed = entities === 'written' || entries.every(({ entry }) => TYPES_REFS_FROM_ID.has(entry.entityType));
  const refs = listed ? sql`audit_entry_refs_listed` : sql`audit_entry_refs`;
  return sql`insert into audit_log (${AUDIT_COLUMNS})
    select ${AUDIT_VALUES} from jsonb_to_recordset(${records}::jsonb) as e(${AUDIT_SHAPE})
    cross join lateral ${refs}(e.entity_type, e.entity_id, e.tags, e.persons, e.facilities) r
    where e.entity_id in (select id from ${sql.table(ids)})`;
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
