import { describe, expect, it } from 'vitest';
import { uniq, useTestApp } from '../../test/harness.js';
import { listAudit } from '../audit/audit.service.js';

const t = await useTestApp();

describe('administrators create staff users', () => {
  it('the national administrator creates a province administrator', async () => {
    const username = uniq('soyte.');
    const res = await t.call('POST', '/api/users', {
      as: 'admin',
      body: { username, password: 'MatKhau@12345', role: 'province_admin', unitCode: '79' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), username, role: 'province_admin', unitCode: '79' });
    expect(res.body).not.toHaveProperty('passwordHash');
    expect(JSON.stringify(res.body)).not.toMatch(/argon2/);
    const login = await t.call('POST', '/api/auth/login', { body: { username, password: 'MatKhau@12345' } });
    expect(login.status).toBe(200);
  });

  it('records who created the user in the audit log, without the password', async () => {
    const username = uniq('audit.');
    const res = await t.call('POST', '/api/users', {
      as: 'admin',
      body: { username, password: 'MatKhau@12345', role: 'report_handler', unitCode: '01' },
    });
    const trail = await listAudit(t.db, 'user', res.body.id);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ action: 'user.create', actor_username: 'admin' });
    expect(JSON.stringify(trail[0])).not.toMatch(/MatKhau|argon2/);
  });

  it('a province administrator of Đồng Tháp creates site staff for a Đồng Tháp facility', async () => {
    const res = await t.call('POST', '/api/users', {
      as: 'dongthap.admin',
      body: { username: uniq('tiem.'), password: 'MatKhau@12345', role: 'site_staff', facilityId: 'DT-SD-01' },
    });
    expect(res.status).toBe(201);
  });

  it('a province administrator of Đồng Tháp cannot create a user in Hà Nội (403)', async () => {
    const res = await t.call('POST', '/api/users', {
      as: 'dongthap.admin',
      body: { username: uniq('x.'), password: 'MatKhau@12345', role: 'site_staff', facilityId: 'HN-BD-01' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('out_of_scope');
  });

  it('a province administrator cannot create a national administrator (403)', async () => {
    const res = await t.call('POST', '/api/users', {
      as: 'dongthap.admin',
      body: { username: uniq('x.'), password: 'MatKhau@12345', role: 'national_admin' },
    });
    expect(res.status).toBe(403);
  });

  it('site staff and report handlers cannot create users (403)', async () => {
    for (const as of ['caolanh.tiem', 'dongthap.phananh']) {
      const res = await t.call('POST', '/api/users', {
        as,
        body: { username: uniq('x.'), password: 'MatKhau@12345', role: 'site_staff', facilityId: 'DT-CL-01' },
      });
      expect(res.status).toBe(403);
    }
  });

  it('rejects a taken username (409), an unknown unit, a role without its unit, and a short password', async () => {
    const taken = await t.call('POST', '/api/users', {
      as: 'admin',
      body: { username: 'admin', password: 'MatKhau@12345', role: 'national_admin' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'username_taken', field: 'username' });

    const unknownUnit = await t.call('POST', '/api/users', {
      as: 'admin',
      body: { username: uniq('x.'), password: 'MatKhau@12345', role: 'province_admin', unitCode: '03' },
    });
    expect(unknownUnit.status).toBe(400);
    expect(unknownUnit.body.error).toMatchObject({ code: 'unknown_unit', field: 'unitCode' });

    const districtAsProvince = await t.call('POST', '/api/users', {
      as: 'admin',
      body: { username: uniq('x.'), password: 'MatKhau@12345', role: 'province_admin', unitCode: '866' },
    });
    expect(districtAsProvince.status).toBe(400);
    expect(districtAsProvince.body.error.field).toBe('unitCode');

    const noFacility = await t.call('POST', '/api/users', {
      as: 'admin',
      body: { username: uniq('x.'), password: 'MatKhau@12345', role: 'site_staff' },
    });
    expect(noFacility.status).toBe(400);
    expect(noFacility.body.error.field).toBe('facilityId');

    const weak = await t.call('POST', '/api/users', {
      as: 'admin',
      body: { username: uniq('x.'), password: 'short', role: 'national_admin' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error).toMatchObject({ code: 'weak_password', field: 'password' });
  });

  it('a province administrator lists only the users of the province', async () => {
    const res = await t.call('GET', '/api/users', { as: 'hanoi.admin' });
    expect(res.status).toBe(200);
    const names = res.body.items.map((u: { username: string }) => u.username);
    expect(names).toContain('hanoi.tiem');
    expect(names).not.toContain('caolanh.tiem');
    expect(names).not.toContain('admin');
  });

  it('site staff may not list users (403)', async () => {
    expect((await t.call('GET', '/api/users', { as: 'hanoi.tiem' })).status).toBe(403);
  });
});
