import type { Role, ScopeLevel } from '@tiemchung/core';
import type { FastifyRequest } from 'fastify';
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

/** Throws 403 `out_of_scope` unless the actor's scope covers the target. */
export function requireScope(actor: Actor, target: UnitRef): void {
  if (!covers(actor.scope, target)) throw new AppError('out_of_scope');
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

/**
 * The filter a list query applies to records that carry unit columns, as column → value pairs
 * (empty for the nation). Facility users are filtered by facility.
 */
export function scopeColumns(scope: Scope): {
  province_code?: string;
  district_code?: string;
  commune_code?: string;
  facility_id?: string;
} {
  switch (scope.level) {
    case 'nation':
      return {};
    case 'province':
      return { province_code: scope.provinceCode ?? NO_MATCH };
    case 'district':
      return { district_code: scope.districtCode ?? NO_MATCH };
    case 'commune':
      return { commune_code: scope.communeCode ?? NO_MATCH };
    case 'facility':
      return { facility_id: scope.facilityId ?? NO_MATCH };
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `authenticate` guard; null on public routes. */
    actor: Actor | null;
  }
}
