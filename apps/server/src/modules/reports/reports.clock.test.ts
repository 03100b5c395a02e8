import { reportDueAt } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/harness.js';

// The 48-hour clock as the running server applies it: due times from core's rule, and the
// escalation job on its own timer — the identity re-check is off (RECHECK_INTERVAL_MS=0, as in
// every test) and must not take the escalation with it.
const received = new Date('2021-11-06T01:02:03.456Z');
let now = received;
const t = await useTestApp({
  config: { RECHECK_INTERVAL_MS: '0', REPORT_ESCALATION_INTERVAL_MS: '20' },
  deps: { clock: () => now },
});

async function fileReport(phoneSuffix: string) {
  const res = await t.call('POST', '/api/portal/reports', {
    ip: `10.77.0.${phoneSuffix}`,
    body: {
      category: 'missing_dose',
      fullName: 'Lý Thị Hoa',
      dateOfBirth: '1990-02-02',
      gender: 'female',
      phone: `091200${phoneSuffix.padStart(4, '0')}`,
      idNumber: '001190000222',
      description: 'Chưa thấy mũi tiêm trên hệ thống',
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { trackingCode: string; receivedAt: string; dueAt: string };
}

describe("the server's 48-hour clock is core's", () => {
  it("a report filed through the portal is due at core's reportDueAt of its receipt", async () => {
    now = received;
    const receipt = await fileReport('1');
    expect(receipt.receivedAt).toBe(received.toISOString());
    expect(receipt.dueAt).toBe(reportDueAt(received).toISOString());
    const found = await t.call('GET', `/api/reports?trackingCode=${receipt.trackingCode}`, { as: 'admin' });
    expect(found.body.items[0]).toMatchObject({
      receivedAt: received.toISOString(),
      dueAt: reportDueAt(received).toISOString(),
      overdue: false,
    });
  });

  it('with RECHECK_INTERVAL_MS=0 the escalation job still escalates a report once its due time has passed', async () => {
    now = received;
    const receipt = await fileReport('2');
    const id = (await t.call('GET', `/api/reports?trackingCode=${receipt.trackingCode}`, { as: 'admin' })).body.items[0]
      .id as string;
    const detail = async () => (await t.call('GET', `/api/reports/${id}`, { as: 'admin' })).body;
    // Due, not yet past: the job leaves it alone.
    now = reportDueAt(received);
    await new Promise((r) => setTimeout(r, 200));
    expect(await detail()).toMatchObject({ overdue: false, escalatedAt: null });
    // Past due: the job, not the test, escalates it.
    now = new Date(reportDueAt(received).getTime() + 1);
    const deadline = Date.now() + 10_000;
    let d = await detail();
    while (d.escalatedAt === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      d = await detail();
    }
    expect(d).toMatchObject({ overdue: true, escalatedAt: now.toISOString() });
  });
});
