import { type AuditEntryView, type AuditFilter, isProvinceCode } from '@tiemchung/core';
import { type SelectQueryBuilder, sql } from 'kysely';
import type { AuditLogRow, DB } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';
import { type Actor, NO_MATCH, requireScope, type Scope, scopeFilter } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';

/**
 * Reading the audit log (`GET /api/audit` and its exports), scoped to the caller.
 *
 * An entry is tied to units when it is written (migration 0013, `unit_codes`): the units of the
 * record it is about, those its `before` / `after` name, and the acting staff member's. A national
 * administrator reads every entry; a province or district administrator reads the entries tied to
 * their province or district — including entries written by their staff about records elsewhere
 * (who read a record of another province, say) and entries by others about records of their units.
 * Entries written before units were recorded (NULL) are the nation's only.
 */

/** The tag of a scope in `unit_codes` (`p:87`, `d:866`…), or null for the nation. */
export function scopeTag(scope: Scope): string | null {
  const f = scopeFilter(scope);
  if (!f) return null;
  const prefix = { province_code: 'p', district_code: 'd', commune_code: 'c', facility_id: 'f' }[f.column];
  return prefix ? `${prefix}:${f.value}` : `x:${NO_MATCH}`;
}

/**
 * The tag of the unit a filter names, checked against the caller's scope: a province, or a
 * district named by a district administrator, that is not the caller's answers 403 `out_of_scope`
 * (the filter never widens what the caller reads: entries must carry the caller's tag as well,
 * so a commune or facility elsewhere, or a district of another province, simply finds nothing).
 * A province code that does not exist answers 400 `unknown_unit`.
 */
export function unitFilterTag(actor: Actor, filter: Pick<AuditFilter, 'unitCode' | 'facilityId'>): string[] {
  const tags: string[] = [];
  const code = filter.unitCode;
  if (code !== undefined) {
    if (code.length === 2) {
      if (!isProvinceCode(code)) throw new AppError('unknown_unit', { field: 'unitCode' });
      requireScope(actor, { provinceCode: code }, 'unitCode');
      tags.push(`p:${code}`);
    } else if (code.length === 3) {
      if (actor.scope.level === 'district' && actor.scope.districtCode !== code)
        throw new AppError('out_of_scope', { field: 'unitCode' });
      tags.push(`d:${code}`);
    } else if (code.length === 5) {
      tags.push(`c:${code}`);
    } else {
      throw new AppError('unknown_unit', { field: 'unitCode' });
    }
  }
  if (filter.facilityId !== undefined) tags.push(`f:${filter.facilityId}`);
  return tags;
}

/** The filters, checked: the instants in order, the unit within the caller's reach. */
export interface CheckedFilter {
  readonly personId?: string | undefined;
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  /** Tags every entry must carry: the caller's scope and the unit asked for. */
  readonly tags: readonly string[];
}

export function checkFilter(actor: Actor, filter: AuditFilter): CheckedFilter {
  const from = filter.from ? new Date(filter.from) : undefined;
  const to = filter.to ? new Date(filter.to) : undefined;
  if (from && to && from >= to) throw new AppError('audit_range_invalid', { field: 'to' });
  const own = scopeTag(actor.scope);
  return {
    personId: filter.personId,
    actor: filter.actor,
    action: filter.action,
    from,
    to,
    tags: [...(own ? [own] : []), ...unitFilterTag(actor, filter)],
  };
}

function filtered<O>(query: SelectQueryBuilder<DB, 'audit_log', O>, f: CheckedFilter) {
  let q = query;
  if (f.tags.length) q = q.where(sql<boolean>`unit_codes @> array[${sql.join([...f.tags])}]::text[]`);
  if (f.personId) {
    const id = f.personId;
    // Entries written before people were recorded on them are found through their entity.
    q = q.where((eb) =>
      eb.or([
        sql<boolean>`person_ids @> array[${id}]::text[]`,
        eb.and([eb('entity_type', '=', 'person'), eb('entity_id', '=', id)]),
      ]),
    );
  }
  if (f.actor) {
    const who = f.actor;
    q = q.where((eb) => eb.or([eb('actor_username', '=', who), eb('actor_id', '=', who)]));
  }
  if (f.action) q = q.where('action', '=', f.action);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  return q;
}

/**
 * One page of the log, newest first, by keyset on the entry's id: the entries older than
 * `cursor` (the log only grows at the top, so a page never shifts). `nextCursor` is the last id
 * when there may be more.
 */
export async function auditPage(
  db: Executor,
  f: CheckedFilter,
  page: { cursor?: number | undefined; limit: number },
): Promise<{ rows: AuditLogRow[]; nextCursor: number | null }> {
  let q = filtered(db.selectFrom('audit_log').selectAll(), f);
  if (page.cursor !== undefined) q = q.where('id', '<', page.cursor);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  return { rows: items, nextCursor: more ? Number(items.at(-1)!.id) : null };
}

/** The most an export holds (a spreadsheet's rows: 1,048,576). */
export const EXPORT_MAX_ROWS = 1_000_000;

/** The newest entry's id now (0: none): where an export starts, so that it holds the log as it was when asked. */
export async function auditTop(db: Executor): Promise<number> {
  const top = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(top?.id ?? 0);
}

/**
 * Every entry of the filter up to `top` (auditTop), newest first, page by page (`pageSize` per
 * query, so memory stays flat), at most EXPORT_MAX_ROWS.
 */
export async function* auditEntries(
  db: Executor,
  f: CheckedFilter,
  top: number,
  pageSize = 1000,
): AsyncGenerator<AuditLogRow> {
  let cursor = top + 1;
  let sent = 0;
  while (sent < EXPORT_MAX_ROWS) {
    const { rows, nextCursor } = await auditPage(db, f, {
      cursor,
      limit: Math.min(pageSize, EXPORT_MAX_ROWS - sent),
    });
    for (const row of rows) yield row;
    sent += rows.length;
    if (nextCursor === null) return;
    cursor = nextCursor;
  }
}

const asArray = (v: unknown): string[] | null => (Array.isArray(v) ? v.map(String) : null);

/** An entry as the API answers it. */
export function presentAuditEntry(r: AuditLogRow): AuditEntryView {
  return {
    id: Number(r.id),
    at: r.at.toISOString(),
    actor: { id: r.actor_id, username: r.actor_username, role: r.actor_role },
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    reason: r.reason,
    before: r.before ?? null,
    after: r.after ?? null,
    unitCodes: asArray(r.unit_codes),
    personIds: asArray(r.person_ids),
    requestId: r.request_id,
    ip: r.ip,
  };
}

/** The filters as an audit entry of the read records them (only those given). */
export function filterRecord(f: AuditFilter): Record<string, string> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
}

/**
 * The people named by audit entries after `afterId`, up to the sealed end of the log (every entry
 * up to it is committed or never will be, so a follower that moves its cursor to `upTo` misses
 * none) and at most `maxEntries` entries on: for jobs that follow changes to records (the vaccine
 * passport's refresh). Reads (`*.read`, `*.lookup`, `*.list`, `*view*`) are skipped.
 */
export async function peopleNamedSince(
  db: Executor,
  afterId: number,
  maxEntries: number,
): Promise<{ personIds: string[]; upTo: number }> {
  const head = await db.selectFrom('audit_chain_head').select('sealed_id').executeTakeFirst();
  const upTo = Math.min(Number(head?.sealed_id ?? 0), afterId + maxEntries);
  if (upTo <= afterId) return { personIds: [], upTo: afterId };
  const { rows } = await sql<{ person_id: string }>`
    select distinct p.person_id
    from audit_log a, unnest(a.person_ids) as p(person_id)
    where a.id > ${afterId} and a.id <= ${upTo}
      and a.action not like '%.read' and a.action not like '%.lookup'
      and a.action not like '%.list%' and a.action not like '%view%' and a.action not like 'passport.%'
    order by 1`.execute(db);
  return { personIds: rows.map((r) => r.person_id), upTo };
}
