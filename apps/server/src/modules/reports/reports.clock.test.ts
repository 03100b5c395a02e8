import { isOverdue, reportDueAt, resolvedOnTime } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/harness.js';
import { overdueFilter, resolvedOnTimeFilter } from './reports.overdue.js';

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

  it("the SQL conditions of the queue, the escalation and the campaign counts say what core's isOverdue and resolvedOnTime say", async () => {
    now = received;
    const ids: string[] = [];
    for (const n of ['3', '4', '5']) {
      const receipt = await fileReport(n);
      ids.push(
        (await t.call('GET', `/api/reports?trackingCode=${receipt.trackingCode}`, { as: 'admin' })).body.items[0].id,
      );
    }
    const due = reportDueAt(received).getTime();
    const resolveAt = async (id: string, at: number) => {
      now = new Date(at);
      const res = await t.call('POST', `/api/reports/${id}/resolution`, {
        as: 'hanoi.phananh',
        body: { outcome: 'rejected', reason: 'other', note: 'Không đủ thông tin' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    await resolveAt(ids[0]!, due - 3_600_000); // on time
    await resolveAt(ids[1]!, due + 3_600_000); // late; ids[2] stays open
    for (const at of [received.getTime(), due - 1, due, due + 1, due + 7_200_000]) {
      const instant = new Date(at);
      const rows = await t.db
        .selectFrom('reports')
        .select(['id', 'due_at', 'resolved_at'])
        .select([overdueFilter(instant).as('overdue'), resolvedOnTimeFilter().as('on_time')])
        .execute();
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const r of rows) {
        const report = { dueAt: r.due_at, resolvedAt: r.resolved_at };
        expect(r.overdue, `${r.id} at ${instant.toISOString()}`).toBe(isOverdue(report, instant));
        expect(r.on_time, r.id).toBe(resolvedOnTime(report));
      }
      // The queue's filter, through the API at that instant.
      now = instant;
      const listed = (await t.call('GET', '/api/reports?overdue=true&limit=5000', { as: 'admin' })).body.items.map(
        (x: { id: string }) => x.id,
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of ids) {
        const r = byId.get(id)!;
        expect(listed.includes(id), `${id} listed at ${instant.toISOString()}`).toBe(
          isOverdue({ dueAt: r.due_at, resolvedAt: r.resolved_at }, instant),
        );
      }
    }
  });
});
