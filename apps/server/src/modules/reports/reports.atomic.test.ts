import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia, otherCccd, reportBodyAbout } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';

/**
 * A correction that answers a citizen's report crosses modules (doses, people, certificates,
 * reports, SMS): it runs in the one transaction its route opens (db/transaction.ts unitOfWork) and
 * commits as one or not at all. Each test calls the route and makes the workflow's last step fail
 * — a trigger in the real database refuses the write for that one report or person — and finds
 * nothing of the earlier steps committed.
 */
const t = await useTestApp();
const PFIZER = 'EU/1/20/1528';

beforeAll(async () => {
  await sql`
    create table tc_test_faults (target text primary key);
    create function tc_test_fault() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from tc_test_faults
                 where target = coalesce(to_jsonb(new) ->> 'report_id', to_jsonb(new) ->> 'person_id')) then
        raise exception 'injected failure (test)';
      end if;
      return new;
    end;
    $$;
    create trigger tc_test_fault before insert on report_actions for each row execute function tc_test_fault();
    create trigger tc_test_fault before insert on certificates for each row execute function tc_test_fault();
  `.execute(t.db);
});

/** Makes the next write of a report's action (or a person's certificate) fail. */
const failWritesFor = (target: string) => sql`insert into tc_test_faults values (${target})`.execute(t.db);

/** A Đồng Tháp person, a report about them linked to their record, as the province's handler sees it. */
async function linkedReport(category: string) {
  const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866', communeCode: '29866' }));
  const filed = await t.call('POST', '/api/portal/reports', {
    ip: `10.88.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    body: reportBodyAbout(p, { category, description: 'Thông tin chưa đúng' }),
  });
  expect(filed.status).toBe(201);
  const report = (await t.call('GET', `/api/reports?trackingCode=${filed.body.trackingCode}`, { as: 'admin' })).body
    .items[0];
  const linked = await t.call('POST', `/api/reports/${report.id}/person`, {
    as: 'dongthap.phananh',
    body: { personId: p.id },
  });
  expect(linked.status).toBe(200);
  return { person: p, report };
}

const smsKinds = async (to: string) =>
  (
    (await t.call('GET', `/api/admin/sms-outbox?to=${to}&limit=500`, { as: 'admin' })).body.items as { kind: string }[]
  ).map((m) => m.kind);

const reportStatus = async (id: string) =>
  (await t.call('GET', `/api/reports/${id}`, { as: 'dongthap.phananh' })).body as {
    status: string;
    actions: { action: string }[];
  };

describe('a report’s correction commits as one, or not at all', () => {
  it('registering the person from the report: when the report’s action cannot be written, no record is created', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const filed = await t.call('POST', '/api/portal/reports', {
      ip: `10.89.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      body: reportBodyAbout(body, { provinceCode: '87' }),
    });
    expect(filed.status).toBe(201);
    const report = (await t.call('GET', `/api/reports?trackingCode=${filed.body.trackingCode}`, { as: 'admin' })).body
      .items[0];
    expect(report.personId).toBeNull();
    await failWritesFor(report.id);
    const res = await t.call('POST', `/api/reports/${report.id}/person`, {
      as: 'admin',
      body: { create: true, provinceCode: '87' },
    });
    expect(res.status).toBe(500);
    const found = await t.call('GET', `/api/people?idNumber=${body.idNumber}`, { as: 'admin' });
    expect(found.body.items).toEqual([]);
    const after = await t.call('GET', `/api/reports/${report.id}`, { as: 'admin' });
    expect(after.body.personId).toBeNull();
    expect(after.body.actions).toEqual([]);
  });

  it('adding the missing dose: when the report’s action cannot be written, the dose is not recorded', async () => {
    const { person, report } = await linkedReport('missing_dose');
    const before = await reportStatus(report.id);
    await failWritesFor(report.id);
    const res = await t.call('POST', `/api/reports/${report.id}/actions/add-dose`, {
      as: 'dongthap.phananh',
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn: '2021-10-15', facilityId: 'DT-CL-01' },
    });
    expect(res.status).toBe(500);
    expect((await t.call('GET', `/api/people/${person.id}/doses`, { as: 'admin' })).body.items).toEqual([]);
    const after = await reportStatus(report.id);
    expect(after.status).toBe(before.status);
    expect(after.actions.map((a) => a.action)).toEqual(before.actions.map((a) => a.action));
  });

  it('correcting a dose: when the report’s action cannot be written, the dose keeps its date', async () => {
    const { person, report } = await linkedReport('wrong_dose');
    const dose = await t.call('POST', `/api/people/${person.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn: '2021-10-15', facilityId: 'DT-CL-01' },
    });
    expect(dose.status).toBe(201);
    await failWritesFor(report.id);
    const res = await t.call('POST', `/api/reports/${report.id}/actions/correct-dose`, {
      as: 'dongthap.phananh',
      body: { doseId: dose.body.id, administeredOn: '2021-10-16' },
    });
    expect(res.status).toBe(500);
    const doses = (await t.call('GET', `/api/people/${person.id}/doses`, { as: 'admin' })).body.items;
    expect(doses.map((d: any) => d.administeredOn)).toEqual(['2021-10-15']);
  });

  it('correcting the person: when the report’s action cannot be written, the record is unchanged', async () => {
    const { person, report } = await linkedReport('wrong_personal_info');
    await failWritesFor(report.id);
    const res = await t.call('POST', `/api/reports/${report.id}/actions/correct-person`, {
      as: 'dongthap.phananh',
      body: { address: 'Số 5 đường Nguyễn Huệ', reason: 'Công dân báo sai địa chỉ' },
    });
    expect(res.status).toBe(500);
    const now = (await t.call('GET', `/api/people/${person.id}`, { as: 'admin' })).body;
    expect(now.address).toBe(person.address);
  });

  it('merging a duplicate: when the report’s action cannot be written, both records stay', async () => {
    const { person, report } = await linkedReport('wrong_personal_info');
    const twin = await createPersonVia(t, {
      ...buildPersonIn('87', { districtCode: '866' }),
      fullName: person.fullName,
      dateOfBirth: person.dateOfBirth,
      gender: person.gender,
      phone: person.phone,
      idNumber: otherCccd(person.idNumber),
    });
    await failWritesFor(report.id);
    const res = await t.call('POST', `/api/reports/${report.id}/actions/merge`, {
      as: 'dongthap.phananh',
      body: { duplicateId: twin.id },
    });
    expect(res.status).toBe(500);
    const still = await t.call('GET', `/api/people/${twin.id}`, { as: 'admin' });
    expect(still.status).toBe(200);
    expect(still.body.id).toBe(twin.id);
  });

  it('resolving as corrected: when the certificate cannot be reissued, the report stays open', async () => {
    const { person, report } = await linkedReport('wrong_personal_info');
    const dose = await t.call('POST', `/api/people/${person.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn: '2021-10-15', facilityId: 'DT-CL-01' },
    });
    expect(dose.status).toBe(201);
    await failWritesFor(person.id);
    const res = await t.call('POST', `/api/reports/${report.id}/resolution`, {
      as: 'dongthap.phananh',
      body: { outcome: 'corrected', note: 'Đã bổ sung thông tin' },
    });
    expect(res.status).toBe(500);
    const after = await reportStatus(report.id);
    expect(after.status).not.toBe('resolved');
    expect(after.actions.map((a) => a.action)).not.toContain('resolve');
    // The outcome's SMS was queued in the same transaction: it went with the rollback.
    expect(await smsKinds(person.phone)).not.toContain('report_resolved');
  });
});
