import { readdirSync, readFileSync } from 'node:fs';
import { ERROR_CATALOGUE } from '@tiemchung/core';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SESSION_COOKIE } from '../modules/auth/auth.guard.js';
import { BOOK_COOKIE } from '../modules/health-book/health-book.service.js';
import { useTestApp } from '../test/harness.js';
import { staffAccess } from './access.js';
import { COUNTED_ROUTES, ERROR_RESPONSES, registerOpenApi } from './openapi.js';

/**
 * The OpenAPI document (`GET /api/openapi.json`) against the routes the app registered: every
 * `/api` route is one operation, with a unique operationId, the security its access declaration
 * (lib/access.ts) implies, and the error responses of its kind of route in the shared error shape.
 * (`npm run lint:openapi` lints the same document with Redocly's recommended rules.)
 */

const t = await useTestApp();
const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
const doc = res.json() as Document;

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, { format?: string }> } }> };
  responses: Record<string, { $ref?: string }>;
  'x-access'?: unknown;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }>;
    schemas: Record<string, any>;
    responses: Record<string, any>;
  };
}

/** The app's `/api` routes as documented: Fastify's HEAD routes and the viewer's pages (/api/docs) aside. */
const routes = t.app.routeTable.filter((r) => r.method !== 'HEAD' && !/^\/api\/docs(\/|$)/.test(r.url));
const pathOf = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const operationOf = (r: { method: string; url: string }) => doc.paths[pathOf(r.url)]?.[r.method.toLowerCase()];
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
);

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The routes that answer 429, read from the route modules' sources: a registration whose options
 * set `rateLimit` (@fastify/rate-limit) or whose handler counts the request with `enforce`
 * (modules/ratelimit). Template-literal paths (`/api/public/stats/${file.name}.csv`) become patterns.
 */
function rateLimitedRoutes(): { method: string; pattern: RegExp }[] {
  const dir = new URL('../modules/', import.meta.url);
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.routes.ts'));
  const limited: { method: string; pattern: RegExp }[] = [];
  for (const file of files) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    const starts = [...source.matchAll(/app\.(get|post|put|patch|delete)\(\s*(['`])(.*?)\2/gs)];
    starts.forEach((m, i) => {
      const block = source.slice(m.index, starts[i + 1]?.index ?? source.length);
      if (!/rateLimit:|\benforce\(/.test(block)) return;
      const pattern = new RegExp(
        `^${m[3]!
          .split(/\$\{[^}]*\}/)
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]+')}$`,
      );
      limited.push({ method: m[1]!.toUpperCase(), pattern });
    });
  }
  return limited;
}

describe('OpenAPI document', () => {
  it('has every /api route as an operation, and no other', () => {
    expect(res.statusCode).toBe(200);
    expect(routes.length).toBeGreaterThan(100);
    const missing = routes.filter((r) => !operationOf(r)).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    const registered = new Set(routes.map((r) => `${r.method} ${pathOf(r.url)}`));
    const extra = operations.map((o) => `${o.method} ${o.path}`).filter((key) => !registered.has(key));
    expect(extra).toEqual([]);
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations.map((o) => o.op.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z]+[A-Z][A-Za-z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operationOf({ method: 'GET', url: '/api/people/:id/certificate.pdf' })?.operationId).toBe(
      'getPeopleByIdCertificatePdf',
    );
  });

  it('declares the security of each operation from its access rule', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: SESSION_COOKIE });
    expect(schemes.bookCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: BOOK_COOKIE });
    for (const r of routes) {
      const expected =
        r.access.roles !== 'public'
          ? [{ bearer: [] }, { sessionCookie: [] }]
          : r.access.scope === 'household'
            ? [{ bookCookie: [] }]
            : [];
      expect({ route: `${r.method} ${r.url}`, security: operationOf(r)?.security }).toEqual({
        route: `${r.method} ${r.url}`,
        security: expected,
      });
      expect(operationOf(r)?.['x-access']).toEqual({ roles: r.access.roles, scope: r.access.scope });
    }
    // Who may call what, as the guide's tables say: a public route, a staff route, the book's.
    expect(operationOf({ method: 'POST', url: '/api/portal/certificate-lookups' })?.security).toEqual([]);
    expect(operationOf({ method: 'GET', url: '/api/imports/:id' })?.security).toEqual([
      { bearer: [] },
      { sessionCookie: [] },
    ]);
    expect(operationOf({ method: 'GET', url: '/api/health-book/household' })?.security).toEqual([{ bookCookie: [] }]);
  });

  it('documents the error responses of each kind of route in the shared error shape', () => {
    const limited = rateLimitedRoutes();
    expect(limited.length).toBeGreaterThanOrEqual(COUNTED_ROUTES.size);
    for (const r of routes) {
      const op = operationOf(r)!;
      const statuses = Object.keys(op.responses);
      const expected: string[] = [];
      const staff = r.access.roles !== 'public';
      const household = r.access.scope === 'household' && !staff;
      const hasInput =
        r.url.includes(':') ||
        Boolean(r.schema?.body || r.schema?.multipartBody || r.schema?.querystring || r.schema?.headers);
      if (hasInput) expected.push('400');
      if (staff || household) expected.push('401');
      if (staff || (household && WRITE.has(r.method))) expected.push('403');
      if (r.url.includes(':')) expected.push('404');
      if ((staff || household) && WRITE.has(r.method)) expected.push('409', '422');
      if (r.schema?.body || r.schema?.multipartBody) expected.push('413', '415');
      if (limited.some((l) => l.method === r.method && l.pattern.test(r.url))) expected.push('429');
      const errors = statuses.filter((s) => /^[45]/.test(s)).sort();
      expect({ route: `${r.method} ${r.url}`, errors }).toEqual({
        route: `${r.method} ${r.url}`,
        errors: [...expected, '5XX'].sort(),
      });
      for (const status of errors) expect(op.responses[status]!.$ref).toMatch(/^#\/components\/responses\/\w+$/);
    }
    // Each route of the list of those counting in the database answers 429 (the loop above found them in the sources).
    for (const key of COUNTED_ROUTES) {
      const [method, url] = key.split(' ') as [string, string];
      expect(operationOf({ method, url })?.responses['429'], key).toBeDefined();
    }
  });

  it('describes each error status with the catalogue’s codes of that status and the shared error body', () => {
    const error = doc.components.schemas.Error;
    expect(error.required).toEqual(['error']);
    expect(error.properties.error.required).toEqual(['code', 'message']);
    expect(Object.keys(error.properties.error.properties)).toEqual(['code', 'message', 'field']);
    for (const [status, { name }] of Object.entries(ERROR_RESPONSES)) {
      const schema = doc.components.responses[name].content['application/json'].schema;
      expect(schema.allOf[0]).toEqual({ $ref: '#/components/schemas/Error' });
      const codes = schema.allOf[1].properties.error.properties.code.enum as string[];
      expect(codes.length).toBeGreaterThan(0);
      for (const code of codes)
        expect(ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE].status).toBe(Number(status));
    }
    expect(doc.components.responses.TooManyRequests.headers['Retry-After']).toBeDefined();
  });

  it('documents the uploads as multipart/form-data with their files and fields', () => {
    const uploads = routes.filter((r) => r.schema?.consumes?.includes('multipart/form-data'));
    expect(uploads.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'POST /api/imports',
      'POST /api/portal/reports/:trackingCode/evidence',
      'POST /api/stats/population',
    ]);
    for (const r of uploads) {
      const form = operationOf(r)?.requestBody?.content['multipart/form-data']?.schema;
      expect(form, `${r.method} ${r.url}`).toBeDefined();
      expect(Object.values(form?.properties ?? {}).some((p) => p.format === 'binary')).toBe(true);
    }
    expect(Object.keys(operationOf({ method: 'POST', url: '/api/imports' })!.requestBody!.content)).toEqual([
      'multipart/form-data',
    ]);
  });

  it('documents the errors of a FHIR operation as an OperationOutcome', async () => {
    const app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await registerOpenApi(app);
    app.get(
      '/fhir/Patient/:id',
      { config: staffAccess(['national_admin'], 'person-read'), schema: { params: z.object({ id: z.string() }) } },
      async () => ({}),
    );
    await app.ready();
    const fhir = app.swagger() as unknown as Document;
    const op = fhir.paths['/fhir/Patient/{id}']!.get!;
    expect(op.operationId).toBe('getFhirPatientById');
    expect(op.security).toEqual([{ bearer: [] }, { sessionCookie: [] }]);
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403', '404', '5XX']);
    for (const status of ['400', '401', '403', '404', '5XX'])
      expect(op.responses[status]).toEqual({ $ref: '#/components/responses/OperationOutcome' });
    expect(Object.keys(fhir.components.responses.OperationOutcome.content)).toEqual(['application/fhir+json']);
    await app.close();
  });
});
