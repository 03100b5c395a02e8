import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia, otherCccd, reportBodyAbout } from '../test/factories.js';
import { useTestApp } from '../test/harness.js';

/**
 * Regression tests of what an outside probe found (issue 12): a guard that checked the object a
 * route is about but not the second one, changes of records outside the caller's units, a scope
 * silently substituted, validation details before authentication, and cross-site cookie requests.
 * The authorisation matrix (access.matrix.test.ts) covers every route; these tell the stories.
 */
const t = await useTestApp();

describe('records are changed only within the caller’s units', () => {
  it('a Hà Nội handler cannot link a Đồng Tháp person to a Hà Nội report (nor see the record)', async () => {
    const hanoiPerson = await createPersonVia(t, buildPersonIn('01', { districtCode: '001' }), 'hanoi.admin');
    const dongthapPerson = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }), 'dongthap.admin');
    const filed = await t.call('POST', '/api/portal/reports', {
      ip: '10.50.0.1',
      body: reportBodyAbout(hanoiPerson, { description: 'Sai địa chỉ' }),
    });
    expect(filed.status).toBe(201);
    const report = (
      await t.call('GET', `/api/reports?trackingCode=${filed.body.trackingCode}`, { as: 'hanoi.phananh' })
    ).body.items[0];
    for (const as of ['hanoi.phananh', 'hanoi.admin']) {
      const res = await t.call('POST', `/api/reports/${report.id}/person`, {
        as,
        body: { personId: dongthapPerson.id },
      });
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(dongthapPerson.idNumber);
      expect(JSON.stringify(res.body)).not.toContain(dongthapPerson.phone);
    }
    const after = await t.call('GET', `/api/reports/${report.id}`, { as: 'hanoi.phananh' });
    expect(after.body.personId ?? null).not.toBe(dongthapPerson.id);
    // Its own person links.
    expect(
      (
        await t.call('POST', `/api/reports/${report.id}/person`, {
          as: 'hanoi.phananh',
          body: { personId: hanoiPerson.id },
        })
      ).status,
    ).toBe(200);
  });

  it('Hà Nội site staff may open a Đồng Tháp record at the desk but not change it', async () => {
    const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }), 'dongthap.admin');
    expect((await t.call('GET', `/api/people/${p.id}`, { as: 'hanoi.tiem' })).status).toBe(200);
    for (const body of [
      { phone: '0912345678' },
      { fullName: 'Nguyễn Văn Mạo Danh' },
      { address: 'Số 9 phố Huế' },
      { provinceCode: '01', districtCode: '001' },
    ]) {
      const res = await t.call('PATCH', `/api/people/${p.id}`, { as: 'hanoi.tiem', body });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('out_of_scope');
    }
    const unchanged = await t.call('GET', `/api/people/${p.id}`, { as: 'dongthap.admin' });
    expect(unchanged.body).toMatchObject({
      phone: p.phone,
      fullName: p.fullName,
      provinceCode: '87',
      districtCode: '866',
    });
    // The staff of the person's own district correct it.
    const fixed = await t.call('PATCH', `/api/people/${p.id}`, {
      as: 'caolanh.tiem',
      body: { address: 'Số 3 Lý Thường Kiệt' },
    });
    expect(fixed.status).toBe(200);
  });

  it('site staff correct a traveller they registered at their desk', async () => {
    const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '867' }), 'hanoi.tiem');
    const res = await t.call('PATCH', `/api/people/${p.id}`, {
      as: 'hanoi.tiem',
      body: { address: 'Khách sạn Phúc Xá' },
    });
    expect(res.status).toBe(200);
  });

  it('a district administrator cannot dismiss a duplicate pair of another district of the province', async () => {
    const body = buildPersonIn('87', { districtCode: '867' });
    const a = await createPersonVia(t, body, 'dongthap.admin');
    const b = await createPersonVia(t, { ...body, idNumber: otherCccd(body.idNumber) }, 'dongthap.admin');
    const pairs = (await t.call('GET', '/api/people/duplicates', { as: 'dongthap.admin' })).body.items as any[];
    const pair = pairs.find((c) => [c.a.id, c.b.id].sort().join() === [a.id, b.id].sort().join());
    expect(pair).toBeDefined();
    // TP Cao Lãnh (866) does not see or close a pair of TP Sa Đéc (867).
    const listed = (await t.call('GET', '/api/people/duplicates', { as: 'caolanh.admin' })).body.items as any[];
    expect(listed.some((c) => c.id === pair.id)).toBe(false);
    const res = await t.call('POST', `/api/people/duplicates/${pair.id}/dismiss`, { as: 'caolanh.admin' });
    expect(res.status).toBe(404);
    expect(
      ((await t.call('GET', '/api/people/duplicates', { as: 'dongthap.admin' })).body.items as any[]).some(
        (c) => c.id === pair.id,
      ),
    ).toBe(true);
  });
});

describe('stock figures stay within the caller’s units', () => {
  it('a commune’s handler sees its district’s lot reconciliation, not the province’s', async () => {
    const created = await t.call('POST', '/api/users', {
      as: 'admin',
      body: { username: 'phuong1.phananh', password: 'MatKhau@2021x', role: 'report_handler', unitCode: '29866' },
    });
    expect(created.status).toBe(201);
    // An account made by an administrator sets its own password before anything else.
    const changed = await t.call('POST', '/api/auth/password', {
      headers: await t.loginAs('phuong1.phananh', 'MatKhau@2021x'),
      body: { currentPassword: 'MatKhau@2021x', newPassword: 'MatKhau@2021y' },
    });
    expect(changed.status).toBe(200);
    // Vials opened at Sa Đéc (district 867): the province's figure grows, TP Cao Lãnh's (866) does not.
    const session = await t.call('POST', '/api/sessions', {
      as: 'dongthap.admin',
      body: { facilityId: 'DT-SD-01', sessionDate: '2021-11-20', lotNumbers: ['FF2587'] },
    });
    expect(session.status).toBe(201);
    const closed = await t.call('POST', `/api/sessions/${session.body.id}/close`, {
      as: 'dongthap.admin',
      body: { lots: [{ lotNumber: 'FF2587', vialsOpened: 3 }] },
    });
    expect(closed.status).toBe(200);
    const usedBy = async (authorization: string) => {
      const res = await t.call('GET', '/api/lots/reconciliation', { headers: { authorization } });
      expect(res.status).toBe(200);
      return (res.body.items as any[]).find((l) => l.lotNumber === 'FF2587')?.dosesUsed ?? 0;
    };
    const commune = await usedBy((await t.loginAs('phuong1.phananh', 'MatKhau@2021y')).authorization);
    const district = await usedBy((await t.loginAs('caolanh.admin')).authorization);
    const province = await usedBy((await t.loginAs('dongthap.admin')).authorization);
    expect(province).toBeGreaterThanOrEqual(18);
    expect(commune).toBe(district);
    expect(commune).toBeLessThan(province);
  });
});

describe('a province in the body is the caller’s, or refused — never substituted', () => {
  it('the Hà Nội administrator receiving a lot or opening a campaign for Đồng Tháp gets 403', async () => {
    const lot = await t.call('POST', '/api/lots', {
      as: 'hanoi.admin',
      body: {
        vaccineCode: 'EU/1/20/1528',
        lotNumber: 'SUBST01',
        expiresOn: '2030-01-01',
        doses: 100,
        receivedOn: '2021-10-01',
        provinceCode: '87',
      },
    });
    expect(lot.status).toBe(403);
    expect(lot.body.error).toMatchObject({ code: 'out_of_scope', field: 'provinceCode' });
    const campaign = await t.call('POST', '/api/campaigns', {
      as: 'hanoi.admin',
      body: {
        name: 'Đợt rà soát',
        receiveFrom: '2021-11-05T00:00:00Z',
        receiveTo: '2021-11-10T00:00:00Z',
        deadline: '2021-11-12T00:00:00Z',
        provinceCode: '87',
      },
    });
    expect(campaign.status).toBe(403);
    expect(campaign.body.error).toMatchObject({ code: 'out_of_scope', field: 'provinceCode' });
    const campaigns = (await t.call('GET', '/api/campaigns', { as: 'hanoi.admin' })).body.items as any[];
    expect(campaigns.some((c) => c.name === 'Đợt rà soát')).toBe(false);
    // Its own province, named or not, is fine.
    const own = await t.call('POST', '/api/lots', {
      as: 'hanoi.admin',
      body: {
        vaccineCode: 'EU/1/20/1528',
        lotNumber: 'SUBST02',
        expiresOn: '2030-01-01',
        doses: 100,
        receivedOn: '2021-10-01',
        provinceCode: '01',
      },
    });
    expect(own.status).toBe(201);
  });
});

describe('authentication comes first', () => {
  it('an anonymous malformed request gets 401 with no field details', async () => {
    const res = await t.call('POST', '/api/people', { body: { fullName: 42, idNumber: ['x'] } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    const patch = await t.call('PATCH', '/api/people/%00', {
      body: 'not json',
      headers: { 'content-type': 'text/plain' },
    });
    expect(patch.status).toBe(401);
  });
});

describe('cross-site requests with the session cookie change nothing', () => {
  const login = async () =>
    (await t.call('POST', '/api/auth/login', { body: { username: 'admin', password: 'TiemChung@2021' } })).body
      .token as string;

  it('a body-less cookie POST from another origin is refused; the same with a bearer token works', async () => {
    const token = await login();
    const evil = { cookie: `tc_session=${token}`, origin: 'http://evil.example', 'content-type': 'text/plain' };
    const before = (await t.call('GET', '/api/certificates/trust-list')).body.keys.length;
    const forged = await t.app.inject({ method: 'POST', url: '/api/certificates/keys/rotate', headers: evil });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('cross_site_request');
    const bySite = await t.app.inject({
      method: 'POST',
      url: '/api/certificates/keys/rotate',
      headers: { cookie: `tc_session=${token}`, 'sec-fetch-site': 'cross-site' },
    });
    expect(bySite.statusCode).toBe(403);
    expect((await t.call('GET', '/api/certificates/trust-list')).body.keys.length).toBe(before);
    // Logging the victim out from another site does nothing either.
    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: evil });
    expect(logout.statusCode).toBe(403);
    expect((await t.call('GET', '/api/auth/me', { headers: { cookie: `tc_session=${token}` } })).status).toBe(200);

    // A bearer token is never sent by a browser on its own: the same request works.
    const bearer = await t.app.inject({
      method: 'POST',
      url: '/api/certificates/keys/rotate',
      headers: { authorization: `Bearer ${token}`, origin: 'http://evil.example', 'content-type': 'text/plain' },
    });
    expect(bearer.statusCode).toBe(200);
    // And the web app's own page (same origin) with the cookie works.
    const own = await t.app.inject({
      method: 'POST',
      url: '/api/certificates/keys/rotate',
      headers: {
        cookie: `tc_session=${token}`,
        origin: 'http://localhost:80',
        host: 'localhost:80',
        'sec-fetch-site': 'same-origin',
      },
    });
    expect(own.statusCode, own.body).toBe(200);
  });

  it('reads with the cookie from anywhere still work (GET changes nothing)', async () => {
    const token = await login();
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: `tc_session=${token}`, origin: 'http://evil.example' },
    });
    expect(res.statusCode).toBe(200);
  });
});
