import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { unitOfWork } from '../../db/transaction.js';
import { createUnmigratedDatabase, DEMO_PASSWORD, uniq, useTestApp } from '../../test/harness.js';
import { listAudit, systemAuditContext } from '../audit/audit.service.js';
import { changeOwnPassword, hashToken, planPasswordChange } from '../auth/auth.service.js';
import { planNewUser } from './users.service.js';

const t = await useTestApp();

let ipCount = 0;
/** Sign-in and password change are limited per address: each test request comes from its own. */
const nextIp = () => `10.88.${Math.floor(++ipCount / 250)}.${(ipCount % 250) + 1}`;

const TEMPORARY = /^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$/;

/** Creates an account through the API as `by`, with a temporary password made by the server. */
async function createAccount(by: string, body: Record<string, unknown>) {
  const username = uniq('nd.');
  const res = await t.call('POST', '/api/users', { as: by, body: { username, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { username, id: res.body.id as string, password: res.body.temporaryPassword as string, body: res.body };
}

/** Signs in with a password; the answer's status and body, and the bearer header. */
async function signIn(username: string, password: string) {
  const res = await t.call('POST', '/api/auth/login', { body: { username, password }, ip: nextIp() });
  return { ...res, headers: { authorization: `Bearer ${res.body.token}` } };
}

/** An account that has set its own password already (ready to work), with its session. */
async function workingAccount(by: string, body: Record<string, unknown>) {
  const account = await createAccount(by, body);
  const first = await signIn(account.username, account.password);
  const own = `Mat-khau-rieng-${uniq()}`;
  const changed = await t.call('POST', '/api/auth/password', {
    ip: nextIp(),
    headers: first.headers,
    body: { currentPassword: account.password, newPassword: own },
  });
  expect(changed.status).toBe(200);
  return { ...account, password: own, headers: first.headers };
}

describe('a new account gets a temporary password it must change at its first sign-in', () => {
  it('the server makes the password, answers it once (not cached), and keeps only its hash', async () => {
    const res = await t.call('POST', '/api/users', {
      as: 'dongthap.admin',
      body: { username: uniq('tiem.'), role: 'site_staff', facilityId: 'DT-SD-01', displayName: 'Lê Văn Tâm' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ role: 'site_staff', facilityId: 'DT-SD-01', mustChangePassword: true });
    expect(res.body.temporaryPassword).toMatch(TEMPORARY);
    expect(res.headers['cache-control']).toBe('no-store');
    const row = await t.db.selectFrom('users').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(row)).not.toContain(res.body.temporaryPassword);
    const trail = await listAudit(t.db, 'user', res.body.id);
    expect(trail.map((e) => [e.action, e.actor_username])).toEqual([['user.create', 'dongthap.admin']]);
    expect(JSON.stringify(trail)).not.toContain(res.body.temporaryPassword);
    // The list never shows it again.
    const list = await t.call('GET', `/api/users?q=${res.body.username}`, { as: 'dongthap.admin' });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).not.toHaveProperty('temporaryPassword');
  });

  it('signs in with the flag; every other staff route answers 403 password_change_required until it is changed', async () => {
    const account = await createAccount('dongthap.admin', { role: 'site_staff', facilityId: 'DT-SD-01' });
    const login = await signIn(account.username, account.password);
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ username: account.username, mustChangePassword: true });

    const me = await t.call('GET', '/api/auth/me', { headers: login.headers });
    expect(me.status).toBe(200);
    expect(me.body.user.mustChangePassword).toBe(true);
    for (const [method, url] of [
      ['GET', '/api/sessions'],
      ['GET', '/api/lots?facilityId=DT-SD-01'],
      ['GET', '/api/users'],
      ['POST', '/api/people'],
    ] as const) {
      const res = await t.call(method, url, { headers: login.headers, body: method === 'POST' ? {} : undefined });
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body.error.code, `${method} ${url}`).toBe('password_change_required');
    }

    const wrong = await t.call('POST', '/api/auth/password', {
      ip: nextIp(),
      headers: login.headers,
      body: { currentPassword: 'not-the-password', newPassword: 'Mat-khau-moi-2021' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'current_password_wrong', field: 'currentPassword' });

    const changed = await t.call('POST', '/api/auth/password', {
      ip: nextIp(),
      headers: login.headers,
      body: { currentPassword: account.password, newPassword: 'Mat-khau-moi-2021' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.user).toMatchObject({ username: account.username, mustChangePassword: false });

    // The same session now reaches the staff routes (no wait for the session cache).
    expect((await t.call('GET', '/api/sessions', { headers: login.headers })).status).toBe(200);
    expect((await t.call('GET', '/api/auth/me', { headers: login.headers })).body.user.mustChangePassword).toBe(false);
    // The temporary password is gone; the new one signs in without the flag.
    expect((await signIn(account.username, account.password)).status).toBe(401);
    const again = await signIn(account.username, 'Mat-khau-moi-2021');
    expect(again.status).toBe(200);
    expect(again.body.user.mustChangePassword).toBe(false);

    const trail = await listAudit(t.db, 'user', account.id);
    expect(trail.map((e) => [e.action, e.actor_username])).toEqual([
      ['user.create', 'dongthap.admin'],
      ['user.password_change', account.username],
    ]);
    expect(JSON.stringify(trail)).not.toMatch(/Mat-khau-moi|argon2/);
  });

  it('a password given by the administrator must be changed too; the platform’s own accounts need not', async () => {
    const username = uniq('pw.');
    const res = await t.call('POST', '/api/users', {
      as: 'admin',
      body: { username, password: 'Quan-tri-dat-2021', role: 'report_handler', unitCode: '87' },
    });
    expect(res.status).toBe(201);
    expect(res.body.mustChangePassword).toBe(true);
    expect(res.body).not.toHaveProperty('temporaryPassword');
    expect((await signIn(username, 'Quan-tri-dat-2021')).body.user.mustChangePassword).toBe(true);
    // An operator's password for the first administrator may contain "admin" (only its length is checked).
    const planned = await planNewUser(t.db, null, {
      username: uniq('op.'),
      password: 'SuperAdmin-2021',
      role: 'national_admin',
    });
    expect(planned.must_change_password).toBe(false);
    await expect(
      t.call('POST', '/api/users', {
        as: 'admin',
        body: { username: 'x.admin', password: 'x.admin-2021-!', role: 'national_admin' },
      }),
    ).resolves.toMatchObject({ status: 400, body: { error: { code: 'password_contains_username' } } });
    for (const demo of ['admin', 'dongthap.admin', 'caolanh.tiem']) {
      expect((await signIn(demo, DEMO_PASSWORD)).body.user.mustChangePassword).toBe(false);
    }
  });

  it('the new password follows core’s rule and differs from the current one', async () => {
    const account = await createAccount('caolanh.admin', { role: 'site_staff', facilityId: 'DT-CL-01' });
    const { headers } = await signIn(account.username, account.password);
    const attempt = (newPassword: string) =>
      t.call('POST', '/api/auth/password', {
        ip: nextIp(),
        headers,
        body: { currentPassword: account.password, newPassword },
      });
    const short = await attempt('Ngan-123');
    expect(short.body.error).toMatchObject({ code: 'weak_password', field: 'newPassword' });
    // Ten characters that show nothing (an outside probe signed in with ten spaces), or padded to ten.
    for (const blank of [' '.repeat(10), '\u200b'.repeat(10), '\u3000'.repeat(12), 'Ngan-123\u200b\u200b\u200b'])
      expect((await attempt(blank)).body.error, JSON.stringify(blank)).toMatchObject({
        code: 'weak_password',
        field: 'newPassword',
      });
    const named = await attempt(`X-${account.username.toUpperCase()}-2021`);
    expect(named.body.error).toMatchObject({ code: 'password_contains_username', field: 'newPassword' });
    const same = await attempt(account.password);
    expect(same.body.error).toMatchObject({ code: 'password_unchanged', field: 'newPassword' });
    expect([short.status, named.status, same.status]).toEqual([400, 400, 400]);
    // Still pending.
    expect((await t.call('GET', '/api/sessions', { headers })).body.error.code).toBe('password_change_required');
  });

  it('changing the password ends the user’s other sessions, not the one that changed it', async () => {
    const account = await workingAccount('dongthap.admin', { role: 'site_staff', facilityId: 'DT-SD-01' });
    const other = await signIn(account.username, account.password);
    expect((await t.call('GET', '/api/sessions', { headers: other.headers })).status).toBe(200);
    const res = await t.call('POST', '/api/auth/password', {
      ip: nextIp(),
      headers: account.headers,
      body: { currentPassword: account.password, newPassword: 'Doi-lan-nua-2021' },
    });
    expect(res.status).toBe(200);
    expect((await t.call('GET', '/api/sessions', { headers: other.headers })).status).toBe(401);
    expect((await t.call('GET', '/api/sessions', { headers: account.headers })).status).toBe(200);
  });

  it('a reset between the check and the write wins: the change is refused, nothing half done', async () => {
    const account = await createAccount('dongthap.admin', { role: 'site_staff', facilityId: 'DT-SD-01' });
    const login = await signIn(account.username, account.password);
    const actor = { id: account.id, username: account.username } as never;
    const planned = await planPasswordChange(t.db, actor, {
      currentPassword: account.password,
      newPassword: 'Se-bi-tu-choi-2021',
    });
    const reset = await t.call('POST', `/api/users/${account.id}/password-reset`, { as: 'dongthap.admin' });
    expect(reset.status).toBe(200);
    await expect(
      unitOfWork(t.db, (trx) =>
        changeOwnPassword(trx, systemAuditContext('test'), planned, hashToken(login.body.token), new Date()),
      ),
    ).rejects.toMatchObject({ code: 'current_password_wrong' });
    expect((await signIn(account.username, 'Se-bi-tu-choi-2021')).status).toBe(401);
    expect((await signIn(account.username, reset.body.temporaryPassword)).body.user.mustChangePassword).toBe(true);
  });
});

describe('creating accounts within the caller’s scope', () => {
  it('a province administrator creates only inside the province (403 out_of_scope otherwise, naming the field)', async () => {
    const refused = [uniq('x.'), uniq('x.'), uniq('x.')];
    const facility = await t.call('POST', '/api/users', {
      as: 'dongthap.admin',
      body: { username: refused[0], role: 'site_staff', facilityId: 'HN-BD-01' },
    });
    expect(facility.status).toBe(403);
    expect(facility.body.error).toMatchObject({ code: 'out_of_scope', field: 'facilityId' });
    const unit = await t.call('POST', '/api/users', {
      as: 'dongthap.admin',
      body: { username: refused[1], role: 'report_handler', unitCode: '01' },
    });
    expect(unit.status).toBe(403);
    expect(unit.body.error).toMatchObject({ code: 'out_of_scope', field: 'unitCode' });
    const district = await t.call('POST', '/api/users', {
      as: 'dongthap.admin',
      body: { username: refused[2], role: 'district_admin', unitCode: '001' },
    });
    expect(district.status).toBe(403);
    // Nothing was written for the refused ones; inside the province it works.
    const written = await t.db.selectFrom('users').select('username').where('username', 'in', refused).execute();
    expect(written).toEqual([]);
    expect((await createAccount('dongthap.admin', { role: 'district_admin', unitCode: '867' })).body.unitCode).toBe(
      '867',
    );
  });

  it('a district administrator creates only in the district and its facilities, and no administrator', async () => {
    expect((await createAccount('caolanh.admin', { role: 'site_staff', facilityId: 'DT-CL-01' })).body.role).toBe(
      'site_staff',
    );
    expect((await createAccount('caolanh.admin', { role: 'report_handler', unitCode: '29866' })).body.unitCode).toBe(
      '29866',
    );
    const saDec = await t.call('POST', '/api/users', {
      as: 'caolanh.admin',
      body: { username: uniq('x.'), role: 'site_staff', facilityId: 'DT-SD-01' },
    });
    expect(saDec.status).toBe(403);
    expect(saDec.body.error.code).toBe('out_of_scope');
    const province = await t.call('POST', '/api/users', {
      as: 'caolanh.admin',
      body: { username: uniq('x.'), role: 'report_handler', unitCode: '87' },
    });
    expect(province.body.error.code).toBe('out_of_scope');
    const admin = await t.call('POST', '/api/users', {
      as: 'caolanh.admin',
      body: { username: uniq('x.'), role: 'district_admin', unitCode: '866' },
    });
    expect(admin.status).toBe(403);
    expect(admin.body.error).toMatchObject({ code: 'role_not_assignable', field: 'role' });
  });

  it('a unit beside a facility must be one of the facility’s units: never silently dropped', async () => {
    const stray = [uniq('x.'), uniq('x.'), uniq('x.'), uniq('x.')];
    const create = (as: string, username: string, unitCode: string) =>
      t.call('POST', '/api/users', { as, body: { username, role: 'site_staff', facilityId: 'HN-BD-01', unitCode } });
    // Another province's unit: outside the caller's units.
    const outside = await create('hanoi.admin', stray[0]!, '87');
    expect(outside.status).toBe(403);
    expect(outside.body.error).toMatchObject({ code: 'out_of_scope', field: 'unitCode' });
    // A unit of the caller's that is not the facility's (Hoàn Kiếm beside a Ba Đình facility).
    const elsewhere = await create('hanoi.admin', stray[1]!, '002');
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error).toMatchObject({ code: 'user_unit_not_of_facility', field: 'unitCode' });
    expect((await create('admin', stray[2]!, '87')).body.error).toMatchObject({
      code: 'user_unit_not_of_facility',
      field: 'unitCode',
    });
    expect((await create('hanoi.admin', stray[3]!, '99999')).body.error).toMatchObject({
      code: 'unknown_unit',
      field: 'unitCode',
    });
    const written = await t.db.selectFrom('users').select('username').where('username', 'in', stray).execute();
    expect(written).toEqual([]);
    // The facility's own province or district beside it says the same thing: accepted.
    const own = await createAccount('hanoi.admin', { role: 'site_staff', facilityId: 'HN-BD-01', unitCode: '001' });
    expect(own.body).toMatchObject({ facilityId: 'HN-BD-01', unitCode: null });
    // The same on an edit.
    const moved = await t.call('PATCH', `/api/users/${own.id}`, {
      as: 'hanoi.admin',
      body: { facilityId: 'HN-BD-01', unitCode: '87' },
    });
    expect(moved.status).toBe(403);
    expect(moved.body.error).toMatchObject({ code: 'out_of_scope', field: 'unitCode' });
    const movedHere = await t.call('PATCH', `/api/users/${own.id}`, {
      as: 'hanoi.admin',
      body: { facilityId: 'HN-BD-01', unitCode: '002' },
    });
    expect(movedHere.body.error).toMatchObject({ code: 'user_unit_not_of_facility', field: 'unitCode' });
  });

  it('the national administrator creates anywhere, any role', async () => {
    expect((await createAccount('admin', { role: 'province_admin', unitCode: '79' })).body.unitCode).toBe('79');
    expect((await createAccount('admin', { role: 'site_staff', facilityId: 'HN-BD-01' })).body.facilityId).toBe(
      'HN-BD-01',
    );
  });
});

describe('the list of accounts', () => {
  it('filters by unit, facility, role, state and name (diacritics optional), within the caller’s units', async () => {
    const tam = await createAccount('dongthap.admin', {
      role: 'site_staff',
      facilityId: 'DT-SD-01',
      displayName: 'Phạm Thị Thuỷ Tiên',
    });
    const list = async (query: string, as = 'dongthap.admin') => {
      const res = await t.call('GET', `/api/users?${query}`, { as });
      expect(res.status, res.raw.body).toBe(200);
      return (res.body.items as { username: string }[]).map((u) => u.username);
    };
    expect(await list('q=pham thi thuy')).toEqual([tam.username]);
    expect(await list('q=Thuỷ Tiên')).toEqual([tam.username]);
    expect(await list(`q=${tam.username.toUpperCase()}`)).toEqual([tam.username]);
    expect(await list('q=%25')).toEqual([]);
    expect(await list('facilityId=DT-SD-01')).toContain(tam.username);
    expect(await list('facilityId=DT-CL-01')).not.toContain(tam.username);
    expect(await list('unitCode=867')).toContain(tam.username);
    expect(await list('unitCode=866')).toEqual(expect.arrayContaining(['caolanh.admin', 'caolanh.tiem']));
    expect(await list('unitCode=866')).not.toContain(tam.username);
    const handlers = await list('role=report_handler');
    expect(handlers).toContain('dongthap.phananh');
    expect(handlers).not.toContain('caolanh.tiem');
    expect(await list('unitCode=01')).toEqual([]);
    // A district administrator: the district only.
    const district = await list('limit=1000', 'caolanh.admin');
    expect(district).toEqual(expect.arrayContaining(['caolanh.admin', 'caolanh.tiem']));
    expect(district).not.toContain(tam.username);
    expect(district).not.toContain('dongthap.phananh');

    await t.call('POST', `/api/users/${tam.id}/disable`, { as: 'dongthap.admin', body: { reason: 'Nghỉ việc' } });
    expect(await list('active=false')).toContain(tam.username);
    expect(await list('active=true')).not.toContain(tam.username);
    const shown = (await t.call('GET', `/api/users?q=${tam.username}`, { as: 'dongthap.admin' })).body.items[0];
    expect(shown).toMatchObject({
      active: false,
      disabledBy: 'dongthap.admin',
      disabledAt: expect.any(String),
      placeName: 'Bệnh viện Đa khoa Sa Đéc',
    });
    const byName = (await t.call('GET', '/api/users?unitCode=866', { as: 'dongthap.admin' })).body.items as any[];
    expect(byName.find((u) => u.username === 'caolanh.admin')?.placeName).toBe('Thành phố Cao Lãnh');
    const nation = (await t.call('GET', '/api/users?q=admin&role=national_admin', { as: 'admin' })).body.items;
    expect(nation[0]).toMatchObject({ username: 'admin', placeName: null });
  });

  it('one account: inside the caller’s units, else 404', async () => {
    const account = await createAccount('dongthap.admin', { role: 'site_staff', facilityId: 'DT-CL-01' });
    const own = await t.call('GET', `/api/users/${account.id}`, { as: 'caolanh.admin' });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ username: account.username, mustChangePassword: true, disabledAt: null });
    expect((await t.call('GET', `/api/users/${account.id}`, { as: 'hanoi.admin' })).status).toBe(404);
    expect((await t.call('GET', '/api/users/no-such-user', { as: 'admin' })).status).toBe(404);
  });
});

describe('editing an account', () => {
  it('changes the display name (audited, before and after) without ending its sessions', async () => {
    const account = await workingAccount('dongthap.admin', { role: 'site_staff', facilityId: 'DT-SD-01' });
    const res = await t.call('PATCH', `/api/users/${account.id}`, {
      as: 'dongthap.admin',
      body: { displayName: 'Võ Thị Sáu' },
    });
    expect(res.status).toBe(200);
    expect(res.body.displayName).toBe('Võ Thị Sáu');
    expect((await t.call('GET', '/api/sessions', { headers: account.headers })).status).toBe(200);
    const entry = (await listAudit(t.db, 'user', account.id)).find((e) => e.action === 'user.update');
    expect(entry).toMatchObject({ actor_username: 'dongthap.admin' });
    expect(entry?.before).toMatchObject({ displayName: expect.not.stringContaining('Võ') });
    expect(entry?.after).toMatchObject({ displayName: 'Võ Thị Sáu' });
    expect((await t.call('GET', '/api/users?q=vo thi sau', { as: 'dongthap.admin' })).body.items).toHaveLength(1);
  });

  it('a new role keeps the place when it fits; a change of role or place ends the account’s sessions', async () => {
    const account = await workingAccount('dongthap.admin', { role: 'site_staff', facilityId: 'DT-SD-01' });
    const res = await t.call('PATCH', `/api/users/${account.id}`, {
      as: 'dongthap.admin',
      body: { role: 'report_handler' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'report_handler', facilityId: 'DT-SD-01' });
    expect((await t.call('GET', '/api/reports', { headers: account.headers })).status).toBe(401);
    const again = await signIn(account.username, account.password);
    expect(again.body.user.role).toBe('report_handler');

    const moved = await t.call('PATCH', `/api/users/${account.id}`, {
      as: 'dongthap.admin',
      body: { unitCode: '867' },
    });
    expect(moved.body).toMatchObject({ role: 'report_handler', unitCode: '867', facilityId: null });
    const row = await t.db.selectFrom('users').selectAll().where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      scope_level: 'district',
      province_code: '87',
      district_code: '867',
      facility_id: null,
    });

    // A role that cannot sit where the account is: the place must be given.
    const noPlace = await t.call('PATCH', `/api/users/${account.id}`, {
      as: 'dongthap.admin',
      body: { role: 'site_staff' },
    });
    expect(noPlace.status).toBe(400);
    expect(noPlace.body.error.field).toBe('facilityId');
  });

  it('refuses a role or a place the caller may not give, and accounts it does not manage', async () => {
    const account = await createAccount('caolanh.admin', { role: 'site_staff', facilityId: 'DT-CL-01' });
    const promote = await t.call('PATCH', `/api/users/${account.id}`, {
      as: 'caolanh.admin',
      body: { role: 'district_admin', unitCode: '866' },
    });
    expect(promote.status).toBe(403);
    expect(promote.body.error.code).toBe('role_not_assignable');
    const away = await t.call('PATCH', `/api/users/${account.id}`, {
      as: 'dongthap.admin',
      body: { facilityId: 'HN-BD-01' },
    });
    expect(away.status).toBe(403);
    expect(away.body.error).toMatchObject({ code: 'out_of_scope', field: 'facilityId' });
    const other = await t.call('PATCH', `/api/users/${account.id}`, {
      as: 'hanoi.admin',
      body: { displayName: 'X' },
    });
    expect(other.status).toBe(404);
    const self = await t.call('PATCH', `/api/users/${await idOf('caolanh.admin')}`, {
      as: 'caolanh.admin',
      body: { displayName: 'Tôi' },
    });
    expect(self.status).toBe(403);
    // A second province administrator of Đồng Tháp is the national administrator's to manage.
    const peer = await createAccount('admin', { role: 'province_admin', unitCode: '87' });
    const peerEdit = await t.call('PATCH', `/api/users/${peer.id}`, {
      as: 'dongthap.admin',
      body: { displayName: 'X' },
    });
    expect(peerEdit.status).toBe(403);
    expect(peerEdit.body.error.code).toBe('user_not_manageable');
    const unchanged = await t.db
      .selectFrom('users')
      .select('display_name')
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(unchanged.display_name).toBe(account.username);
  });
});

async function idOf(username: string): Promise<string> {
  const row = await t.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  return row.id;
}

describe('disabling and enabling an account', () => {
  it('a disabled account cannot sign in and its sessions end at once; enabled, it signs in again (all audited)', async () => {
    const account = await workingAccount('dongthap.admin', { role: 'site_staff', facilityId: 'DT-SD-01' });
    expect((await t.call('GET', '/api/sessions', { headers: account.headers })).status).toBe(200);
    const res = await t.call('POST', `/api/users/${account.id}/disable`, {
      as: 'dongthap.admin',
      body: { reason: 'Chuyển công tác' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: false, disabledBy: 'dongthap.admin', disabledAt: expect.any(String) });
    expect((await t.call('GET', '/api/sessions', { headers: account.headers })).status).toBe(401);
    const sessions = await t.db.selectFrom('sessions').select('token_hash').where('user_id', '=', account.id).execute();
    expect(sessions).toEqual([]);
    const login = await signIn(account.username, account.password);
    expect(login.status).toBe(401);
    expect(login.body.error.code).toBe('invalid_credentials');

    // Again: nothing changes, no second entry.
    expect((await t.call('POST', `/api/users/${account.id}/disable`, { as: 'dongthap.admin' })).status).toBe(200);

    const enabled = await t.call('POST', `/api/users/${account.id}/enable`, { as: 'dongthap.admin' });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ active: true, disabledAt: null, disabledBy: null });
    expect((await signIn(account.username, account.password)).status).toBe(200);

    const trail = await listAudit(t.db, 'user', account.id);
    expect(trail.map((e) => e.action)).toEqual(['user.create', 'user.password_change', 'user.disable', 'user.enable']);
    const disabled = trail.find((e) => e.action === 'user.disable');
    expect(disabled).toMatchObject({ actor_username: 'dongthap.admin', reason: 'Chuyển công tác' });
  });

  it('no one disables their own account, an account above them, or one outside their units', async () => {
    const own = await t.call('POST', `/api/users/${await idOf('admin')}/disable`, { as: 'admin' });
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('own_account');
    const above = await t.call('POST', `/api/users/${await idOf('dongthap.admin')}/disable`, {
      as: 'caolanh.admin',
    });
    expect(above.status).toBe(404);
    const outside = await t.call('POST', `/api/users/${await idOf('hanoi.tiem')}/disable`, { as: 'dongthap.admin' });
    expect(outside.status).toBe(404);
    const staff = await t.call('POST', `/api/users/${await idOf('caolanh.tiem')}/disable`, { as: 'caolanh.tiem' });
    expect(staff.status).toBe(403);
    const active = await t.db
      .selectFrom('users')
      .select('active')
      .where('username', 'in', ['admin', 'dongthap.admin', 'hanoi.tiem', 'caolanh.tiem'])
      .execute();
    expect(active.every((r) => r.active)).toBe(true);
  });
});

describe('resetting a password', () => {
  it('gives a temporary password once, ends the sessions, and the account must change it', async () => {
    const account = await workingAccount('caolanh.admin', { role: 'site_staff', facilityId: 'DT-CL-01' });
    const res = await t.call('POST', `/api/users/${account.id}/password-reset`, { as: 'caolanh.admin' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.temporaryPassword).toMatch(TEMPORARY);
    expect(res.body.user).toMatchObject({ id: account.id, mustChangePassword: true });
    expect((await t.call('GET', '/api/sessions', { headers: account.headers })).status).toBe(401);
    expect((await signIn(account.username, account.password)).status).toBe(401);
    const login = await signIn(account.username, res.body.temporaryPassword);
    expect(login.body.user.mustChangePassword).toBe(true);
    expect((await t.call('GET', '/api/sessions', { headers: login.headers })).body.error.code).toBe(
      'password_change_required',
    );
    const trail = await listAudit(t.db, 'user', account.id);
    expect(trail.at(-1)).toMatchObject({ action: 'user.password_reset', actor_username: 'caolanh.admin' });
    expect(JSON.stringify(trail)).not.toContain(res.body.temporaryPassword);
  });

  it('is refused for an account outside the units (404) or not managed by the caller (403)', async () => {
    expect(
      (await t.call('POST', `/api/users/${await idOf('hanoi.tiem')}/password-reset`, { as: 'dongthap.admin' })).status,
    ).toBe(404);
    const peer = await t.call('POST', `/api/users/${await idOf('hanoi.admin')}/password-reset`, { as: 'hanoi.admin' });
    expect(peer.body.error.code).toBe('own_account');
    expect((await signIn('hanoi.tiem', DEMO_PASSWORD)).status).toBe(200);
  });
});

describe('migration 0010 on accounts made before it', () => {
  it('keys the display names, marks disabled accounts, and goes down and up again', async () => {
    const fresh = await createUnmigratedDatabase();
    const { db, to } = fresh;
    try {
      await to('2026_12_02_0009_audit_chain');
      await sql`insert into users (id, username, password_hash, role, display_name, scope_level, active)
        values ('u1', 'a.b', 'x', 'national_admin', 'Đặng Thị Ngọc Thịnh', 'nation', true),
               ('u2', 'c.d', 'x', 'national_admin', 'Cũ', 'nation', false)`.execute(db);
      await to('2026_12_02_0010_user_admin');
      const rows = await db.selectFrom('users').selectAll().orderBy('id').execute();
      expect(rows.map((r) => [r.display_name_key, r.must_change_password, r.disabled_at !== null])).toEqual([
        ['dang thi ngoc thinh', false, false],
        ['cu', false, true],
      ]);
      await expect(sql`update users set active = false where id = 'u1'`.execute(db)).rejects.toThrow(
        /users_disabled_consistent/,
      );
      await to('2026_12_02_0009_audit_chain');
      await to('2026_12_02_0010_user_admin');
    } finally {
      await fresh.drop();
    }
  });
});
