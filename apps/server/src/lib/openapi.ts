import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { ERROR_CATALOGUE, type ErrorCode, errorBodySchema } from '@tiemchung/core';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { type ZodType, z } from 'zod';
import type { RouteAccess } from './access.js';

declare module 'fastify' {
  interface FastifySchema {
    /**
     * A `multipart/form-data` body, which the handler reads part by part (Fastify does not
     * validate it): the form's fields and files (`z.file()`), for the OpenAPI document only.
     */
    multipartBody?: ZodType;
  }
}

/** The staff session's cookie (modules/auth: SESSION_COOKIE) and the e-health book device's (modules/health-book: BOOK_COOKIE). */
export const STAFF_COOKIE = 'tc_session';
export const BOOK_COOKIE_NAME = 'tc_book';

/** How a caller authenticates: the security schemes of the document. */
export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'A staff session: the `token` answered by `POST /api/auth/login`, as `Authorization: Bearer <token>`.',
  },
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: STAFF_COOKIE,
    description:
      'The same staff session as a cookie, set by `POST /api/auth/login` (the web app). A state-changing request carrying it must come from a page of this origin (403 `cross_site_request`).',
  },
  bookCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: BOOK_COOKIE_NAME,
    description:
      "An e-health book device's session, set by `POST /api/health-book/sign-in/{signInId}/verify`; it reaches the household of the device's phone only.",
  },
} as const;

export type SecurityRequirement = Record<keyof typeof SECURITY_SCHEMES, string[]>;

/**
 * The security of an operation from its route's access declaration (lib/access.ts): none for a
 * public route (`[]`), the book's device cookie for the `household` rule, and a staff session
 * (bearer token or cookie, either) for a staff route.
 */
export function securityOf(access: RouteAccess): Partial<SecurityRequirement>[] {
  if (access.roles === 'public') return access.scope === 'household' ? [{ bookCookie: [] }] : [];
  return [{ bearer: [] }, { sessionCookie: [] }];
}

/**
 * A stable operationId from the method and the path: `GET /api/people/:id/certificate.pdf` →
 * `getPeopleByIdCertificatePdf` (the `/api` prefix left out, each word capitalised, a path
 * parameter as `By<Name>`). A route may declare its own (`schema.operationId`).
 */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api(?=\/|$)/, '')
    .replace(/\{(\w+)\}/g, ':$1')
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => (segment.startsWith(':') ? ['by', ...wordsOf(segment.slice(1))] : wordsOf(segment)));
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function wordsOf(segment: string): string[] {
  return segment.split(/[^A-Za-z0-9]+/).filter(Boolean);
}

/** The error responses, by status: their names in `components.responses` and what they mean. */
export const ERROR_RESPONSES = {
  400: {
    name: 'BadRequest',
    description:
      'The input is refused: `validation_failed` with the `field` at fault, `invalid_json`, `malformed_multipart`, or a rule of the core (identity, import…) with its own code and message.',
  },
  401: {
    name: 'Unauthorized',
    description:
      'No valid session: `unauthenticated` (staff routes: no bearer token or session cookie, or an expired one), `health_book_signed_out` (the e-health book: no device cookie, or a revoked one), `invalid_credentials` (sign-in).',
  },
  403: {
    name: 'Forbidden',
    description:
      'The session may not do this: `forbidden` (the role), `out_of_scope` (outside the caller’s units), `password_change_required` (an account whose password an administrator set), `cross_site_request` (a state-changing request with a cookie from another origin), or a rule of the route.',
  },
  404: {
    name: 'NotFound',
    description:
      'No such resource, or one outside the caller’s scope (the same answer: existence is not disclosed): `not_found` or a code naming what was looked for.',
  },
  409: {
    name: 'Conflict',
    description:
      'The request conflicts with the current state of the resource (already done, closed, taken, a duplicate…).',
  },
  413: {
    name: 'PayloadTooLarge',
    description: 'The body is over the route’s limit (JSON: 1 MB; uploads: the route’s own): `payload_too_large`.',
  },
  415: {
    name: 'UnsupportedMediaType',
    description: 'The body is not of a media type the route reads: `unsupported_media_type`.',
  },
  422: {
    name: 'UnprocessableContent',
    description:
      'Well-formed, but a rule refuses it (a dose rule, the identity gate, an invalid token or file); a dose’s answer lists every rule broken in `violations`.',
  },
  429: {
    name: 'TooManyRequests',
    description:
      'Over the route’s rate limit (per client address, and per ID number or phone where the route counts them): `too_many_requests`, `too_many_attempts` (sign-in). `Retry-After` gives the seconds to wait.',
  },
} as const;
export type ErrorStatus = keyof typeof ERROR_RESPONSES;

/** What any operation may answer besides: an unexpected failure (500, logged with the request id) or overload (503). */
const SERVER_ERROR = {
  name: 'ServerError',
  description:
    '`internal_error` (500: logged with the request id, no detail given) or `service_unavailable` (503: the server is overloaded or the database does not answer; retry later).',
} as const;

/**
 * Public routes whose handler counts requests in the database (`enforce`, modules/ratelimit: per
 * address, ID number, phone or device, shared by every node) rather than through the route's
 * `config.rateLimit`: they answer 429 too. The OpenAPI test checks this list against the handlers.
 */
export const COUNTED_ROUTES: ReadonlySet<string> = new Set([
  'POST /api/portal/certificate-lookups',
  'POST /api/portal/certificate-lookups/:lookupId/verify',
  'POST /api/portal/reports',
  'GET /api/portal/reports/:trackingCode',
  'POST /api/portal/reports/:trackingCode/evidence',
  'POST /api/portal/registrations',
  'POST /api/portal/registrations/:id/verify',
  'POST /api/health-book/sign-in',
  'POST /api/health-book/sign-in/:signInId/verify',
  'POST /api/health-book/members',
  'POST /api/health-book/members/:requestId/verify',
  'POST /api/health-book/members/:personId/reports',
  'POST /api/verify',
]);

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface DocumentedRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: FastifySchema | undefined;
  readonly access: RouteAccess;
  /** The route has `config.rateLimit` or counts its requests itself (COUNTED_ROUTES). */
  readonly rateLimited: boolean;
}

/**
 * The error statuses documented for an operation, by the kind of route (each is answered by some
 * route of the kind, not necessarily by every one; the HTTP layer's 408, 414 and 431, possible on
 * any request, are left out): 400 for any input (path, query, headers, body); 401 and
 * 403 for a staff route; 401 for the e-health book's, 403 too for its state-changing ones (a
 * cookie from another origin); 404 where the path names a resource; 409 and 422 for the
 * state-changing operations of staff and e-health book routes; 413 and 415 with a body; 429 when
 * rate-limited.
 */
export function errorStatusesOf(route: DocumentedRoute): ErrorStatus[] {
  const { schema, access } = route;
  const hasPathParams = route.url.includes(':');
  const hasBody = Boolean(schema?.body || schema?.multipartBody);
  const hasInput = hasPathParams || hasBody || Boolean(schema?.querystring || schema?.headers);
  const staff = access.roles !== 'public';
  const household = access.roles === 'public' && access.scope === 'household';
  const write = WRITE_METHODS.has(route.method);
  const statuses: ErrorStatus[] = [];
  if (hasInput) statuses.push(400);
  if (staff || household) statuses.push(401);
  if (staff || (household && write)) statuses.push(403);
  if (hasPathParams) statuses.push(404);
  if ((staff || household) && write) statuses.push(409);
  if (hasBody) statuses.push(413, 415);
  if ((staff || household) && write) statuses.push(422);
  if (route.rateLimited) statuses.push(429);
  return statuses;
}

/** The catalogue's codes answered with `status`. */
export function codesOfStatus(status: number): ErrorCode[] {
  return (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).filter((code) => ERROR_CATALOGUE[code].status === status);
}

/** The shared error body (core's `errorBodySchema`), with the dose rules' `violations` and the other properties some errors add. */
function errorSchema(): Record<string, unknown> {
  const body = errorBodySchema
    .extend({
      violations: z
        .array(
          z.object({
            code: z.string(),
            field: z.string().nullish(),
            message: z.string(),
            overridable: z.boolean(),
          }),
        )
        .optional()
        .describe('Every rule broken (a dose’s 422), each in the caller’s language'),
    })
    .loose()
    .describe(
      'The body of every error: `error.code` (a stable code of the error catalogue), `error.message` (in the `Accept-Language` asked, Vietnamese by default), `error.field` (the input at fault); some errors add properties beside `error` (the `existingId` of a duplicate person…).',
    );
  const { $schema: _, ...schema } = z.toJSONSchema(body, { target: 'draft-2020-12', io: 'output' }) as Record<
    string,
    unknown
  >;
  return schema;
}

function errorResponse(description: string, codes: readonly string[], headers?: Record<string, unknown>) {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: {
      'application/json': {
        schema: {
          allOf: [
            { $ref: '#/components/schemas/Error' },
            {
              type: 'object',
              properties: { error: { type: 'object', properties: { code: { type: 'string', enum: codes } } } },
            },
          ],
        },
      },
    },
  };
}

/** `components.responses`: one per error status, its `code` limited to the catalogue's codes of that status. */
function errorResponses(): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, { name, description }] of Object.entries(ERROR_RESPONSES)) {
    const retryAfter =
      status === '429'
        ? {
            'Retry-After': {
              description: 'Seconds to wait before trying again',
              schema: { type: 'integer', minimum: 0 },
            },
          }
        : undefined;
    responses[name] = errorResponse(description, codesOfStatus(Number(status)), retryAfter);
  }
  responses[SERVER_ERROR.name] = errorResponse(SERVER_ERROR.description, [
    ...codesOfStatus(500),
    ...codesOfStatus(503),
  ]);
  return responses;
}

/**
 * The FHIR API (`/fhir`, modules/fhir) answers every failure as a FHIR R4 OperationOutcome in
 * `application/fhir+json`, the catalogue's code in its issue's `details.coding`: its operations'
 * error responses refer to this one (added to the document when such an operation exists).
 */
const FHIR_PATH = /^\/fhir(\/|$)/;
const OPERATION_OUTCOME = {
  description:
    'A FHIR R4 OperationOutcome: the issue’s `code` (FHIR issue type), `details.coding[0].code` (the code of the error catalogue), `details.text` (the message), `expression` (the parameter at fault).',
  content: {
    'application/fhir+json': {
      schema: {
        type: 'object',
        required: ['resourceType', 'issue'],
        properties: {
          resourceType: { const: 'OperationOutcome' },
          issue: {
            type: 'array',
            items: {
              type: 'object',
              required: ['severity', 'code'],
              properties: {
                severity: { type: 'string', enum: ['fatal', 'error', 'warning', 'information'] },
                code: { type: 'string' },
                details: {
                  type: 'object',
                  properties: {
                    coding: {
                      type: 'array',
                      items: { type: 'object', properties: { system: { type: 'string' }, code: { type: 'string' } } },
                    },
                    text: { type: 'string' },
                  },
                },
                diagnostics: { type: 'string' },
                expression: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
} as const;

const ERROR_MARK = 'x-tc-error-statuses';

/** The route's method as documented (one method a route here; HEAD routes are Fastify's own, left out). */
function methodOf(route: RouteOptions): string {
  return Array.isArray(route.method) ? route.method.filter((m) => m !== 'HEAD').join('') : route.method;
}

/**
 * Registers @fastify/swagger with what the routes declare made explicit for client generators:
 * each operation's security from its access rule, an operationId, the error responses (the shared
 * error body, its codes per status from core's catalogue) and multipart bodies; then the viewer at
 * `/api/docs` and the document at `GET /api/openapi.json`.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tiêm chủng API',
        description:
          'National COVID-19 vaccination platform. Staff authenticate with a bearer token or the session cookie, the e-health book with its device cookie; public operations need neither. Errors: `{"error":{"code","message","field"?}}` (components.schemas.Error).',
        version: '0.1.0',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: '/', description: 'This server' }],
      components: {
        securitySchemes: SECURITY_SCHEMES as never,
        schemas: { Error: errorSchema() },
        responses: errorResponses() as never,
      },
    },
    transform: (document) => {
      const route = document.route as RouteOptions;
      const given = document.schema as FastifySchema | undefined;
      const schema = given?.multipartBody ? { ...given, body: given.multipartBody, multipartBody: undefined } : given;
      const transformed = jsonSchemaTransform({ ...document, schema } as Parameters<typeof jsonSchemaTransform>[0]);
      const out = transformed.schema as Record<string, unknown> | undefined;
      const access = route.config?.access;
      if (!out || out.hide || !access) return transformed;
      const method = methodOf(route);
      out.operationId ??= operationIdOf(method, route.url);
      out.security = securityOf(access);
      out['x-access'] = { roles: access.roles, scope: access.scope };
      out[ERROR_MARK] = errorStatusesOf({
        method,
        url: route.url,
        schema: given,
        access,
        rateLimited: Boolean(route.config?.rateLimit) || COUNTED_ROUTES.has(`${method} ${route.url}`),
      });
      return transformed;
    },
    transformObject: (documentObject) => {
      if (!('openapiObject' in documentObject)) throw new Error('expected an OpenAPI 3 document');
      const { openapiObject } = documentObject;
      const seen = new Map<string, string>();
      for (const [path, item] of Object.entries(openapiObject.paths ?? {})) {
        for (const [method, op] of Object.entries(item as Record<string, Record<string, unknown>>)) {
          const operationId = op.operationId as string | undefined;
          if (operationId) {
            const other = seen.get(operationId);
            if (other) throw new Error(`operationId ${operationId} of ${method} ${path} is also ${other}'s`);
            seen.set(operationId, `${method} ${path}`);
          }
          const statuses = op[ERROR_MARK] as ErrorStatus[] | undefined;
          if (!statuses) continue;
          delete op[ERROR_MARK];
          const responses = op.responses as Record<string, unknown>;
          if (FHIR_PATH.test(path)) {
            const components = openapiObject.components as { responses?: Record<string, unknown> };
            components.responses = { ...components.responses, OperationOutcome: OPERATION_OUTCOME };
            for (const status of [...statuses, '5XX'])
              responses[status] = { $ref: '#/components/responses/OperationOutcome' };
            continue;
          }
          for (const status of statuses)
            responses[status] = { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` };
          responses['5XX'] = { $ref: `#/components/responses/${SERVER_ERROR.name}` };
        }
      }
      return openapiObject;
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: false });
  app.get(
    '/api/openapi.json',
    {
      schema: { tags: ['documentation'], summary: 'This OpenAPI document (3.1)' },
      config: { access: { roles: 'public', scope: 'public' } },
    },
    async () => app.swagger(),
  );
}
