import type { Role, ScopeLevel } from '@tiemchung/core';
import type { FastifyRequest } from 'fastify';
import { type SelectQueryBuilder, sql } from 'kysely';
import { AppError } from './errors.js';

/** Where a staff user may see and act: the nation, an administrative unit, or one facility. */
export interface Scope {
  readonly level: ScopeLevel;
  /** The unit code the user is anchored to (null for the nation and for facilities). */
  readonly unitCode: string | null;
  readonly provinceCode: string | null;
  readonly districtCode: string | null;
  readonly communeCode: string | null;
  readonly facilityId: string | null;
}

/**
 * A value no unit code or id can equal: what a filter uses when a scope lacks the code it needs
 * (a data error), so that it matches nothing rather than everything.
 */
export const NO_MATCH = '#none';

/** The authenticated staff member behind a request. */
export interface Actor {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly displayName: string;
  readonly scope: Scope;
  /**
   * The password was made or reset by an administrator: until the user sets their own, only the
   * account's own routes (scope rule `self`) answer; the others 403 `password_change_required`.
   */
  readonly mustChangePassword?: boolean;
}

/** What a record belongs to, for scope checks: its units and, where known, its facility. */
export interface UnitRef {
  readonly provinceCode: string | null;
  readonly districtCode?: string | null;
  readonly communeCode?: string | null;
  readonly facilityId?: string | null;
}

/** The actor of an authenticated request (use after `authenticate`). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthenticated');
  return request.actor;
}

/** True when the actor's scope covers the target. A facility user covers only its facility. */
export function covers(scope: Scope, target: UnitRef): boolean {
  switch (scope.level) {
    case 'nation':
      return true;
    case 'province':
      return target.provinceCode != null && target.provinceCode === scope.provinceCode;
    case 'district':
      return target.districtCode != null && target.districtCode === scope.districtCode;
    case 'commune':
      return target.communeCode != null && target.communeCode === scope.communeCode;
    case 'facility':
      return target.facilityId != null && target.facilityId === scope.facilityId;
  }
}

/**
 * The unit field at which `target` falls outside `scope`, from the top: the province, else the
 * district, else the commune down to the scope's level (the first that differs, or is missing
 * where the scope needs it); a facility's scope, its facility. Undefined when the scope covers
 * the target. A record's out-of-scope refusal names it (a district's clerk is told the district
 * code is the one outside, not the province).
 */
export function fieldOutsideScope(
  scope: Scope,
  target: UnitRef,
): 'provinceCode' | 'districtCode' | 'communeCode' | 'facilityId' | undefined {
  if (covers(scope, target)) return undefined;
  if (scope.level === 'facility') return 'facilityId';
  const levels = [
    ['provinceCode', scope.provinceCode],
    ['districtCode', scope.level === 'province' ? null : scope.districtCode],
    ['communeCode', scope.level === 'commune' ? scope.communeCode : null],
  ] as const;
  for (const [field, own] of levels) if (own != null && target[field] !== own) return field;
  return 'provinceCode';
}

/** Throws 403 `out_of_scope` (naming `field` when given) unless the actor's scope covers the target. */
export function requireScope(actor: Actor, target: UnitRef, field?: string): void {
  if (!covers(actor.scope, target)) throw new AppError('out_of_scope', field ? { field } : {});
}

/**
 * The province a new record (a lot received, a campaign) belongs to: the body's province when the
 * actor is national; otherwise the actor's own, and a different one in the body is refused (403
 * `out_of_scope` naming the field), never silently replaced.
 */
export function provinceOfNewRecord(actor: Actor, given: string | undefined, field = 'provinceCode'): string | null {
  if (actor.scope.level === 'nation') return given ?? null;
  if (given !== undefined && given !== actor.scope.provinceCode) throw new AppError('out_of_scope', { field });
  return actor.scope.provinceCode;
}

/** The unit columns of a table as a scope filter names them (defaults: `province_code`…). */
export interface ScopeColumnNames {
  readonly province?: string;
  readonly district?: string;
  readonly commune?: string;
  readonly facility?: string;
}

export interface ScopeFilterOptions {
  /**
   * `'district'`: a commune user sees the whole district of its commune — for records that carry
   * no commune code (sessions, registrations, notifications, statistics). Default `'commune'`.
   */
  readonly commune?: 'commune' | 'district';
  /** The table's own names for its unit columns (registrations: `assigned_district_code`…). */
  readonly columns?: ScopeColumnNames;
}

/**
 * The one condition a list query puts on the actor's scope: a column and the value it must equal,
 * or null for the nation (no condition). A code the scope lacks matches nothing (NO_MATCH), never
 * everything. Facility users are filtered by facility.
 */
export function scopeFilter(scope: Scope, options: ScopeFilterOptions = {}): { column: string; value: string } | null {
  const names = options.columns ?? {};
  const level = scope.level === 'commune' && options.commune === 'district' ? 'district' : scope.level;
  switch (level) {
    case 'nation':
      return null;
    case 'province':
      return { column: names.province ?? 'province_code', value: scope.provinceCode ?? NO_MATCH };
    case 'district':
      return { column: names.district ?? 'district_code', value: scope.districtCode ?? NO_MATCH };
    case 'commune':
      return { column: names.commune ?? 'commune_code', value: scope.communeCode ?? NO_MATCH };
    case 'facility':
      return { column: names.facility ?? 'facility_id', value: scope.facilityId ?? NO_MATCH };
  }
}

/** A select query narrowed to the actor's scope by `scopeFilter` (unchanged for the nation). */
export function whereInScope<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  scope: Scope,
  options: ScopeFilterOptions = {},
): SelectQueryBuilder<DB, TB, O> {
  const f = scopeFilter(scope, options);
  return f ? query.where(sql.ref(f.column), '=', f.value) : query;
}

/**
 * The same filter as column → value pairs (empty for the nation), for queries that take their
 * filter as an object.
 */
export function scopeColumns(scope: Scope): {
  province_code?: string;
  district_code?: string;
  commune_code?: string;
  facility_id?: string;
} {
  const f = scopeFilter(scope);
  return f ? { [f.column]: f.value } : {};
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `authenticate` guard; null on public routes. */
    actor: Actor | null;
  }
}
