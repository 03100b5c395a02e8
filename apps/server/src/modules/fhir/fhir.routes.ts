import { schemaMessage } from '@tiemchung/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicBaseUrlOf } from '../../config.js';
import { unitOfWork } from '../../db/transaction.js';
import { ALL_STAFF, publicAccess, type RouteEntry, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { auditContextOf } from '../audit/audit.service.js';
import { staffGuard } from '../auth/auth.guard.js';
import { capabilityStatement } from './fhir.capability.js';
import { FHIR_JSON, operationOutcome, type Resource, searchset } from './fhir.resources.js';
import {
  acceptedParams,
  invalid,
  isLenient,
  orValues,
  pagingOf,
  parseDate,
  parseToken,
  queryOf,
  referencedId,
  required,
  single,
} from './fhir.search.js';
import {
  ddccOf,
  readImmunization,
  readOrganization,
  readPatient,
  searchImmunizations,
  searchPatients,
} from './fhir.service.js';

/**
 * The FHIR R4 read API under `/fhir` (issue 18, point 4; docs/fhir.md): `application/fhir+json`,
 * an `OperationOutcome` for every failure. Register it once: `await app.register(fhirRoutes)`.
 *
 * Every route declares its access (`config.access`) like an `/api` route. The app's route table
 * (lib/access.ts `collectRoutes`) collects and guards `/api` routes only, so this plugin does the
 * same for its own: a route without a declaration stops the app, a staff route gets the staff guard
 * (401 without a session, 403 for another role — before validation), and each is listed in
 * `app.routeTable` for the authorisation matrix.
 */
export const fhirRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(fhirApi, { prefix: '/fhir' });
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The FHIR API's catch-all 404 route: public, and no interaction of the route table. */
    fhirFallback?: boolean;
  }
}

const fhirId = z.string().regex(/^[A-Za-z0-9.-]{1,64}$/, schemaMessage('fhirId'));
const idParams = z.object({ id: fhirId });
/** A parameter as the query string gives it (the handler reads FHIR's repetitions from the URL itself). */
const param = z.union([z.string().max(2000), z.array(z.string().max(2000)).max(10)]).optional();
const paging = { _count: param, _offset: param, _format: param };

const FHIR_TAGS = ['fhir'];
/** The FHIR JSON media type, as a request's `Content-Type` names it (any parameters aside). */
const FHIR_MEDIA_TYPE = 'application/fhir+json';

const fhirApi: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRoute', (route) => guardRoute(app, route as RouteOptions));
  app.addHook('onSend', asOperationOutcome);
  app.setNotFoundHandler(() => {
    throw new AppError('route_not_found');
  });
  // FHIR's own media type: no route here reads a body (the API is read-only), so a write sent as
  // `application/fhir+json` reaches the routes and answers 404 `route_not_found` as one sent as
  // `application/json` does, not 415 from the body parser. The body is read (within the size
  // limit) and dropped.
  app.addContentTypeParser(FHIR_MEDIA_TYPE, { parseAs: 'string' }, (_request, _body, done) => done(null, undefined));
  // Any other path under /fhir is 404 too — also where the web app is served, whose wildcard
  // route would answer it with the app's page (lib/static-assets.ts). Not an interaction: hidden
  // from the OpenAPI document and left out of the route table.
  for (const url of ['/', '/*'])
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url,
      config: { ...publicAccess(), fhirFallback: true },
      schema: { hide: true },
      handler: () => {
        throw new AppError('route_not_found');
      },
    });

  const certificateDeps = () => ({ keys: app.deps.keys, clock: app.deps.clock });

  app.get(
    '/metadata',
    {
      config: publicAccess(),
      schema: {
        tags: FHIR_TAGS,
        operationId: 'fhirCapabilities',
        summary: 'FHIR: the CapabilityStatement of this server',
        querystring: z.object({ mode: param, _format: param }),
      },
    },
    async (request, reply) => {
      acceptedParams(queryOf(request.url), ['mode'], { search: false, lenient: isLenient(request.headers.prefer) });
      return send(reply, capabilityStatement(baseOf(app)));
    },
  );

  app.get(
    '/Patient',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: FHIR_TAGS,
        operationId: 'fhirPatientSearch',
        summary: 'FHIR: find a person by ID number (`identifier=system|value`) or id (`_id`): a searchset Bundle',
        querystring: z.object({ identifier: param, _id: param, ...paging }),
      },
    },
    async (request, reply) => {
      const q = searchParams(request, ['identifier', '_id']);
      const identifier = single(q, 'identifier');
      const id = single(q, '_id');
      if (identifier === undefined && id === undefined) throw required('identifier');
      const identifiers =
        identifier === undefined ? null : orValues(identifier, 'identifier').map((v) => parseToken(v, 'identifier'));
      const ids = id === undefined ? null : orValues(id, '_id').map((v) => referencedId(v, 'Patient', '_id'));
      const page = pagingOf(q);
      const result = await unitOfWork(app.db, (trx) =>
        searchPatients(trx, actorOf(request), auditContextOf(request), { identifiers, ids }, page),
      );
      return send(reply, bundle(baseOf(app), '/Patient', q, page, result, app.deps.clock()));
    },
  );

  app.get(
    '/Patient/:id',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: FHIR_TAGS,
        operationId: 'fhirPatientRead',
        summary: 'FHIR: a person (audited; 403 outside the caller’s units)',
        params: idParams,
        querystring: z.object({ _format: param }),
      },
    },
    async (request, reply) => {
      readParams(request);
      const patient = await unitOfWork(app.db, (trx) =>
        readPatient(trx, actorOf(request), auditContextOf(request), request.params.id),
      );
      return send(reply, patient);
    },
  );

  app.get(
    '/Patient/:id/$ddcc',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: FHIR_TAGS,
        operationId: 'fhirPatientDdcc',
        summary: 'FHIR: the WHO DDCC:VS core data set of the person’s certificate, as a document Bundle (audited)',
        params: idParams,
        querystring: z.object({ _format: param }),
      },
    },
    async (request, reply) => {
      readParams(request);
      // One unit of work: the read's audit entry and the certificate (re)issued as it is read.
      const document = await unitOfWork(app.db, (trx) =>
        ddccOf(trx, certificateDeps(), actorOf(request), auditContextOf(request), request.params.id, baseOf(app)),
      );
      return send(reply, document);
    },
  );

  app.get(
    '/Immunization',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: FHIR_TAGS,
        operationId: 'fhirImmunizationSearch',
        summary: 'FHIR: a person’s doses (`patient` required; `date`, `status`): a searchset Bundle (audited)',
        querystring: z.object({ patient: param, date: param, status: param, ...paging }),
      },
    },
    async (request, reply) => {
      const q = searchParams(request, ['patient', 'date', 'status']);
      const patient = single(q, 'patient');
      if (patient === undefined) throw required('patient');
      const patientId = referencedId(patient, 'Patient', 'patient');
      const dates = q.getAll('date').map((v) => parseDate(v, 'date'));
      const status = single(q, 'status');
      const statuses = status === undefined ? null : orValues(status, 'status');
      if (statuses?.some((s) => s !== 'completed' && s !== 'entered-in-error')) throw invalid('status');
      const page = pagingOf(q);
      const result = await unitOfWork(app.db, (trx) =>
        searchImmunizations(trx, actorOf(request), auditContextOf(request), { patientId, dates, statuses }, page),
      );
      return send(reply, bundle(baseOf(app), '/Immunization', q, page, result, app.deps.clock()));
    },
  );

  app.get(
    '/Immunization/:id',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: FHIR_TAGS,
        operationId: 'fhirImmunizationRead',
        summary: 'FHIR: one dose (audited; 403 when its person is outside the caller’s units)',
        params: idParams,
        querystring: z.object({ _format: param }),
      },
    },
    async (request, reply) => {
      readParams(request);
      const immunization = await unitOfWork(app.db, (trx) =>
        readImmunization(trx, actorOf(request), auditContextOf(request), request.params.id),
      );
      return send(reply, immunization);
    },
  );

  app.get(
    '/Organization/:id',
    {
      config: staffAccess(ALL_STAFF, 'reference'),
      schema: {
        tags: FHIR_TAGS,
        operationId: 'fhirOrganizationRead',
        summary: 'FHIR: a vaccination facility (the performer of its doses)',
        params: idParams,
        querystring: z.object({ _format: param }),
      },
    },
    async (request, reply) => {
      readParams(request);
      return send(reply, await readOrganization(app.db, request.params.id));
    },
  );
};

/**
 * The server's FHIR base (`https://host/fhir`): from the configured public address
 * (`PUBLIC_BASE_URL`), never from the request's `Host`, which the client chooses — links a client
 * follows as given must not point elsewhere.
 */
function baseOf(app: FastifyInstance): string {
  return `${publicBaseUrlOf(app.config)}/fhir`;
}

/** The parameters of a read: only `_format` and `_pretty`. */
function readParams(request: FastifyRequest): void {
  acceptedParams(queryOf(request.url), [], { search: false, lenient: isLenient(request.headers.prefer) });
}

/** The parameters of a search the route understands (`known`), checked; paging and format besides. */
function searchParams(request: FastifyRequest, known: readonly string[]): URLSearchParams {
  return acceptedParams(queryOf(request.url), known, { search: true, lenient: isLenient(request.headers.prefer) });
}

function bundle(
  base: string,
  path: string,
  params: URLSearchParams,
  page: { count: number; offset: number },
  result: { total: number; matches: Resource[]; notes: Resource[] },
  now: Date,
): Resource {
  const applied = new URLSearchParams([...params].filter(([name]) => name !== '_format' && name !== '_pretty'));
  return searchset({ base, path, params: applied, ...page, ...result, now });
}

function send(reply: FastifyReply, resource: Resource) {
  return reply.type(FHIR_JSON).send(resource);
}

/**
 * Every failure of a FHIR route, whatever raised it (the guard, the schema, a service, the router,
 * the overload shedding), leaves the app's error handler as the platform's error body
 * (`{"error":{"code","message","field"}}`, lib/error-handler.ts): here it becomes an
 * `OperationOutcome` with the same status, and a 401 names the bearer scheme.
 */
async function asOperationOutcome(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
  const type = reply.getHeader('content-type');
  if (typeof type !== 'string' || !type.startsWith('application/json')) return payload;
  let body: { error?: { code?: unknown; message?: unknown; field?: unknown } };
  try {
    body = JSON.parse(payload);
  } catch {
    return payload;
  }
  const error = body?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') return payload;
  reply.header('content-type', FHIR_JSON);
  if (reply.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="tiemchung"');
  const field = typeof error.field === 'string' ? error.field : undefined;
  return JSON.stringify(
    operationOutcome(reply.statusCode, { code: error.code, message: error.message, field }, request.id),
  );
}

/**
 * What `collectRoutes` does for `/api` routes (lib/access.ts), for the FHIR routes: a route must
 * declare its access; it is listed in the app's route table; a staff route's `onRequest` starts
 * with the staff guard. A route the app's own collector already took (should it ever cover
 * `/fhir`) is left to it.
 */
function guardRoute(app: FastifyInstance, route: RouteOptions): void {
  const access = route.config?.access;
  if (!access) throw new Error(`${route.method} ${route.url} declares no access rule (config.access)`);
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (route.config?.fhirFallback) return;
  const table: RouteEntry[] | undefined = app.routeTable;
  if (table?.some((r) => r.url === route.url && methods.includes(r.method))) return;
  for (const method of methods)
    if (method !== 'HEAD') table?.push({ method, url: route.url, schema: route.schema, access });
  if (access.roles === 'public') return;
  const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
  route.onRequest = [staffGuard(access.roles, access.scope), ...existing] as RouteOptions['onRequest'];
}
