import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia, otherCccd, screenedVisit } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';

/**
 * Identity approvals on a real database: the desk's request, the supervisor's decision in scope,
 * the dose recorded after an approval, the refusal the desk sees, one decision only, and the
 * decision all-or-nothing with its override, audit entries and notification.
 */
const now = new Date('2021-11-20T02:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });
const PFIZER = 'EU/1/20/1528';

beforeAll(async () => {
  // A failure injected in the real database: a notification about one request (or person) cannot be written.
  await sql`
    create table tc_test_faults (target text primary key);
    create function tc_test_fault() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from tc_test_faults
                 where target in (new.body ->> 'approvalId', new.body ->> 'personId')) then
        raise exception 'injected failure (test)';
      end if;
      return new;
    end;
    $$;
    create trigger tc_test_fault before insert on notifications for each row execute function tc_test_fault();
  `.execute(t.db);
});

/** A person of TP Cao Lãnh whose ID number the population registry does not know (not_found). */
async function unconfirmedIn(provinceCode = '87', where: Record<string, string> = { districtCode: '866' }) {
  const body = buildPersonIn(provinceCode, where);
  const person = await createPersonVia(t, { ...body, idNumber: otherCccd(body.idNumber) }, 'admin');
  expect(person.verification.status).toBe('not_found');
  return person;
}

/** The person checked in and screened at a session of the facility, ready for the dose. */
async function screenedAt(person: { id: string }, facilityId = 'DT-CL-01', as = 'caolanh.tiem') {
  const session = await t.call('POST', '/api/sessions', {
    as,
    body: { facilityId, sessionDate: '2021-11-20', lotNumbers: ['FF2587'] },
  });
  expect(session.status).toBe(201);
  const visitId = await screenedVisit(t, session.body.id, person.id, { as, id: randomUUID(), method: 'search' });
  return { sessionId: session.body.id as string, visitId };
}

const dose = (visitId: string, as = 'caolanh.tiem') =>
  t.call('POST', `/api/visits/${visitId}/dose`, {
    as,
    headers: { 'idempotency-key': randomUUID() },
    body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
  });

const ask = (body: Record<string, unknown>, as = 'caolanh.tiem') =>
  t.call('POST', '/api/identity-approvals', { as, body });

const decide = (id: string, decision: 'approve' | 'refuse', reason: string, as = 'caolanh.admin') =>
  t.call('POST', `/api/identity-approvals/${id}/decision`, { as, body: { decision, reason } });

const auditOf = async (personId: string) =>
  (await t.call('GET', `/api/people/${personId}/audit`, { as: 'admin' })).body.items as {
    action: string;
    actor: string | null;
    reason: string | null;
    after: any;
  }[];

describe('the approval path at the desk', () => {
  it('blocked dose → request with a reason → the district approves → the dose is recorded; the audit trail names reason, requester and approver', async () => {
    const person = await unconfirmedIn();
    const { visitId } = await screenedAt(person);
    const refused = await dose(visitId);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('identity_not_verified');

    const reason = 'CCCD gắn chip đối chiếu tại bàn, ảnh khớp người đến tiêm';
    const sent = await ask({ personId: person.id, visitId, reason });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      status: 'pending',
      personId: person.id,
      visitId,
      facilityId: 'DT-CL-01',
      facilityName: 'Trạm Y tế Phường 1, TP Cao Lãnh',
      provinceCode: '87',
      districtCode: '866',
      reason,
      requestedBy: 'caolanh.tiem',
      registry: { status: 'not_found', fields: [] },
      requested: { fullName: person.fullName, idNumber: person.idNumber },
      canDecide: false,
    });
    // One request waits at a time: a second desk finds the first.
    const again = await ask({ personId: person.id, reason: 'Gửi lại lần nữa cho chắc' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'approval_pending' }, existingId: sent.body.id });

    // The district's work list: the request, pending, decidable by the district administrator.
    const list = await t.call('GET', '/api/identity-approvals?status=pending', { as: 'caolanh.admin' });
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: any) => i.id === sent.body.id);
    expect(item).toMatchObject({
      status: 'pending',
      canDecide: true,
      requestedByName: expect.stringContaining('Hồng'),
    });
    // Still blocked until decided.
    expect((await dose(visitId)).status).toBe(422);

    const approved = await decide(sent.body.id, 'approve', 'Đã xác minh qua công an phường: đúng người');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      decidedBy: 'caolanh.admin',
      decisionReason: 'Đã xác minh qua công an phường: đúng người',
      canDecide: false,
      person: { override: { by: 'caolanh.admin', reason: 'Đã xác minh qua công an phường: đúng người' } },
    });
    const recorded = await dose(visitId);
    expect(recorded.status).toBe(201);

    const trail = await auditOf(person.id);
    const request = trail.find((e) => e.action === 'identity_approval.request');
    expect(request).toMatchObject({ actor: 'caolanh.tiem', reason, after: { approvalId: sent.body.id, visitId } });
    expect(trail.find((e) => e.action === 'person.identity_override')).toMatchObject({
      actor: 'caolanh.admin',
      reason: 'Đã xác minh qua công an phường: đúng người',
      after: {
        approvalId: sent.body.id,
        requestedBy: 'caolanh.tiem',
        requestReason: reason,
        approvedBy: 'caolanh.admin',
      },
    });
    expect(trail.find((e) => e.action === 'identity_approval.approve')).toMatchObject({
      actor: 'caolanh.admin',
      after: { requestedBy: 'caolanh.tiem', requestReason: reason, decidedBy: 'caolanh.admin' },
    });
    // The site that asked is told.
    const notes = await t.call('GET', '/api/notifications', { as: 'caolanh.tiem' });
    expect(
      notes.body.items.some((n: any) => n.kind === 'identity_approval_decided' && n.body.approvalId === sent.body.id),
    ).toBe(true);
    // Once approved nothing more is needed.
    expect((await ask({ personId: person.id, reason: 'Hỏi thêm lần nữa' })).body.error.code).toBe(
      'approval_not_needed',
    );
  });

  it('a refusal is recorded with its reason, the desk sees it, the dose stays blocked and the desk may ask again', async () => {
    const person = await unconfirmedIn();
    const { visitId } = await screenedAt(person);
    const sent = await ask({ personId: person.id, visitId, reason: 'Người dân có giấy xác nhận cư trú' });
    const refused = await decide(sent.body.id, 'refuse', 'Sai năm sinh so với CCCD: sửa thông tin trước');
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      status: 'refused',
      decisionReason: 'Sai năm sinh so với CCCD: sửa thông tin trước',
    });
    const desk = await t.call('GET', `/api/identity-approvals?personId=${person.id}`, { as: 'caolanh.tiem' });
    expect(desk.body.items[0]).toMatchObject({
      id: sent.body.id,
      status: 'refused',
      decisionReason: 'Sai năm sinh so với CCCD: sửa thông tin trước',
      decidedBy: 'caolanh.admin',
    });
    expect((await dose(visitId)).status).toBe(422);
    expect((await auditOf(person.id)).find((e) => e.action === 'identity_approval.refuse')).toMatchObject({
      actor: 'caolanh.admin',
      reason: 'Sai năm sinh so với CCCD: sửa thông tin trước',
      after: { requestedBy: 'caolanh.tiem' },
    });
    const anew = await ask({ personId: person.id, visitId, reason: 'Đã có giấy khai sinh bản gốc' });
    expect(anew.status).toBe(201);
  });

  it('a supervisor’s own override cannot go around a request: not while it waits, not after it was refused for the same details', async () => {
    const person = await unconfirmedIn();
    const { visitId } = await screenedAt(person, 'DT-CL-01', 'caolanh.admin');
    const override = (as: string) =>
      t.call('POST', `/api/people/${person.id}/identity-override`, { as, body: { reason: 'Tôi tự cho phép' } });
    // The supervisor asks, may not decide their own request, nor override while it waits.
    const sent = await ask({ personId: person.id, visitId, reason: 'Người dân có giấy tờ gốc' }, 'caolanh.admin');
    expect(sent.status).toBe(201);
    expect((await decide(sent.body.id, 'approve', 'Tự duyệt', 'caolanh.admin')).status).toBe(403);
    const whileWaiting = await override('caolanh.admin');
    expect(whileWaiting.status).toBe(409);
    expect(whileWaiting.body).toMatchObject({ error: { code: 'approval_pending' }, existingId: sent.body.id });
    // Another supervisor refuses: the refusal stands against a direct override, by anyone.
    expect((await decide(sent.body.id, 'refuse', 'Không khớp CCCD', 'dongthap.admin')).status).toBe(200);
    for (const as of ['caolanh.admin', 'dongthap.admin']) {
      const after = await override(as);
      expect(after.status).toBe(409);
      expect(after.body.error.code).toBe('approval_refused');
    }
    expect((await dose(visitId, 'caolanh.admin')).status).toBe(422);
    expect((await auditOf(person.id)).map((e) => e.action)).not.toContain('person.identity_override');
    // Details corrected since the refusal: the supervisor may decide on the new ones.
    const corrected = await t.call('PATCH', `/api/people/${person.id}`, {
      as: 'caolanh.admin',
      body: { fullName: `${person.fullName} Sửa`, reason: 'Sửa tên theo giấy tờ' },
    });
    expect(corrected.status).toBe(200);
    expect((await override('caolanh.admin')).status).toBe(200);
    // Out of reach answers as unknown, before anything about requests is said.
    expect((await override('hanoi.admin')).status).toBe(404);
  });

  it('a verified person needs no approval; an unknown person or a visit of someone else is 404', async () => {
    const verified = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    expect((await ask({ personId: verified.id, reason: 'Không cần nhưng cứ gửi' })).body.error.code).toBe(
      'approval_not_needed',
    );
    expect((await ask({ personId: randomUUID(), reason: 'Người không có thật' })).status).toBe(404);
    const person = await unconfirmedIn();
    const { visitId } = await screenedAt(verified);
    const wrong = await ask({ personId: person.id, visitId, reason: 'Lượt tiêm của người khác' });
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.field).toBe('visitId');
  });

  it('a traveller living elsewhere is decided by the site’s district, and their residence’s units see it too', async () => {
    const traveller = await unconfirmedIn('01', { districtCode: '001' });
    const { visitId } = await screenedAt(traveller);
    const sent = await ask({ personId: traveller.id, visitId, reason: 'Người từ Hà Nội về, có CCCD gắn chip' });
    expect(sent.status).toBe(201);
    const hanoi = await t.call('GET', '/api/identity-approvals?status=pending', { as: 'hanoi.admin' });
    expect(hanoi.body.items.some((i: any) => i.id === sent.body.id)).toBe(true);
    const approved = await decide(sent.body.id, 'approve', 'Đối chiếu CCCD gắn chip: đúng người');
    expect(approved.status).toBe(200);
    expect((await dose(visitId)).status).toBe(201);
  });
});

describe('who decides', () => {
  it('a district administrator cannot decide another district’s request (404, as an unknown one) nor see it in the list', async () => {
    // TP Sa Đéc (867): a resident checked in at the Sa Đéc hospital by the province.
    const person = await unconfirmedIn('87', { districtCode: '867' });
    const { visitId } = await screenedAt(person, 'DT-SD-01', 'dongthap.admin');
    const sent = await ask({ personId: person.id, visitId, reason: 'Bệnh viện đề nghị tiêm' }, 'dongthap.admin');
    expect(sent.status).toBe(201);
    expect(sent.body.districtCode).toBe('867');
    const list = await t.call('GET', '/api/identity-approvals', { as: 'caolanh.admin' });
    expect(list.body.items.some((i: any) => i.id === sent.body.id)).toBe(false);
    const outside = await decide(sent.body.id, 'approve', 'Không phải huyện mình');
    const unknown = await decide(randomUUID(), 'approve', 'Không phải huyện mình');
    expect(unknown.status).toBe(404);
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual(unknown.body);
    // Another province's administrator neither; site staff may not decide at all.
    const otherProvince = await decide(sent.body.id, 'approve', 'Tỉnh khác quyết định', 'hanoi.admin');
    expect(otherProvince.status).toBe(404);
    expect(otherProvince.body.error.code).toBe('not_found');
    expect((await decide(sent.body.id, 'approve', 'Nhân viên tự duyệt', 'caolanh.tiem')).status).toBe(403);
    // Nor the one who asked.
    const own = await decide(sent.body.id, 'approve', 'Tự phê duyệt', 'dongthap.admin');
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('approval_own_request');
    // Nothing changed: still pending, no override.
    const person2 = await t.call('GET', `/api/people/${person.id}`, { as: 'admin' });
    expect(person2.body.verification.override).toBeNull();
    expect((await decide(sent.body.id, 'approve', 'Cấp quốc gia phê duyệt', 'admin')).status).toBe(200);
  });

  it('a second decision is refused with 409, also when two supervisors decide at the same moment', async () => {
    const person = await unconfirmedIn();
    const sent = await ask({ personId: person.id, reason: 'Đề nghị phê duyệt tại bàn' });
    expect((await decide(sent.body.id, 'refuse', 'Chưa đủ giấy tờ để xác minh')).status).toBe(200);
    const twice = await decide(sent.body.id, 'approve', 'Đổi ý, phê duyệt', 'dongthap.admin');
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('approval_already_decided');

    const other = await unconfirmedIn();
    const next = await ask({ personId: other.id, reason: 'Đề nghị phê duyệt tại bàn' });
    const both = await Promise.all([
      decide(next.body.id, 'approve', 'Huyện phê duyệt', 'caolanh.admin'),
      decide(next.body.id, 'refuse', 'Tỉnh từ chối', 'dongthap.admin'),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = both.find((r) => r.status === 200)!.body;
    const trail = await auditOf(other.id);
    expect(
      trail.filter((e) => e.action.startsWith('identity_approval.') && e.action !== 'identity_approval.request'),
    ).toHaveLength(1);
    const record = await t.call('GET', `/api/people/${other.id}`, { as: 'admin' });
    expect(record.body.verification.override !== null).toBe(winner.status === 'approved');
  });

  it('details corrected after the request cannot be approved under it (409); refusing it lets the desk ask again', async () => {
    const person = await unconfirmedIn();
    const sent = await ask({ personId: person.id, reason: 'Đề nghị phê duyệt tại bàn' });
    const corrected = await t.call('PATCH', `/api/people/${person.id}`, {
      as: 'caolanh.tiem',
      body: { fullName: `${person.fullName} Anh`, reason: 'Sửa tên theo giấy khai sinh' },
    });
    expect(corrected.status).toBe(200);
    const outdated = await decide(sent.body.id, 'approve', 'Phê duyệt theo đề nghị');
    expect(outdated.status).toBe(409);
    expect(outdated.body.error.code).toBe('approval_outdated');
    expect((await decide(sent.body.id, 'refuse', 'Thông tin đã sửa, gửi lại')).status).toBe(200);
    expect((await ask({ personId: person.id, reason: 'Gửi lại sau khi sửa tên' })).status).toBe(201);
  });
});

describe('all or nothing', () => {
  it('a decision whose last step fails leaves no override, no audit entry and the request pending', async () => {
    const person = await unconfirmedIn();
    const sent = await ask({ personId: person.id, reason: 'Đề nghị phê duyệt tại bàn' });
    const before = (await auditOf(person.id)).length;
    await sql`insert into tc_test_faults values (${sent.body.id})`.execute(t.db);
    const failed = await decide(sent.body.id, 'approve', 'Phê duyệt nhưng lỗi ở bước cuối');
    expect(failed.status).toBe(500);
    const record = await t.call('GET', `/api/people/${person.id}`, { as: 'admin' });
    expect(record.body.verification.override).toBeNull();
    const trail = await auditOf(person.id);
    // The reads of this test are audited; nothing of the decision is.
    expect(trail.slice(before).filter((e) => e.action !== 'person.read')).toEqual([]);
    const row = await t.db
      .selectFrom('identity_approvals')
      .selectAll()
      .where('id', '=', sent.body.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', decided_at: null, decided_by: null });
    await sql`delete from tc_test_faults where target = ${sent.body.id}`.execute(t.db);
    expect((await decide(sent.body.id, 'approve', 'Phê duyệt lại sau sự cố')).status).toBe(200);
  });

  it('a request whose notification fails is not recorded (nor its audit entry)', async () => {
    const person = await unconfirmedIn();
    await sql`insert into tc_test_faults values (${person.id})`.execute(t.db);
    const failed = await ask({ personId: person.id, reason: 'Đề nghị phê duyệt tại bàn' });
    expect(failed.status).toBe(500);
    const rows = await t.db.selectFrom('identity_approvals').select('id').where('person_id', '=', person.id).execute();
    expect(rows).toEqual([]);
    expect((await auditOf(person.id)).some((e) => e.action === 'identity_approval.request')).toBe(false);
    await sql`delete from tc_test_faults where target = ${person.id}`.execute(t.db);
    expect((await ask({ personId: person.id, reason: 'Đề nghị phê duyệt tại bàn' })).status).toBe(201);
  });
});

describe('records that block a vaccine passport', () => {
  it('per unit, neither verified nor approved, with why and the latest request; gone once approved', async () => {
    const person = await unconfirmedIn('87', { districtCode: '866', communeCode: '29866' });
    const sent = await ask({ personId: person.id, reason: 'Đề nghị phê duyệt tại bàn' });
    const list = await t.call('GET', '/api/identity-approvals/blocked', { as: 'caolanh.admin' });
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: any) => i.personId === person.id);
    expect(item).toMatchObject({
      why: 'not_found',
      idNumberMasked: expect.stringMatching(/^\d{3}\*+\d{3}$/),
      approval: { id: sent.body.id, status: 'pending' },
    });
    // Counted per commune of the district.
    expect(list.body.units.find((u: any) => u.code === '29866')).toMatchObject({ count: expect.any(Number) });
    expect(list.body.units.every((u: any) => u.code === null || u.code.length === 5)).toBe(true);
    expect(list.body.total).toBe(list.body.units.reduce((s: number, u: any) => s + u.count, 0));
    // The province counts per district, the nation per province; another province sees none of it.
    const province = await t.call('GET', '/api/identity-approvals/blocked', { as: 'dongthap.admin' });
    expect(province.body.units.find((u: any) => u.code === '866')).toMatchObject({
      name: expect.stringContaining('Cao Lãnh'),
    });
    const nation = await t.call('GET', '/api/identity-approvals/blocked?unitCode=87', { as: 'admin' });
    expect(nation.body.items.some((i: any) => i.personId === person.id)).toBe(true);
    const hanoi = await t.call('GET', '/api/identity-approvals/blocked', { as: 'hanoi.admin' });
    expect(hanoi.body.items.some((i: any) => i.personId === person.id)).toBe(false);
    const elsewhere = await t.call('GET', '/api/identity-approvals/blocked?unitCode=867', { as: 'caolanh.admin' });
    expect(elsewhere.body).toMatchObject({ items: [], total: 0 });

    await decide(sent.body.id, 'approve', 'Đối chiếu giấy tờ gốc: đúng người');
    const after = await t.call('GET', '/api/identity-approvals/blocked', { as: 'caolanh.admin' });
    expect(after.body.items.some((i: any) => i.personId === person.id)).toBe(false);
  });
});
