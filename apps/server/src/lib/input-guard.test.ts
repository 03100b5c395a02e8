import { randomUUID } from 'node:crypto';
import { SCREENING_QUESTIONS } from '@tiemchung/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';
import { findInputProblem, hasForbiddenCharacter, MAX_BODY_DEPTH } from './input-guard.js';

const t = await useTestApp();

function expectRefused(res: { status: number; body: any; headers: Record<string, unknown> }, field?: string) {
  expect(res.status).toBe(400);
  expect(String(res.headers['content-type'])).toMatch(/application\/json/);
  expect(res.body).toEqual({
    error: expect.objectContaining({ code: 'validation_failed', message: expect.any(String) }),
  });
  expect(res.body.error.field).toBe(field);
}

describe('hasForbiddenCharacter', () => {
  it('refuses NUL and lone surrogates, accepts paired surrogates, combining marks, RTL and controls', () => {
    for (const bad of [
      '\u0000',
      'a\u0000b',
      '\ud800',
      'x\udfff',
      '\udc00\ud800',
      'ab\ud83d',
      '\ud83d\ud83d\ude00\ud800',
    ])
      expect(hasForbiddenCharacter(bad), JSON.stringify(bad)).toBe(true);
    for (const good of [
      '',
      'Nguyễn Văn A',
      '😀',
      'a\u0301\u0323',
      '\u202eabc',
      '\t\n\r\u0001',
      '\uffff',
      '\ud83d\ude00x',
    ])
      expect(hasForbiddenCharacter(good), JSON.stringify(good)).toBe(false);
  });

  it('agrees with String.prototype.isWellFormed plus “no NUL” on any string', () => {
    const wellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed();
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), (s) => {
        expect(hasForbiddenCharacter(s)).toBe(!wellFormed(s) || s.includes('\u0000'));
      }),
      { seed: 12, numRuns: 2000 },
    );
  });
});

describe('findInputProblem', () => {
  it('names the field of a value, the object of a property name, and stops deep nesting', () => {
    expect(findInputProblem({ a: 'x', b: ['ok', { c: 'bad\u0000' }] })).toEqual({ field: 'b.1.c', kind: 'character' });
    expect(findInputProblem({ answers: { '\ud800': 'no' } })).toEqual({ field: 'answers', kind: 'character' });
    expect(findInputProblem({ '\u0000': 1 })).toEqual({ field: undefined, kind: 'character' });
    expect(findInputProblem('top\ud800')).toEqual({ field: undefined, kind: 'character' });
    expect(findInputProblem({ a: 1, b: null, c: true, d: 'Nguyễn 😀' })).toBeNull();
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findInputProblem(deep)).toMatchObject({ kind: 'depth' });
    let ok: unknown = 'x';
    for (let i = 0; i < MAX_BODY_DEPTH; i++) ok = { a: ok };
    expect(findInputProblem(ok)).toBeNull();
  });
});

describe('every route refuses NUL and invalid Unicode with 400 naming the field (issue 12, finding 5)', () => {
  it('in a public route’s path parameter and query string (never reaching PostgreSQL)', async () => {
    expectRefused(await t.call('GET', '/api/portal/reports/PA-%00AAAA?phone=0912345678'), 'trackingCode');
    expectRefused(await t.call('GET', '/api/portal/reports/PA-AAAA?phone=0912%0045678'), 'phone');
    expectRefused(await t.call('GET', '/api/portal/reports/PA-AAAA?phone=0912345678&phone=%00'), 'phone.1');
    expectRefused(await t.call('GET', '/api/units/01?scheme=%00'), 'scheme');
  });

  it('in a JSON body, public and staff, as the value or the property name', async () => {
    expectRefused(
      await t.call('POST', '/api/auth/login', { body: { username: 'admin\u0000', password: 'x' } }),
      'username',
    );
    expectRefused(
      await t.call('POST', '/api/auth/login', { body: { username: 'admin', password: '\ud800' } }),
      'password',
    );
    expectRefused(
      await t.call('GET', '/api/people?q=%00', { as: 'hanoi.admin' }), // query of a staff route
      'q',
    );
    expectRefused(
      await t.call('POST', '/api/people', {
        as: 'caolanh.tiem',
        body: { ...buildPersonIn('87'), address: 'Số 1\u0000' },
      }),
      'address',
    );
  });

  it('a lone surrogate in the screening checklist → 400, the visit unchanged (it went into a jsonb column)', async () => {
    const session = await t.call('POST', '/api/sessions', {
      as: 'caolanh.tiem',
      body: { facilityId: 'DT-CL-01', sessionDate: '2021-11-20', lotNumbers: [] },
    });
    expect(session.status).toBe(201);
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const visitId = randomUUID();
    const checkIn = await t.call('POST', `/api/sessions/${session.body.id}/visits`, {
      as: 'caolanh.tiem',
      body: { id: visitId, personId: person.id, method: 'cccd_qr' },
    });
    expect(checkIn.status).toBe(201);
    const answers = Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no']));
    const before = await t.db.selectFrom('visits').selectAll().where('id', '=', visitId).executeTakeFirstOrThrow();
    for (const [body, field] of [
      [{ answers: { ...answers, '\ud800': 'no' }, outcome: 'vaccinate' }, 'answers'],
      [{ answers, outcome: 'postpone', reason: 'Sốt \udc00 cao' }, 'reason'],
    ] as const) {
      expectRefused(await t.call('POST', `/api/visits/${visitId}/screening`, { as: 'caolanh.tiem', body }), field);
    }
    expect(await t.db.selectFrom('visits').selectAll().where('id', '=', visitId).executeTakeFirstOrThrow()).toEqual(
      before,
    );
  });

  it('authentication still comes first: an anonymous request to a staff route gets 401, not field details', async () => {
    const res = await t.call('POST', '/api/people', { body: { fullName: '\u0000' } });
    expect(res.status).toBe(401);
  });

  it('a body nested 100,000 deep → 400, no stack overflow', async () => {
    const payload = `{"username":${'['.repeat(100_000)}${']'.repeat(100_000)},"password":"x"}`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', field: expect.stringMatching(/^username/) });
  });

  it('well-formed Vietnamese, emoji, combining marks and RTL text pass the guard', async () => {
    const res = await t.call('GET', `/api/people?q=${encodeURIComponent('Nguyễn 😀 a\u0301 \u202e')}`, {
      as: 'hanoi.admin',
    });
    expect(res.status).toBe(200);
  });
});
