import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia, reportBodyAbout } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { listAudit } from '../audit/audit.service.js';

const now = new Date('2021-11-20T02:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });
const PFIZER = 'EU/1/20/1528';

/** What the person's page reads beside the record: the doses, the certificates issued, the reports. */
describe('a person’s page: certificates issued and reports about the person', () => {
  it('lists the certificates, the current one valid and the one it replaced superseded (when, by which), audited', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const person = await createPersonVia(t, body);
    const dose = (administeredOn: string) =>
      t.call('POST', `/api/people/${person.id}/doses`, {
        as: 'caolanh.tiem',
        body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
      });
    const none = await t.call('GET', `/api/people/${person.id}/certificates`, { as: 'caolanh.tiem' });
    expect(none.status).toBe(200);
    expect(none.body.items).toEqual([]);

    expect((await dose('2021-09-01')).status).toBe(201);
    const first = await t.call('GET', `/api/people/${person.id}/certificate`, { as: 'caolanh.tiem' });
    expect((await dose('2021-10-15')).status).toBe(201);
    const second = await t.call('GET', `/api/people/${person.id}/certificate`, { as: 'caolanh.tiem' });
    expect(second.body.ci).not.toBe(first.body.ci);

    const list = await t.call('GET', `/api/people/${person.id}/certificates`, { as: 'caolanh.admin' });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      {
        ci: second.body.ci,
        status: 'complete',
        state: 'valid',
        issuedAt: now.toISOString(),
        expiresAt: expect.any(String),
        supersededAt: null,
        supersedeReason: null,
        supersededByCi: null,
      },
      {
        ci: first.body.ci,
        status: 'partial',
        state: 'superseded',
        issuedAt: now.toISOString(),
        expiresAt: expect.any(String),
        supersededAt: now.toISOString(),
        // A second dose: the first certificate stays valid for what it states (not a correction).
        supersedeReason: 'new_dose',
        supersededByCi: second.body.ci,
      },
    ]);
    const trail = await listAudit(t.db, 'person', person.id);
    expect(trail).toContainEqual(
      expect.objectContaining({ action: 'certificate.list', actor_username: 'caolanh.admin' }),
    );
    expect(trail).toContainEqual(expect.objectContaining({ action: 'person.read', actor_username: 'caolanh.admin' }));
  });

  it('lists the reports about the person — status and deadline, not their content — audited', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const person = await createPersonVia(t, body);
    const filed = await t.call('POST', '/api/portal/reports', { body: reportBodyAbout(body) });
    expect(filed.status).toBe(201);

    const res = await t.call('GET', `/api/people/${person.id}/reports`, { as: 'caolanh.tiem' });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        id: expect.any(String),
        trackingCode: filed.body.trackingCode,
        category: 'wrong_personal_info',
        status: 'received',
        receivedAt: now.toISOString(),
        dueAt: filed.body.dueAt,
        overdue: false,
        resolvedAt: null,
        outcome: null,
      },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('Thông tin trên hệ thống chưa đúng');
    expect(await listAudit(t.db, 'person', person.id)).toContainEqual(
      expect.objectContaining({ action: 'report.list_of_person', actor_username: 'caolanh.tiem' }),
    );
  });

  it('is scoped like the record: 404 outside the caller’s units', async () => {
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    for (const path of ['certificates', 'reports']) {
      expect((await t.call('GET', `/api/people/${person.id}/${path}`, { as: 'hanoi.admin' })).status, path).toBe(404);
      expect((await t.call('GET', `/api/people/${person.id}/${path}`, { as: 'dongthap.admin' })).status, path).toBe(
        200,
      );
      expect((await t.call('GET', `/api/people/${person.id}/${path}`)).status, path).toBe(401);
    }
  });
});
