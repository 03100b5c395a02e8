import { describe, expect, it } from 'vitest';
import { uniq, useTestApp } from '../../test/harness.js';

const t = await useTestApp();

/** A facility made through the API; fails the test unless it is created. */
async function create(as: string, body: Record<string, unknown>) {
  const res = await t.call('POST', '/api/facilities', { as, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const auditOf = (id: string) =>
  t.db
    .selectFrom('audit_log')
    .selectAll()
    .where('entity_type', '=', 'facility')
    .where('entity_id', '=', id)
    .orderBy('id')
    .execute();

describe('facility administration: scope', () => {
  it('a province administrator creates a facility under a commune of the province, placed by the unit', async () => {
    const name = `Điểm tiêm ${uniq()}`;
    const f = await create('dongthap.admin', {
      name,
      kind: 'vaccination_site',
      unitCode: '29869',
      address: 'Trường THCS Phường 2',
    });
    expect(f).toMatchObject({
      name,
      kind: 'vaccination_site',
      provinceCode: '87',
      districtCode: '866',
      communeCode: '29869',
      districtName: 'Thành phố Cao Lãnh',
      communeName: 'Phường 2',
      active: true,
      deactivatedAt: null,
    });
    // Under a district only: no commune.
    const d = await create('dongthap.admin', {
      name: `TTYT ${uniq()}`,
      kind: 'district_health_centre',
      unitCode: '867',
    });
    expect(d).toMatchObject({ provinceCode: '87', districtCode: '867', communeCode: null, address: null });
  });

  it('a province administrator cannot create a facility in another province: 403 naming the unit, nothing made', async () => {
    const name = `Ngoài tỉnh ${uniq()}`;
    const res = await t.call('POST', '/api/facilities', {
      as: 'dongthap.admin',
      body: { name, kind: 'health_station', unitCode: '00004' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'out_of_scope', field: 'unitCode' });
    const made = await t.db.selectFrom('facilities').select('id').where('name', '=', name).execute();
    expect(made).toEqual([]);
  });

  it('a district administrator works in the district only', async () => {
    await create('caolanh.admin', { name: `Trạm ${uniq()}`, kind: 'health_station', unitCode: '29863' });
    // Sa Đéc is in the same province, not in the district.
    const sameProvince = await t.call('POST', '/api/facilities', {
      as: 'caolanh.admin',
      body: { name: `Trạm ${uniq()}`, kind: 'health_station', unitCode: '29902' },
    });
    expect(sameProvince.status).toBe(403);
    expect(sameProvince.body.error.code).toBe('out_of_scope');
    // The province itself is no place for a facility, nor a code that names no unit.
    for (const unitCode of ['87', '99999']) {
      const res = await t.call('POST', '/api/facilities', {
        as: 'caolanh.admin',
        body: { name: `Trạm ${uniq()}`, kind: 'health_station', unitCode },
      });
      expect(res.status, unitCode).toBe(400);
    }
    // Another district's facility is not found from here, and cannot be moved into the district either.
    const other = await create('dongthap.admin', { name: `Trạm ${uniq()}`, kind: 'health_station', unitCode: '29905' });
    const edit = await t.call('PATCH', `/api/facilities/${other.id}`, {
      as: 'caolanh.admin',
      body: { unitCode: '29863' },
    });
    expect(edit.status).toBe(404);
    expect(edit.body.error.code).toBe('facility_not_found');
    // Its own facility cannot be moved out of the district.
    const own = await create('caolanh.admin', { name: `Trạm ${uniq()}`, kind: 'health_station', unitCode: '29866' });
    const away = await t.call('PATCH', `/api/facilities/${own.id}`, {
      as: 'caolanh.admin',
      body: { unitCode: '29905' },
    });
    expect(away.status).toBe(403);
    expect(away.body.error).toMatchObject({ code: 'out_of_scope', field: 'unitCode' });
  });

  it('the list of a district administrator holds the district’s facilities, active and deactivated', async () => {
    const mine = await create('caolanh.admin', { name: `Trạm ${uniq()}`, kind: 'health_station', unitCode: '29863' });
    const other = await create('dongthap.admin', { name: `Trạm ${uniq()}`, kind: 'hospital', unitCode: '29902' });
    await t.call('POST', `/api/facilities/${mine.id}/deactivate`, {
      as: 'caolanh.admin',
      body: { reason: 'Trạm chuyển địa điểm' },
    });
    const list = await t.call('GET', '/api/facilities/managed', { as: 'caolanh.admin' });
    expect(list.status).toBe(200);
    const ids = list.body.items.map((f: { id: string }) => f.id);
    expect(ids).toContain(mine.id);
    expect(ids).toContain('DT-CL-01');
    expect(ids).not.toContain(other.id);
    expect(ids).not.toContain('HN-BD-01');
    expect(list.body.items.find((f: { id: string }) => f.id === mine.id)).toMatchObject({
      active: false,
      deactivationReason: 'Trạm chuyển địa điểm',
    });
    // Filters: status, and a name typed without diacritics.
    const inactive = await t.call('GET', '/api/facilities/managed?status=inactive', { as: 'caolanh.admin' });
    expect(inactive.body.items.every((f: { active: boolean }) => !f.active)).toBe(true);
    const byName = await t.call('GET', `/api/facilities/managed?q=${encodeURIComponent('tram y te phuong 1')}`, {
      as: 'caolanh.admin',
    });
    expect(byName.body.items.map((f: { id: string }) => f.id)).toEqual(['DT-CL-01']);
    // The national administrator sees both provinces.
    const all = await t.call('GET', '/api/facilities/managed', { as: 'admin' });
    const allIds = all.body.items.map((f: { id: string }) => f.id);
    expect(allIds).toEqual(expect.arrayContaining([mine.id, other.id, 'HN-BD-01']));
  });
});

describe('facility administration: audit', () => {
  it('creating, editing, deactivating and reactivating are each audited with who, what and why', async () => {
    const f = await create('dongthap.admin', { name: `Trạm ${uniq()}`, kind: 'health_station', unitCode: '29866' });
    const edited = await t.call('PATCH', `/api/facilities/${f.id}`, {
      as: 'dongthap.admin',
      body: { name: 'Trạm Y tế lưu động Phường 1', kind: 'mobile_team', address: 'Chợ Cao Lãnh' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      name: 'Trạm Y tế lưu động Phường 1',
      kind: 'mobile_team',
      communeCode: '29866',
    });
    const off = await t.call('POST', `/api/facilities/${f.id}/deactivate`, {
      as: 'dongthap.admin',
      body: { reason: 'Hết đợt tiêm lưu động' },
    });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    const twice = await t.call('POST', `/api/facilities/${f.id}/deactivate`, {
      as: 'dongthap.admin',
      body: { reason: 'Lần nữa' },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('facility_already_inactive');
    const on = await t.call('POST', `/api/facilities/${f.id}/reactivate`, {
      as: 'dongthap.admin',
      body: { reason: 'Đợt tiêm mới' },
    });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ active: true, deactivatedAt: null, deactivationReason: null });

    const entries = await auditOf(f.id);
    expect(entries.map((e) => [e.action, e.actor_username, e.reason])).toEqual([
      ['facility.create', 'dongthap.admin', null],
      ['facility.update', 'dongthap.admin', null],
      ['facility.deactivate', 'dongthap.admin', 'Hết đợt tiêm lưu động'],
      ['facility.reactivate', 'dongthap.admin', 'Đợt tiêm mới'],
    ]);
    const update = entries[1]!;
    expect(update.before).toMatchObject({ name: f.name, kind: 'health_station' });
    expect(update.after).toMatchObject({ name: 'Trạm Y tế lưu động Phường 1', kind: 'mobile_team' });
    expect(entries[2]!.after).toEqual({ active: false });
  });

  it('a refused change leaves no entry', async () => {
    const f = await create('hanoi.admin', { name: `Trạm ${uniq()}`, kind: 'health_station', unitCode: '00006' });
    const res = await t.call('POST', `/api/facilities/${f.id}/deactivate`, {
      as: 'dongthap.admin',
      body: { reason: 'Không phải của tỉnh này' },
    });
    expect(res.status).toBe(404);
    expect((await auditOf(f.id)).map((e) => e.action)).toEqual(['facility.create']);
  });
});

describe('a deactivated facility', () => {
  it('opens no session (409), leaves the public list, and opens sessions again once reactivated', async () => {
    const f = await create('caolanh.admin', {
      name: `Điểm tiêm ${uniq()}`,
      kind: 'vaccination_site',
      unitCode: '29863',
    });
    const session = { facilityId: f.id, sessionDate: '2021-11-22', lotNumbers: ['FF2587'] };
    const opened = await t.call('POST', '/api/sessions', { as: 'caolanh.admin', body: session });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const listed = await t.call('GET', '/api/facilities?districtCode=866');
    expect(listed.body.items.map((x: { id: string }) => x.id)).toContain(f.id);

    await t.call('POST', `/api/facilities/${f.id}/deactivate`, { as: 'caolanh.admin', body: { reason: 'Đóng cửa' } });
    const refused = await t.call('POST', '/api/sessions', { as: 'caolanh.admin', body: session });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'facility_inactive', field: 'facilityId' });
    expect(refused.body.error.message).toContain(f.name);
    const after = await t.call('GET', '/api/facilities?districtCode=866');
    expect(after.body.items.map((x: { id: string }) => x.id)).not.toContain(f.id);
    // The session opened before stays, and still names the facility.
    const old = await t.call('GET', `/api/sessions/${opened.body.id}`, { as: 'caolanh.admin' });
    expect(old.status).toBe(200);

    await t.call('POST', `/api/facilities/${f.id}/reactivate`, { as: 'caolanh.admin', body: { reason: 'Mở lại' } });
    const again = await t.call('POST', '/api/sessions', { as: 'caolanh.admin', body: session });
    expect(again.status).toBe(201);
  });

  it('a facility that does not exist is still 400 unknown_facility', async () => {
    const res = await t.call('POST', '/api/sessions', {
      as: 'caolanh.admin',
      body: { facilityId: 'KHONG-CO', sessionDate: '2021-11-22' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unknown_facility');
  });
});

describe('a deactivated facility is given nothing new', () => {
  it('no account is placed there and no doses are allocated to it (409 facility_inactive); an account already there keeps its place', async () => {
    const f = await create('caolanh.admin', {
      name: `Điểm tiêm ${uniq()}`,
      kind: 'vaccination_site',
      unitCode: '29869',
    });
    const before = await t.call('POST', '/api/users', {
      as: 'caolanh.admin',
      body: { username: uniq('dt.site'), displayName: 'Điểm tiêm tạm', role: 'site_staff', facilityId: f.id },
    });
    expect(before.status, JSON.stringify(before.body)).toBe(201);
    await t.call('POST', `/api/facilities/${f.id}/deactivate`, { as: 'caolanh.admin', body: { reason: 'Đóng cửa' } });

    const user = await t.call('POST', '/api/users', {
      as: 'caolanh.admin',
      body: { username: uniq('dt.site'), displayName: 'Điểm tiêm mới', role: 'site_staff', facilityId: f.id },
    });
    expect(user.status).toBe(409);
    expect(user.body.error).toMatchObject({ code: 'facility_inactive', field: 'facilityId' });

    // The account made before may still be edited, its place given again unchanged.
    const edit = await t.call('PATCH', `/api/users/${before.body.id}`, {
      as: 'caolanh.admin',
      body: { displayName: 'Điểm tiêm (đã đóng)', facilityId: f.id },
    });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);

    const lot = await t.call('POST', '/api/lots', {
      as: 'dongthap.admin',
      body: {
        vaccineCode: 'EU/1/20/1528',
        lotNumber: uniq('FK').toUpperCase(),
        expiresOn: '2022-06-30',
        doses: 100,
        receivedOn: '2021-11-15',
      },
    });
    expect(lot.status, JSON.stringify(lot.body)).toBe(201);
    const allocation = await t.call('POST', `/api/lots/${lot.body.id}/allocations`, {
      as: 'dongthap.admin',
      body: { doses: 10, toFacilityId: f.id },
    });
    expect(allocation.status).toBe(409);
    expect(allocation.body.error).toMatchObject({ code: 'facility_inactive', field: 'toFacilityId' });
  });
});
