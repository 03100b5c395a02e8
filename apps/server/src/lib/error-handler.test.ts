import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import fastifyMultipart from '@fastify/multipart';
import { ERROR_CATALOGUE } from '@tiemchung/core';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { testConfig, useTestApp } from '../test/harness.js';

const t = await useTestApp();

/** The contract's error shape, with a catalogue code (or the one given), and nothing else. */
function expectErrorShape(status: number, headers: Record<string, unknown>, text: string, code?: string) {
  expect(String(headers['content-type'])).toMatch(/^application\/json/);
  const body = JSON.parse(text);
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({
    code: expect.stringMatching(/^[a-z_]+$/),
    message: expect.any(String),
    ...(body.error.field !== undefined ? { field: expect.any(String) } : {}),
  });
  if (code) expect(body.error.code).toBe(code);
  const entry = ERROR_CATALOGUE[body.error.code as keyof typeof ERROR_CATALOGUE];
  expect(entry, `${body.error.code} is in the catalogue`).toBeDefined();
  expect(entry.status).toBe(status);
  return body.error as { code: string; message: string; field?: string };
}

async function inject(opts: InjectOptions) {
  const res = await t.app.inject(opts);
  return { status: res.statusCode, headers: res.headers as Record<string, unknown>, text: res.body };
}

describe('router errors in the contract’s shape (issue 12, finding 6)', () => {
  it('bad percent-encoding in the path → 400 bad_request', async () => {
    for (const url of [
      '/api/people/%E0%A4%A',
      '/api/portal/reports/PA-%ED%A0%80AA?phone=0912345678',
      '/api/units/%zz',
    ]) {
      const res = await inject({ method: 'GET', url });
      expect(res.status, url).toBe(400);
      expectErrorShape(res.status, res.headers, res.text, 'bad_request');
      expect(res.text).not.toContain('FST_');
    }
  });

  it('a path parameter over the schema’s length → 400 naming it, however long; past the router’s limit → 414 uri_too_long', async () => {
    const h = await t.loginAs('hanoi.admin');
    // Any length Node's HTTP parser lets through (the request line within its header limit) reaches the schema.
    for (const n of [200, 501, 5000, http.maxHeaderSize - 200]) {
      for (const method of ['GET', 'PATCH'] as const) {
        const long = await inject({ method, url: `/api/people/${'a'.repeat(n)}`, headers: h });
        expect(long.status, `${method} ${n}`).toBe(400);
        expect(expectErrorShape(400, long.headers, long.text, 'validation_failed').field).toBe('id');
      }
    }
    // Only an injected request (no HTTP parser) can go past the router's limit.
    const huge = await inject({ method: 'PATCH', url: `/api/people/${'a'.repeat(20_000)}`, headers: h });
    expect(huge.status).toBe(414);
    expectErrorShape(414, huge.headers, huge.text, 'uri_too_long');
  });

  it('answers in English when asked', async () => {
    const res = await inject({ method: 'GET', url: '/api/units/%zz', headers: { 'accept-language': 'en' } });
    expect(JSON.parse(res.text).error.message).toBe(ERROR_CATALOGUE.bad_request.en);
  });
});

describe('malformed multipart → 400 malformed_multipart in the error shape (issue 12, finding 5)', () => {
  const part = (boundary: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="phone"\r\n\r\n0912345678\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff`;
  const cases: [string, Record<string, string>, string][] = [
    ['no boundary', { 'content-type': 'multipart/form-data' }, part('x')],
    ['no closing delimiter', { 'content-type': 'multipart/form-data; boundary=XyZ' }, part('XyZ')],
    [
      'cut inside a part header',
      { 'content-type': 'multipart/form-data; boundary=XyZ' },
      '--XyZ\r\nContent-Disposition: form-da',
    ],
    [
      'cut after a delimiter',
      { 'content-type': 'multipart/form-data; boundary=XyZ' },
      '--XyZ\r\nContent-Disposition: form-data; name="phone"\r\n\r\n0912345678\r\n--XyZ',
    ],
    ['garbage', { 'content-type': 'multipart/form-data; boundary=XyZ' }, 'garbage without any structure'],
  ];

  it('on any route reading multipart, without a handler of its own for parse errors', async () => {
    // A route that reads the parts the plain way: the error handler alone maps the parser's errors.
    const app = await buildApp(testConfig(), {
      database: { db: t.db, kind: t.app.dbKind, close: async () => {} },
      bootstrap: false,
    });
    await app.register(async (scope) => {
      await scope.register(fastifyMultipart);
      scope.post(
        '/api/test-multipart',
        { config: { access: { roles: 'public', scope: 'public' } } },
        async (request) => {
          const names: string[] = [];
          for await (const p of request.parts()) {
            names.push(p.fieldname);
            if (p.type === 'file') await p.toBuffer();
          }
          return { names };
        },
      );
    });
    await app.ready();
    try {
      for (const [name, headers, payload] of cases) {
        const res = await app.inject({ method: 'POST', url: '/api/test-multipart', headers, payload });
        expect(res.statusCode, name).toBe(400);
        expectErrorShape(400, res.headers, res.body, 'malformed_multipart');
      }
      const ok = await app.inject({
        method: 'POST',
        url: '/api/test-multipart',
        headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
        payload: `${part('XyZ')}\r\n--XyZ--\r\n`,
      });
      expect(ok.json()).toEqual({ names: ['phone', 'photo'] });
    } finally {
      await app.close();
    }
  });

  it('on the evidence upload', async () => {
    for (const [name, headers, payload] of cases) {
      const res = await inject({ method: 'POST', url: '/api/portal/reports/PA-AAAAAA/evidence', headers, payload });
      expect(res.status, name).toBeGreaterThanOrEqual(400);
      expect(res.status, name).toBeLessThan(500);
      expectErrorShape(res.status, res.headers, res.text);
    }
  });
});

describe('a character PostgreSQL refuses, past every guard → 400, not 500', () => {
  it('NUL in a text parameter (a multipart field, a header…) is the client’s input', async () => {
    const app = await buildApp(testConfig(), {
      database: { db: t.db, kind: t.app.dbKind, close: async () => {} },
      bootstrap: false,
    });
    app.get('/api/echo-nul', { config: { access: { roles: 'public', scope: 'public' } } }, async () =>
      sql`select ${'a\u0000b'}::text as v`.execute(app.db),
    );
    await app.ready();
    try {
      const res = await app.inject({ method: 'GET', url: '/api/echo-nul' });
      expect(res.statusCode).toBe(400);
      expectErrorShape(400, res.headers, res.body, 'validation_failed');
    } finally {
      await app.close();
    }
  });
});

describe('Node’s HTTP parser errors on a listening server → JSON in the error shape', () => {
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    app = await buildApp(testConfig(), {
      database: { db: t.db, kind: t.app.dbKind, close: async () => {} },
      bootstrap: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
  });

  /** Sends raw bytes and reads the whole answer until the server closes the connection. */
  function raw(request: string): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', (err) => (chunks.length ? undefined : reject(err)));
      socket.on('close', () => {
        const all = Buffer.concat(chunks).toString('utf8');
        const [head = '', ...rest] = all.split('\r\n\r\n');
        const [statusLine = '', ...lines] = head.split('\r\n');
        const headers = Object.fromEntries(
          lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
        );
        resolve({ status: Number(statusLine.split(' ')[1]), headers, text: rest.join('\r\n\r\n') });
      });
      socket.write(request);
    });
  }

  it('huge headers → 431 headers_too_large', async () => {
    const res = await raw(
      `GET /api/health HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(res.status).toBe(431);
    const error = expectErrorShape(431, res.headers, res.text, 'headers_too_large');
    expect(error.message).toBe(ERROR_CATALOGUE.headers_too_large.en);
  });

  it('a huge URL → 431 headers_too_large', async () => {
    const res = await raw(`GET /api/people?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(res.status).toBe(431);
    expectErrorShape(431, res.headers, res.text, 'headers_too_large');
  });

  it('a malformed request → 400 bad_request', async () => {
    for (const request of ['GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 'NOT-HTTP\r\n\r\n']) {
      const res = await raw(request);
      expect(res.status, JSON.stringify(request)).toBe(400);
      expectErrorShape(400, res.headers, res.text, 'bad_request');
    }
  });

  it('a well-formed request on the same server still works', async () => {
    const res = await raw('GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
  });
});
