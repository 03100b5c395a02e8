import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import ExcelJS from '../../lib/exceljs.js';
import { buildPersonIn, createPersonVia, screenedVisit } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';

/**
 * Possible unrecorded doses per facility (`GET /api/stats/unrecorded`): vials opened in closed
 * sessions × doses per vial against the doses recorded in them, equal to a direct count, scoped.
 */

const start = new Date('2021-11-20T02:00:00Z');
let now = start;
const t = await useTestApp({ deps: { clock: () => now } });
const PFIZER = 'EU/1/20/1528';

/** A session at the facility today with `vaccinated` people given a dose, closed with `vials` vials opened. */
async function closedSession(as: string, facilityId: string, province: string, vaccinated: number, vials: number) {
  const session = await t.call('POST', '/api/sessions', {
    as,
    body: { facilityId, sessionDate: now.toISOString().slice(0, 10), lotNumbers: ['FF2587'] },
  });
  expect(session.status, JSON.stringify(session.body)).toBe(201);
  const visits: string[] = [];
  for (let i = 0; i < vaccinated; i++) {
    const p = await createPersonVia(t, buildPersonIn(province), as);
    const visitId = await screenedVisit(t, session.body.id, p.id, { as });
    const dose = await t.call('POST', `/api/visits/${visitId}/dose`, {
      as,
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
    });
    expect(dose.status, JSON.stringify(dose.body)).toBe(201);
    visits.push(visitId);
  }
  now = new Date(now.getTime() + 31 * 60_000);
  const closed = await t.call('POST', `/api/sessions/${session.body.id}/close`, {
    as,
    body: {
      lots: [{ lotNumber: 'FF2587', vialsOpened: vials }],
      visits: visits.map((visitId) => ({ visitId, outcome: 'done' })),
    },
  });
  expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  return session.body.id as string;
}

/** Direct count: closed sessions of a facility in the dates, their vials, doses held and doses recorded. */
async function counted(facilityId: string, from: string, to: string) {
  const r = await sql<Record<string, string | number | null>>`
    select count(distinct s.id) as sessions,
      (select coalesce(sum(l.vials_opened), 0) from session_lots l join vaccination_sessions x on x.id = l.session_id
        where x.facility_id = ${facilityId} and x.status = 'closed' and x.session_date between ${from} and ${to}) as vials,
      (select coalesce(sum(l.vials_opened * l.doses_per_vial), 0) from session_lots l join vaccination_sessions x on x.id = l.session_id
        where x.facility_id = ${facilityId} and x.status = 'closed' and x.session_date between ${from} and ${to}) as held,
      (select count(*) from doses d join vaccination_sessions x on x.id = d.session_id
        where x.facility_id = ${facilityId} and x.status = 'closed' and x.session_date between ${from} and ${to}
          and d.duplicate_of is null) as recorded
    from vaccination_sessions s
    where s.facility_id = ${facilityId} and s.status = 'closed' and s.session_date between ${from} and ${to}`.execute(
    t.db,
  );
  const x = r.rows[0]!;
  return {
    sessions: Number(x.sessions),
    vialsOpened: Number(x.vials),
    dosesInVials: Number(x.held),
    dosesRecorded: Number(x.recorded),
  };
}

describe('possible unrecorded doses', () => {
  it('per facility: vials × doses per vial against doses recorded, equal to a direct count, in the dates, scoped', async () => {
    // Cao Lãnh: two sessions (3 doses from 1 vial of 6; 2 doses from 2 vials of 6), Hà Nội: one.
    await closedSession('caolanh.tiem', 'DT-CL-01', '87', 3, 1);
    now = new Date('2021-11-22T02:00:00Z');
    await closedSession('caolanh.tiem', 'DT-CL-01', '87', 2, 2);
    await closedSession('hanoi.tiem', 'HN-BD-01', '01', 1, 1);
    // An open session counts for nothing yet (its vials are counted at close).
    const open = await t.call('POST', '/api/sessions', {
      as: 'caolanh.tiem',
      body: { facilityId: 'DT-CL-01', sessionDate: '2021-11-22', lotNumbers: ['FF2587'] },
    });
    expect(open.status).toBe(201);

    const nation = (await t.call('GET', '/api/stats/unrecorded', { as: 'admin' })).body;
    expect(nation.unit).toMatchObject({ level: 'nation', code: '' });
    const from = '2021-10-24';
    const to = '2021-11-22';
    for (const facility of ['DT-CL-01', 'HN-BD-01']) {
      const expected = await counted(facility, from, to);
      const row = nation.rows.find((r: any) => r.code === facility);
      expect(row, facility).toMatchObject({
        level: 'facility',
        ...expected,
        gap: Math.max(0, expected.dosesInVials - expected.dosesRecorded),
      });
    }
    expect(nation.rows.find((r: any) => r.code === 'DT-CL-01')).toMatchObject({
      name: 'Trạm Y tế Phường 1, TP Cao Lãnh',
      sessions: 2,
      vialsOpened: 3,
      dosesInVials: 18,
      dosesRecorded: 5,
      gap: 13,
    });
    // Sorted by the gap, largest first.
    expect(nation.rows.map((r: any) => r.gap)).toEqual([...nation.rows.map((r: any) => r.gap)].sort((a, b) => b - a));

    // The province sees its facilities only; site staff their own; dates narrow the sessions.
    const province = (await t.call('GET', '/api/stats/unrecorded', { as: 'dongthap.admin' })).body;
    expect(province.rows.map((r: any) => r.code)).toEqual(['DT-CL-01']);
    const site = (await t.call('GET', '/api/stats/unrecorded', { as: 'caolanh.tiem' })).body;
    expect(site.unit).toMatchObject({ level: 'facility', code: 'DT-CL-01' });
    expect(site.rows).toHaveLength(1);
    const day = (await t.call('GET', '/api/stats/unrecorded?from=2021-11-22&to=2021-11-22', { as: 'caolanh.tiem' }))
      .body;
    expect(day.rows[0]).toMatchObject({ sessions: 1, ...(await counted('DT-CL-01', '2021-11-22', '2021-11-22')) });
    const scheme2025 = await t.call('GET', '/api/stats/unrecorded?scheme=2025', { as: 'caolanh.tiem' });
    expect(scheme2025.status).toBe(403);
    const other = await t.call('GET', '/api/stats/unrecorded?level=province&code=01', { as: 'dongthap.admin' });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('out_of_scope');
    const tooLong = await t.call('GET', '/api/stats/unrecorded?from=2020-01-01&to=2021-11-22', { as: 'admin' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toMatchObject({ code: 'stats_range_too_long', field: 'from' });

    const xlsx = await t.call('GET', '/api/stats/unrecorded?format=xlsx', { as: 'dongthap.admin' });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="thong-ke-lieu-chua-ghi-nhan-87.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.raw.rawPayload as unknown as ArrayBuffer);
    const row = wb.worksheets[0]!.getRow(2);
    expect([row.getCell(1).value, row.getCell(4).value, row.getCell(7).value]).toEqual(['DT-CL-01', 3, 13]);
  });
});
