import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { testConfig, useTestApp } from './test/harness.js';

const t = await useTestApp();

function expectContractError(
  res: { status: number; body: any; headers: Record<string, unknown> },
  status: number,
  code?: string,
) {
  expect(res.status).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/application\/json/);
  expect(res.body).toEqual({
    error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
  });
  if (code) expect(res.body.error.code).toBe(code);
  const text = JSON.stringify(res.body);
  expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack frames
  expect(text).not.toMatch(/<html|select |insert into/i); // no HTML, no SQL
}

describe('health', () => {
  it('answers ok and names the database in use', async () => {
    const res = await t.call('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: process.env.DATABASE_URL ? 'postgres' : 'pglite' });
  });

  it('gives every response a request id, and keeps a well-formed one the client sent', async () => {
    const own = await t.call('GET', '/api/health', { headers: { 'x-request-id': 'client-req-12345' } });
    expect(own.headers['x-request-id']).toBe('client-req-12345');
    const bad = await t.call('GET', '/api/health', { headers: { 'x-request-id': '<script>' } });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('security headers', () => {
  it('every response carries the content security policy and helmet’s other headers, no X-Powered-By', async () => {
    for (const path of ['/api/health', '/api/no-such-route']) {
      const res = await t.call('GET', path);
      const csp = String(res.headers['content-security-policy']);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
        "object-src 'none'",
      ])
        expect(csp).toContain(directive);
      expect(csp).not.toContain("'unsafe-eval'"); // WebAssembly may compile; JavaScript eval may not
      expect(csp).not.toContain('upgrade-insecure-requests'); // not outside production
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['strict-transport-security']).toBeUndefined(); // production only
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('in production: HSTS and upgrade-insecure-requests', async () => {
    const app = await buildApp(
      testConfig({
        NODE_ENV: 'production',
        TIEMCHUNG_ADMIN_PASSWORD: 'Mat-khau-san-xuat-2021!',
        SMS_PROVIDER: 'outbox',
        REGISTRY_URL: 'simulator',
      }),
    );
    try {
      const res = await app.inject({ method: 'GET', url: '/api/health' });
      expect(String(res.headers['strict-transport-security'])).toMatch(/max-age=\d+/);
      expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    } finally {
      await app.close();
    }
  });
});

describe('bad input is answered in the contract’s error shape', () => {
  it('malformed JSON → 400 invalid_json', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": "admin", ',
    });
    expectContractError({ status: res.statusCode, body: res.json(), headers: res.headers }, 400, 'invalid_json');
  });

  it('a missing field → 400 naming the field', async () => {
    const res = await t.call('POST', '/api/auth/login', { body: { username: 'admin' } });
    expectContractError(res, 400, 'validation_failed');
    expect(res.body.error.field).toBe('password');
    expect(res.body.error.message).toMatch(/Thiếu trường bắt buộc/);
  });

  it('a wrong type → 400 naming the field, in English when asked', async () => {
    const res = await t.call('POST', '/api/auth/login', {
      body: { username: 42, password: 'x' },
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    expectContractError(res, 400, 'validation_failed');
    expect(res.body.error.field).toBe('username');
    expect(res.body.error.message).toMatch(/^Invalid value for username/);
  });

  it('a 2 MB JSON body → 413 payload_too_large', async () => {
    const res = await t.call('POST', '/api/auth/login', {
      body: { username: 'admin', password: 'x'.repeat(2 * 1024 * 1024) },
    });
    expectContractError(res, 413, 'payload_too_large');
  });

  it('an unknown route → 404 route_not_found, never HTML', async () => {
    for (const [method, url] of [
      ['GET', '/api/no-such-thing'],
      ['DELETE', '/api/health'],
      ['GET', '/no-such-page.js'],
    ] as const) {
      expectContractError(await t.call(method, url), 404, 'route_not_found');
    }
  });

  it('an unsupported content type → 415, text/plain too (a JSON text sent as text/plain was read as a string: 400)', async () => {
    for (const [type, payload] of [
      ['text/xml', '<login/>'],
      ['text/plain', '{"username":"admin","password":"x"}'],
      ['text/plain;charset=UTF-8', '{"username":"admin","password":"x"}'],
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': type! },
        payload,
      });
      expectContractError(
        { status: res.statusCode, body: res.json(), headers: res.headers },
        415,
        'unsupported_media_type',
      );
    }
  });

  it('an unexpected error → generic 500, no stack, no SQL', async () => {
    // A second app on the same database, with one route that fails the way a bug would.
    const app = await buildApp(testConfig(), {
      database: { db: t.db, kind: t.app.dbKind, close: async () => {} },
      bootstrap: false,
    });
    app.get('/api/boom', { config: { access: { roles: 'public', scope: 'public' } } }, async () =>
      sql`select * from no_such_table`.execute(app.db),
    );
    await app.ready();
    const res = await app.inject({ method: 'GET', url: '/api/boom' });
    await app.close();
    expectContractError({ status: res.statusCode, body: res.json(), headers: res.headers }, 500, 'internal_error');
    expect(res.json().error.message).toBe('Đã có lỗi xảy ra, vui lòng thử lại sau.');
    expect(res.body).not.toMatch(/no_such_table/);
  });
});

describe('OpenAPI', () => {
  it('publishes the API description and the Swagger UI', async () => {
    const spec = await t.call('GET', '/api/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/auth/login', '/api/users']),
    );
    const ui = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toMatch(/swagger/i);
  });
});

describe('reference data', () => {
  it('lists the 63 provinces of 2021 with official codes and Vietnamese names', async () => {
    const res = await t.call('GET', '/api/units');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(63);
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: '01', name: 'Thành phố Hà Nội' }),
        expect.objectContaining({ code: '79', name: 'Thành phố Hồ Chí Minh' }),
        expect.objectContaining({ code: '87', name: 'Tỉnh Đồng Tháp' }),
      ]),
    );
  });

  it('lists the vaccines with the contract’s codes', async () => {
    const res = await t.call('GET', '/api/vaccines');
    expect(res.status).toBe(200);
    const codes = res.body.items.map((v: { code: string }) => v.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'EU/1/20/1528',
        'EU/1/20/1507',
        'EU/1/21/1529',
        'EU/1/20/1525',
        'BBIBP-CorV',
        'Sputnik-V',
        'Hayat-Vax',
        'Abdala',
      ]),
    );
    const pfizer = res.body.items.find((v: { code: string }) => v.code === 'EU/1/20/1528');
    expect(pfizer).toMatchObject({
      primaryDoses: 2,
      minIntervalDays: 21,
      manufacturer: expect.stringMatching(/BioNTech/),
    });
  });

  it('lists demo facilities in Hà Nội, TP Hồ Chí Minh and Đồng Tháp', async () => {
    const res = await t.call('GET', '/api/facilities');
    expect(res.status).toBe(200);
    const provinces = new Set(res.body.items.map((f: { provinceCode: string }) => f.provinceCode));
    expect(provinces).toEqual(new Set(['01', '79', '87']));
    const dt = await t.call('GET', '/api/facilities?provinceCode=87');
    expect(dt.body.items.every((f: { provinceCode: string }) => f.provinceCode === '87')).toBe(true);
  });
});
