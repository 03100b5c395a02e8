import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, uniq, useTestApp } from '../../test/harness.js';
import { hashToken } from './auth.service.js';

let now = new Date('2026-11-23T08:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });

async function newUser(role = 'site_staff') {
  const username = uniq('nv.');
  const admin = await t.loginAs('admin');
  const res = await t.call('POST', '/api/users', {
    headers: admin,
    body: { username, password: 'MatKhau@12345', role, facilityId: 'DT-CL-01' },
  });
  expect(res.status).toBe(201);
  return username;
}

describe('staff sign in', () => {
  it('a demo administrator signs in and gets a token and an HttpOnly, SameSite session cookie', async () => {
    const res = await t.call('POST', '/api/auth/login', { body: { username: 'admin', password: DEMO_PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token: expect.any(String), user: { username: 'admin', role: 'national_admin' } });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^tc_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });

  it('the token works as a bearer token and as the cookie; logout ends it', async () => {
    const login = await t.call('POST', '/api/auth/login', {
      body: { username: 'dongthap.admin', password: DEMO_PASSWORD },
    });
    const token = login.body.token as string;
    const byBearer = await t.call('GET', '/api/auth/me', { headers: { authorization: `Bearer ${token}` } });
    expect(byBearer.status).toBe(200);
    expect(byBearer.body.user).toMatchObject({ username: 'dongthap.admin', role: 'province_admin', unitCode: '87' });
    const byCookie = await t.call('GET', '/api/auth/me', { headers: { cookie: `tc_session=${token}` } });
    expect(byCookie.status).toBe(200);

    const out = await t.call('POST', '/api/auth/logout', { headers: { authorization: `Bearer ${token}` } });
    expect(out.status).toBe(204);
    const after = await t.call('GET', '/api/auth/me', { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
  });

  it('stores only a hash of the session token', async () => {
    const login = await t.call('POST', '/api/auth/login', {
      body: { username: 'hanoi.admin', password: DEMO_PASSWORD },
    });
    const rows = await t.db.selectFrom('sessions').select('token_hash').execute();
    expect(rows.some((r) => r.token_hash === login.body.token)).toBe(false);
    expect(rows.some((r) => r.token_hash === hashToken(login.body.token))).toBe(true);
  });

  it('stores passwords as argon2id hashes', async () => {
    const admin = await t.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    expect(admin.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('a wrong password → 401 invalid_credentials, the same as an unknown user', async () => {
    const wrong = await t.call('POST', '/api/auth/login', {
      body: { username: 'hanoi.tiem', password: 'wrong-password' },
    });
    const unknown = await t.call('POST', '/api/auth/login', {
      body: { username: uniq('ghost.'), password: 'wrong-password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  it('an expired session → 401', async () => {
    const login = await t.call('POST', '/api/auth/login', {
      body: { username: 'caolanh.admin', password: DEMO_PASSWORD },
    });
    const saved = now;
    now = new Date(saved.getTime() + 13 * 3_600_000);
    const res = await t.call('GET', '/api/auth/me', { headers: { authorization: `Bearer ${login.body.token}` } });
    now = saved;
    expect(res.status).toBe(401);
  });

  it('no or a forged token → 401', async () => {
    expect((await t.call('GET', '/api/auth/me')).status).toBe(401);
    expect(
      (await t.call('GET', '/api/auth/me', { headers: { authorization: 'Bearer forged-token-forged-token-forged' } }))
        .status,
    ).toBe(401);
    expect((await t.call('GET', '/api/users', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } })).status).toBe(
      401,
    );
  });
});

describe('guessing passwords', () => {
  it('five wrong logins for one user → the next attempt is 429, even with the right password', async () => {
    const username = await newUser();
    for (let i = 0; i < 5; i++) {
      const res = await t.call('POST', '/api/auth/login', { body: { username, password: `guess-${i}` } });
      expect(res.status).toBe(401);
    }
    const locked = await t.call('POST', '/api/auth/login', { body: { username, password: 'MatKhau@12345' } });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);

    // After the lock window the right password works again.
    const saved = now;
    now = new Date(saved.getTime() + 16 * 60_000);
    const later = await t.call('POST', '/api/auth/login', { body: { username, password: 'MatKhau@12345' } });
    now = saved;
    expect(later.status).toBe(200);
  });

  it('parallel wrong guesses all count', async () => {
    const username = await newUser();
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.call('POST', '/api/auth/login', { body: { username, password: `p-${i}` } }),
      ),
    );
    const res = await t.call('POST', '/api/auth/login', { body: { username, password: 'MatKhau@12345' } });
    expect(res.status).toBe(429);
  });

  it('an unknown username is locked the same way (no hint that it does not exist)', async () => {
    const username = uniq('ghost.');
    for (let i = 0; i < 5; i++) await t.call('POST', '/api/auth/login', { body: { username, password: 'x' } });
    expect((await t.call('POST', '/api/auth/login', { body: { username, password: 'x' } })).status).toBe(429);
  });
});
