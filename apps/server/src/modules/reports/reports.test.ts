import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { listAudit } from '../audit/audit.service.js';
import { escalateOverdue } from './reports.job.js';
import { routeReport } from './reports.routing.js';

const start = new Date('2021-11-06T01:00:00Z');
let now = start;
const t = await useTestApp({ deps: { clock: () => now } });
let ip = 1;
const PFIZER = 'EU/1/20/1528';

async function fileReport(body: Record<string, unknown>) {
  const res = await t.call('POST', '/api/portal/reports', {
    ip: `10.9.0.${ip++}`,
    body: { description: 'Chưa thấy mũi tiêm trên hệ thống', ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const found = await t.call('GET', `/api/reports?trackingCode=${res.body.trackingCode}`, { as: 'admin' });
  return found.body.items[0];
}

const aboutPerson = (p: any, extra: Record<string, unknown> = {}) => ({
  category: 'missing_dose',
  fullName: p.fullName,
  dateOfBirth: p.dateOfBirth,
  gender: p.gender,
  phone: p.phone,
  idNumber: p.idNumber,
  ...extra,
});

describe('routing', () => {
  it('the routing matrix', () => {
    const facility = { id: 'DT-CL-01', provinceCode: '87', districtCode: '866', communeCode: '29866' };
    const person = (communeCode: string | null, districtCode: string | null) => ({
      provinceCode: '87',
      districtCode,
      communeCode,
    });
    const base = { doseFacility: null, person: null, idNumber: null, provinceCode: null } as const;
    expect(
      routeReport({ ...base, category: 'missing_dose', doseFacility: facility, person: person('29863', '866') }),
    ).toMatchObject({ level: 'facility', code: 'DT-CL-01' });
    expect(routeReport({ ...base, category: 'wrong_dose', doseFacility: facility })).toMatchObject({
      level: 'facility',
      code: 'DT-CL-01',
    });
    expect(
      routeReport({ ...base, category: 'wrong_personal_info', doseFacility: facility, person: person('29863', '866') }),
    ).toMatchObject({ level: 'commune', code: '29863' });
    expect(routeReport({ ...base, category: 'missing_dose', person: person('29863', '866') })).toMatchObject({
      level: 'commune',
      code: '29863',
    });
    expect(routeReport({ ...base, category: 'other', person: person(null, '866') })).toMatchObject({
      level: 'district',
      code: '866',
    });
    expect(routeReport({ ...base, category: 'other', person: person(null, null) })).toMatchObject({
      level: 'province',
      code: '87',
    });
    expect(routeReport({ ...base, category: 'missing_dose', idNumber: '079095001234' })).toMatchObject({
      level: 'province',
      code: '79',
    });
    expect(routeReport({ ...base, category: 'missing_dose', idNumber: '341234567', provinceCode: '01' })).toMatchObject(
      { level: 'province', code: '01' },
    );
    expect(routeReport({ ...base, category: 'missing_dose', idNumber: '341234567' })).toBeNull();
  });

  it('a report about a dose goes to the facility named; an unknown person to the province of the ID number', async () => {
    const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866', communeCode: '29866' }));
    expect(
      (await fileReport(aboutPerson(p, { dose: { facilityId: 'DT-SD-01', administeredOn: '2021-11-01' } })))
        .assignedUnit,
    ).toEqual({ level: 'facility', code: 'DT-SD-01' });
    expect((await fileReport(aboutPerson(p, { category: 'wrong_personal_info' }))).assignedUnit).toEqual({
      level: 'commune',
      code: '29866',
    });
    const stranger = await fileReport({
      category: 'missing_dose',
      fullName: 'Lý Thị Hoa',
      dateOfBirth: '1990-02-02',
      gender: 'female',
      phone: '0912000222',
      idNumber: '001190000222',
    });
    expect(stranger.assignedUnit).toEqual({ level: 'province', code: '01' });
  });
});

describe('the 48-hour clock and escalation (the clock is injected)', () => {
  it('47:59 after receipt a report is not overdue; at 48:00:01 it is, and escalates to the parent unit', async () => {
    now = start;
    const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const r = await fileReport(aboutPerson(p, { dose: { facilityId: 'DT-CL-01' } }));
    expect(r.dueAt).toBe(new Date(start.getTime() + 48 * 3_600_000).toISOString());
    const overdueIds = async () =>
      (await t.call('GET', '/api/reports?overdue=true', { as: 'dongthap.phananh' })).body.items.map((x: any) => x.id);

    now = new Date(start.getTime() + (47 * 60 + 59) * 60_000);
    expect(await overdueIds()).not.toContain(r.id);
    expect(await escalateOverdue(t.db, now)).toBe(0);

    now = new Date(start.getTime() + 48 * 3_600_000 + 1000);
    expect(await overdueIds()).toContain(r.id);
    expect(await escalateOverdue(t.db, now)).toBeGreaterThanOrEqual(1);
    const detail = await t.call('GET', `/api/reports/${r.id}`, { as: 'dongthap.phananh' });
    expect(detail.body).toMatchObject({ overdue: true, urgency: 'overdue', escalatedAt: now.toISOString() });
    // The district (parent of the facility) is told; Hà Nội is not.
    const district = await t.call('GET', '/api/notifications', { as: 'caolanh.admin' });
    expect(district.body.items.some((n: any) => n.kind === 'report_escalated' && n.body.reportId === r.id)).toBe(true);
    expect(
      (await t.call('GET', '/api/notifications', { as: 'hanoi.admin' })).body.items.some(
        (n: any) => n.body?.reportId === r.id,
      ),
    ).toBe(false);
    // Escalation happens once.
    expect(await escalateOverdue(t.db, new Date(now.getTime() + 60_000))).toBe(0);
    now = start;
  });
});

describe('scope', () => {
  it('a handler in Đồng Tháp cannot see or act on a Hà Nội report', async () => {
    const hn = await createPersonVia(t, buildPersonIn('01'), 'hanoi.tiem');
    const r = await fileReport(aboutPerson(hn, { dose: { facilityId: 'HN-BD-01' } }));
    const list = await t.call('GET', '/api/reports', { as: 'dongthap.phananh' });
    expect(list.body.items.map((x: any) => x.id)).not.toContain(r.id);
    expect((await t.call('GET', `/api/reports/${r.id}`, { as: 'dongthap.phananh' })).status).toBe(404);
    expect(
      (
        await t.call('POST', `/api/reports/${r.id}/resolution`, {
          as: 'dongthap.phananh',
          body: { outcome: 'corrected', note: 'x' },
        })
      ).status,
    ).toBe(404);
    expect((await t.call('POST', `/api/reports/${r.id}/claim`, { as: 'dongthap.phananh' })).status).toBe(404);
    expect((await t.call('GET', `/api/reports/${r.id}`, { as: 'hanoi.phananh' })).status).toBe(200);
    expect((await t.call('GET', '/api/reports', { as: 'caolanh.tiem' })).status).toBe(403);
  });

  it('closing as a duplicate of another province’s report answers exactly as an unknown tracking code', async () => {
    const hn = await createPersonVia(t, buildPersonIn('01'), 'hanoi.tiem');
    const other = await fileReport(aboutPerson(hn, { dose: { facilityId: 'HN-BD-01' } }));
    const dt = await createPersonVia(t, buildPersonIn('87'));
    const own = await fileReport(aboutPerson(dt));
    const close = (duplicateOf: string) =>
      t.call('POST', `/api/reports/${own.id}/resolution`, {
        as: 'dongthap.phananh',
        body: { outcome: 'duplicate', note: 'Trùng', duplicateOf },
      });
    const unknown = await close('PA-ZZZZZZZZ');
    const outside = await close(other.trackingCode);
    expect(unknown.status).toBe(404);
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual(unknown.body);
    expect(outside.body.error).toMatchObject({ code: 'not_found', field: 'duplicateOf' });
    const still = await t.call('GET', `/api/reports/${own.id}`, { as: 'dongthap.phananh' });
    expect(still.body.status).not.toBe('resolved');
    // Within reach it links the two.
    const mine = await fileReport(aboutPerson(dt));
    const ok = await close(mine.trackingCode);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'resolved', outcome: 'duplicate' });
  });
});

describe('resolving a report', () => {
  it('"missing dose": adds the dose once, reissues the certificate, audits, and sends the SMS', async () => {
    now = new Date('2022-01-10T03:00:00Z');
    const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    await t.call('POST', `/api/people/${p.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn: '2021-10-01', facilityId: 'DT-CL-01' },
    });
    const before = (await t.call('GET', `/api/people/${p.id}/certificate`, { as: 'dongthap.phananh' })).body;
    expect(before.status).toBe('partial');
    const r = await fileReport(
      aboutPerson(p, { dose: { facilityId: 'DT-CL-01', administeredOn: '2021-10-29', vaccineCode: PFIZER } }),
    );
    expect(r.personId).toBe(p.id);

    const add = { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn: '2021-10-29', facilityId: 'DT-CL-01' };
    const first = await t.call('POST', `/api/reports/${r.id}/actions/add-dose`, { as: 'dongthap.phananh', body: add });
    const again = await t.call('POST', `/api/reports/${r.id}/actions/add-dose`, { as: 'dongthap.phananh', body: add });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(first.body).toMatchObject({ doseNumber: 2, source: 'report_resolution' });

    const resolved = await t.call('POST', `/api/reports/${r.id}/resolution`, {
      as: 'dongthap.phananh',
      body: { outcome: 'corrected', note: 'Đã bổ sung mũi 2 ngày 29/10/2021.' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', outcome: 'corrected', resolvedBy: 'dongthap.phananh' });

    const doses = (await t.call('GET', `/api/people/${p.id}/doses`, { as: 'dongthap.phananh' })).body.items;
    expect(doses).toHaveLength(2);
    const after = (await t.call('GET', `/api/people/${p.id}/certificate`, { as: 'dongthap.phananh' })).body;
    expect(after.status).toBe('complete');
    expect(after.ci).not.toBe(before.ci);
    // The missing dose is dated after the first: the 1-dose certificate stays right, a newer one exists.
    expect((await t.call('GET', `/api/certificates/status?ci=${encodeURIComponent(before.ci)}`)).body).toMatchObject({
      state: 'newer_issued',
      newerCi: after.ci,
    });

    const trail = (await listAudit(t.db, 'report', r.id)).map((a) => a.action);
    expect(trail).toEqual(expect.arrayContaining(['report.create', 'report.resolve']));
    expect((await listAudit(t.db, 'dose', first.body.id)).map((a) => a.action)).toEqual(['dose.create']);
    const sms = (await t.call('GET', `/api/admin/sms-outbox?to=${p.phone}`, { as: 'admin' })).body.items;
    expect(sms[0]).toMatchObject({ kind: 'report_resolved' });
    expect(sms[0].text).toContain(r.trackingCode);

    const status = await t.call('GET', `/api/portal/reports/${r.trackingCode}?phone=${p.phone}`, { ip: '10.9.9.9' });
    expect(status.body).toMatchObject({ status: 'resolved', outcome: 'corrected' });
    // Closed is closed.
    expect(
      (
        await t.call('POST', `/api/reports/${r.id}/resolution`, {
          as: 'dongthap.phananh',
          body: { outcome: 'rejected', reason: 'other', note: 'x' },
        })
      ).status,
    ).toBe(409);
    now = start;
  });

  it('the contract’s rejection body (outcome and note) is accepted: the reason is recorded as "other", with the note', async () => {
    const p = await createPersonVia(t, buildPersonIn('87'));
    const asWritten = await fileReport(aboutPerson(p));
    const res = await t.call('POST', `/api/reports/${asWritten.id}/resolution`, {
      as: 'dongthap.phananh',
      body: { outcome: 'rejected', note: 'Ảnh mờ' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'rejected', outcomeReason: 'other' });
    const q = await createPersonVia(t, buildPersonIn('87'));
    const r = await fileReport(aboutPerson(q));
    const unknown = await t.call('POST', `/api/reports/${r.id}/resolution`, {
      as: 'dongthap.phananh',
      body: { outcome: 'rejected', reason: 'no_such_reason', note: 'Ảnh mờ' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('reason');
    const ok = await t.call('POST', `/api/reports/${r.id}/resolution`, {
      as: 'dongthap.phananh',
      body: { outcome: 'rejected', reason: 'photo_unusable', note: 'Ảnh bị mờ, không đọc được ngày tiêm.' },
    });
    expect(ok.body).toMatchObject({ outcome: 'rejected', outcomeReason: 'photo_unusable' });
  });

  it('correcting a dose cannot move it to a facility outside the handler’s units; within them it can', async () => {
    now = new Date('2022-01-10T03:00:00Z');
    const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const dose = await t.call('POST', `/api/people/${p.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn: '2021-10-01', facilityId: 'DT-CL-01' },
    });
    expect(dose.status).toBe(201);
    const before = (await t.call('GET', `/api/people/${p.id}/certificate`, { as: 'dongthap.phananh' })).body;
    const r = await fileReport(
      aboutPerson(p, {
        category: 'wrong_dose',
        dose: { facilityId: 'DT-CL-01', administeredOn: '2021-10-01', vaccineCode: PFIZER },
      }),
    );
    expect(r.personId).toBe(p.id);

    // A Hà Nội facility: refused as adding a dose there is, and nothing changes.
    const away = await t.call('POST', `/api/reports/${r.id}/actions/correct-dose`, {
      as: 'dongthap.phananh',
      body: { doseId: dose.body.id, facilityId: 'HN-BD-01' },
    });
    expect(away.status).toBe(403);
    expect(away.body.error).toMatchObject({ code: 'out_of_scope', field: 'facilityId' });
    const kept = (await t.call('GET', `/api/people/${p.id}/doses`, { as: 'admin' })).body.items;
    expect(kept.map((d: any) => d.facilityId)).toEqual(['DT-CL-01']);
    expect((await listAudit(t.db, 'dose', dose.body.id)).map((a) => a.action)).toEqual(['dose.create']);
    expect((await t.call('GET', `/api/people/${p.id}/certificate`, { as: 'admin' })).body.ci).toBe(before.ci);
    const detail = await t.call('GET', `/api/reports/${r.id}`, { as: 'dongthap.phananh' });
    expect(detail.body.actions.map((a: any) => a.action)).not.toContain('correct_dose');

    // Another facility of Đồng Tháp: the correction goes through.
    const within = await t.call('POST', `/api/reports/${r.id}/actions/correct-dose`, {
      as: 'dongthap.phananh',
      body: { doseId: dose.body.id, facilityId: 'DT-SD-01' },
    });
    expect(within.status, JSON.stringify(within.body)).toBe(200);
    expect(within.body.facilityId).toBe('DT-SD-01');
    expect((await listAudit(t.db, 'dose', dose.body.id)).map((a) => a.action)).toEqual(['dose.create', 'dose.correct']);
    now = start;
  });

  it('re-assignment with a reason', async () => {
    const p = await createPersonVia(t, buildPersonIn('87'));
    const r = await fileReport(aboutPerson(p, { dose: { facilityId: 'DT-CL-01' } }));
    const moved = await t.call('POST', `/api/reports/${r.id}/reassign`, {
      as: 'dongthap.phananh',
      body: { facilityId: 'DT-SD-01', reason: 'Người dân tiêm tại Sa Đéc' },
    });
    expect(moved.body.assignedUnit).toEqual({ level: 'facility', code: 'DT-SD-01' });
    const detail = await t.call('GET', `/api/reports/${r.id}`, { as: 'dongthap.phananh' });
    expect(detail.body.actions.map((a: any) => a.action)).toContain('reassign');
  });
});

describe('campaigns', () => {
  it('figures equal a direct count', async () => {
    now = new Date('2021-11-07T02:00:00Z');
    const c = await t.call('POST', '/api/campaigns', {
      as: 'dongthap.admin',
      body: {
        name: 'Phản ánh 05–10/11/2021',
        receiveFrom: '2021-11-05T00:00:00+07:00',
        receiveTo: '2021-11-11T00:00:00+07:00',
        deadline: '2021-11-12T23:59:59+07:00',
      },
    });
    expect(c.status).toBe(201);
    for (let i = 0; i < 3; i++)
      await fileReport(aboutPerson(await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }))));
    const progress = (await t.call('GET', `/api/campaigns/${c.body.id}`, { as: 'dongthap.admin' })).body;
    const direct = await t.db
      .selectFrom('reports')
      .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.count<number>('resolved_at').as('resolved')])
      .where('province_code', '=', '87')
      .where('received_at', '>=', new Date('2021-11-04T17:00:00Z'))
      .where('received_at', '<', new Date('2021-11-10T17:00:00Z'))
      .executeTakeFirstOrThrow();
    expect(progress.total.received).toBe(Number(direct.n));
    expect(progress.total.resolved).toBe(Number(direct.resolved));
    expect(progress.total.open).toBe(Number(direct.n) - Number(direct.resolved));
    expect(progress.units.reduce((s: number, u: any) => s + u.received, 0)).toBe(progress.total.received);
    expect(progress.total.received).toBeGreaterThanOrEqual(3);
    now = start;
  });
});

describe('exports', () => {
  it('CSV (UTF-8 with BOM, Vietnamese headers) and XLSX of the queue', async () => {
    const csv = await t.call('GET', '/api/reports/export.csv', { as: 'dongthap.phananh' });
    expect(csv.status).toBe(200);
    expect(csv.raw.body.startsWith('\uFEFF"Mã phản ánh"')).toBe(true);
    const xlsx = await t.call('GET', '/api/reports/export.xlsx', { as: 'dongthap.phananh' });
    expect(xlsx.status).toBe(200);
    expect(xlsx.raw.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });
});
