import type { FastifyInstance } from 'fastify';
import createClient from 'openapi-fetch';
import { expect, it } from 'vitest';
import { buildPerson } from '../test/factories.js';
import { DEMO_PASSWORD, useTestApp } from '../test/harness.js';
// Generated from GET /api/openapi.json by `npm run openapi` (npm run typecheck does it before checking this file).
import type { paths } from '../test/openapi-types.gen.js';

/**
 * A client generated from the OpenAPI document (openapi-typescript's types, openapi-fetch) against
 * the real app: what a partner generating a client gets. `npm run typecheck` checks this file
 * with the generated types: a path, parameter, body or answer that the document got wrong fails there.
 */

const t = await useTestApp();

/** `fetch` through `app.inject`: the client talks to the app of this test, without a socket. */
function injectFetch(app: FastifyInstance): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const payload = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const res = await app.inject({
      method: request.method as 'GET',
      url: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(request.headers),
      ...(payload ? { payload } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers))
      for (const v of [value ?? []].flat()) headers.append(name, String(v));
    const empty = res.statusCode === 204 || res.statusCode === 304 || res.rawPayload.length === 0;
    return new Response(empty ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers });
  };
}

it('signs in and calls the API through the client generated from the OpenAPI document', async () => {
  const client = createClient<paths>({ baseUrl: 'http://tiemchung.test', fetch: injectFetch(t.app) });

  // Without a session a staff operation answers 401 in the documented error shape.
  const anonymous = await client.GET('/api/auth/me');
  expect(anonymous.response.status).toBe(401);
  expect(anonymous.error?.error.code).toBe('unauthenticated');

  const login = await client.POST('/api/auth/login', {
    body: { username: 'caolanh.tiem', password: DEMO_PASSWORD },
  });
  expect(login.response.status).toBe(200);
  const token: string = login.data?.token ?? '';
  expect(token).not.toBe('');
  // The bearer scheme of the staff operations.
  client.use({
    onRequest: ({ request }) => {
      request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  });

  const me = await client.GET('/api/auth/me');
  expect(me.data?.user.username).toBe('caolanh.tiem');

  // A typed body in, a typed record out, then read back by its path parameter.
  const body = buildPerson();
  const created = await client.POST('/api/people', { body });
  expect(created.response.status).toBe(201);
  const id: string = created.data?.id ?? '';
  const read = await client.GET('/api/people/{id}', { params: { path: { id } } });
  expect(read.data).toMatchObject({ id, fullName: body.fullName, dateOfBirth: body.dateOfBirth });

  // A typed error: its code is one of the catalogue's 404 codes.
  const missing = await client.GET('/api/people/{id}', { params: { path: { id: 'no-such-person' } } });
  expect(missing.response.status).toBe(404);
  const code: string | undefined = missing.error?.error.code;
  expect(code).toBe('not_found');

  const list = await client.GET('/api/units');
  expect(list.data?.items).toHaveLength(63);

  // The generated types refuse what the document does not allow.
  // @ts-expect-error the sign-in body has no `user` field: `username` is required
  await client.POST('/api/auth/login', { body: { user: 'caolanh.tiem', password: DEMO_PASSWORD } });
  // @ts-expect-error no such path in the document
  await client.GET('/api/no-such-route');
});
