import { ROLES, type Role } from '@tiemchung/core';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';

/**
 * The scope rules a route can declare: what part of the nation's data the caller may reach
 * through it. Each rule is enforced by one shared guard (`requireScope`, `canSeePerson`,
 * `canChangePerson`, `scopeColumns`…) in the service the route calls; the authorisation-matrix
 * test (`access.matrix.test.ts`) checks every route against every role, inside and outside its
 * scope, from this declaration.
 */
export const SCOPE_RULES = {
  public: 'anyone, without a session (public portal, verifiers, health check)',
  household:
    "the e-health book: the household of the signed-in device's phone — its members' records, certificates, reports and the phone's devices (401 without the device's session, 404 for anyone else)",
  self: "the caller's own session or account",
  reference: 'national reference data, the same for every staff member',
  national: 'the whole nation: national administrators only',
  'own-units': "lists and summaries filtered to the caller's units",
  'person-read':
    "a person's record: within the caller's units; site staff may open anyone's record at the desk (audited)",
  'person-create': "a new record within the caller's units; site staff register whoever walks in at the desk (audited)",
  'person-change':
    "a person's record is changed only within the caller's units (site staff: their facility's district, or a person the facility registered)",
  'person-pair': 'both records of a duplicate pair or a merge must be within the caller’s units',
  facility: "work at a vaccination facility (doses, sessions, visits, lots): the caller's facility or units",
  'body-units':
    "a new record's province, district or facility given in the body must be the caller's (403, never substituted)",
  report: "a report routed to the caller's unit or a unit below it (404 otherwise), and any person it is linked to",
  registration: "a portal registration of the caller's province, or assigned to the caller's district or site",
  'staff-account':
    "a staff account within the caller's units (404 otherwise), of a role the caller may give (403 otherwise, and for the caller's own); a new unit or facility in the body must be the caller's (403)",
} as const;
export type ScopeRule = keyof typeof SCOPE_RULES;

/** Who may call a route and what its scope rule is, declared where the route is registered. */
export interface RouteAccess {
  /** `public` for routes without a session; otherwise the staff roles that may call it. */
  readonly roles: 'public' | readonly Role[];
  readonly scope: ScopeRule;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every `/api` route (the app refuses to start without it). */
    access?: RouteAccess;
  }
  interface FastifyInstance {
    /** Every `/api` route with its declared access, in registration order (tests, OpenAPI). */
    routeTable: RouteEntry[];
  }
}

export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly schema: FastifySchema | undefined;
  readonly access: RouteAccess;
}

/** Any signed-in staff member. */
export const ALL_STAFF: readonly Role[] = ROLES;

/** A public route (no session) with its rule. */
export function publicAccess(scope: ScopeRule = 'public'): { access: RouteAccess } {
  return { access: { roles: 'public', scope } };
}

/** A staff route: the roles that may call it and its scope rule. */
export function staffAccess(roles: readonly Role[], scope: ScopeRule): { access: RouteAccess } {
  return { access: { roles, scope } };
}

/** Routes a plugin adds for itself (the OpenAPI UI): public documentation. */
const DOCUMENTATION = /^\/api\/(docs|openapi\.json)(\/|$)/;

/**
 * Collects every `/api` route into `app.routeTable` and refuses to register one that declares no
 * access rule: a new route without `config.access` stops the app (and every test) at start.
 * `guard` turns a declaration into the route's `onRequest` hooks (authentication and role come
 * before validation, so an anonymous malformed request gets 401, not field details).
 */
export function collectRoutes(
  app: FastifyInstance,
  guard: (access: RouteAccess) => RouteOptions['onRequest'] | undefined,
): void {
  app.decorate('routeTable', [] as RouteEntry[]);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api')) return;
    const declared = route.config?.access;
    const access: RouteAccess | undefined =
      declared ?? (DOCUMENTATION.test(route.url) ? { roles: 'public', scope: 'public' } : undefined);
    if (!access) throw new Error(`${route.method} ${route.url} declares no access rule (config.access)`);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' && !DOCUMENTATION.test(route.url)) continue;
      app.routeTable.push({ method, url: route.url, schema: route.schema, access });
    }
    const hooks = guard(access);
    if (hooks) {
      const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
      const added = Array.isArray(hooks) ? hooks : [hooks];
      route.onRequest = [...added, ...existing] as RouteOptions['onRequest'];
    }
  });
}
