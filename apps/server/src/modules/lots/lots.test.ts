import { describe, expect, it } from 'vitest';
import { uniq, useTestApp } from '../../test/harness.js';

const t = await useTestApp({ deps: { clock: () => new Date('2021-11-20T02:00:00Z') } });
const PFIZER = 'EU/1/20/1528';

async function receive(as: string, over: Record<string, unknown> = {}) {
  const lotNumber = uniq('FK').toUpperCase();
  const res = await t.call('POST', '/api/lots', {
    as,
    body: { vaccineCode: PFIZER, lotNumber, expiresOn: '2022-06-30', doses: 1200, receivedOn: '2021-11-15', ...over },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('vaccine lots and stock', () => {
  it('a province receives a lot, allocates to a district and a facility; each holder sees its stock', async () => {
    const lot = await receive('dongthap.admin');
    expect(
      (
        await t.call('POST', `/api/lots/${lot.id}/allocations`, {
          as: 'dongthap.admin',
          body: { doses: 500, toDistrictCode: '866' },
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await t.call('POST', `/api/lots/${lot.id}/allocations`, {
          as: 'caolanh.admin',
          body: { doses: 120, toFacilityId: 'DT-CL-01' },
        })
      ).status,
    ).toBe(204);

    const province = (
      await t.call('GET', `/api/lots?vaccineCode=${encodeURIComponent(PFIZER)}`, { as: 'dongthap.admin' })
    ).body.items.find((l: any) => l.id === lot.id);
    expect(province).toMatchObject({ dosesReceived: 1200, dosesAllocated: 500, dosesRemaining: 700 });
    const district = (await t.call('GET', '/api/lots', { as: 'caolanh.admin' })).body.items.find(
      (l: any) => l.id === lot.id,
    );
    expect(district).toMatchObject({ dosesReceived: 500, dosesAllocated: 120, dosesRemaining: 380 });
    const facility = (await t.call('GET', '/api/lots?facilityId=DT-CL-01', { as: 'caolanh.tiem' })).body.items.find(
      (l: any) => l.id === lot.id,
    );
    expect(facility).toMatchObject({ dosesReceived: 120, dosesRemaining: 120, dosesPerVial: 6 });
  });

  it('never allocates more than the holder has left (409 insufficient_stock)', async () => {
    const lot = await receive('dongthap.admin', { doses: 100 });
    const res = await t.call('POST', `/api/lots/${lot.id}/allocations`, {
      as: 'dongthap.admin',
      body: { doses: 101, toFacilityId: 'DT-SD-01' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'insufficient_stock', field: 'doses' });
    expect(res.body.error.message).toMatch(/chỉ còn 100 liều/);
  });

  it('two allocations racing for the last doses: one wins', async () => {
    const lot = await receive('dongthap.admin', { doses: 100 });
    const results = await Promise.all([
      t.call('POST', `/api/lots/${lot.id}/allocations`, {
        as: 'dongthap.admin',
        body: { doses: 80, toFacilityId: 'DT-SD-01' },
      }),
      t.call('POST', `/api/lots/${lot.id}/allocations`, {
        as: 'dongthap.admin',
        body: { doses: 80, toFacilityId: 'DT-CL-01' },
      }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
  });

  it('a province cannot allocate to another province’s facility; site staff cannot receive lots', async () => {
    const lot = await receive('dongthap.admin');
    expect(
      (
        await t.call('POST', `/api/lots/${lot.id}/allocations`, {
          as: 'dongthap.admin',
          body: { doses: 10, toFacilityId: 'HN-BD-01' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.call('POST', '/api/lots', {
          as: 'caolanh.tiem',
          body: { vaccineCode: PFIZER, lotNumber: 'X1', expiresOn: '2022-01-01', doses: 1, receivedOn: '2021-11-01' },
        })
      ).status,
    ).toBe(403);
  });

  it('warns of lots expiring within 30 days, and of expired ones', async () => {
    const soon = await receive('dongthap.admin', { expiresOn: '2021-12-10' });
    const gone = await receive('dongthap.admin', { expiresOn: '2021-11-19' });
    const items = (await t.call('GET', '/api/lots', { as: 'dongthap.admin' })).body.items;
    expect(items.find((l: any) => l.id === soon.id)).toMatchObject({ expiresSoon: true, expired: false });
    expect(items.find((l: any) => l.id === gone.id)).toMatchObject({ expired: true });
  });

  it('a receipt is dated from the first vaccine approval to today in Vietnam; another day is refused and not stocked', async () => {
    for (const receivedOn of ['2021-11-21', '2099-06-01', '1990-06-01', '2021-01-31']) {
      const lotNumber = uniq('FD').toUpperCase();
      const res = await t.call('POST', '/api/lots', {
        as: 'dongthap.admin',
        body: { vaccineCode: PFIZER, lotNumber, expiresOn: '2100-01-01', doses: 10, receivedOn },
      });
      expect(res.status, receivedOn).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'lot_receipt_date_out_of_range',
        field: 'receivedOn',
        message: 'Ngày nhận lô phải trong khoảng từ 01/02/2021 đến 20/11/2021.',
      });
      const items = (await t.call('GET', '/api/lots', { as: 'dongthap.admin' })).body.items;
      expect(items.some((l: any) => l.lotNumber === lotNumber)).toBe(false);
    }
    const today = await receive('dongthap.admin', { receivedOn: '2021-11-20' });
    const first = await receive('dongthap.admin', { receivedOn: '2021-02-01' });
    const items = (await t.call('GET', '/api/lots', { as: 'dongthap.admin' })).body.items;
    expect(items.find((l: any) => l.id === today.id)).toMatchObject({ dosesReceived: 1200 });
    expect(items.find((l: any) => l.id === first.id)).toMatchObject({ dosesReceived: 1200 });
  });

  it('the same lot number cannot be received with another expiry date', async () => {
    const lot = await receive('dongthap.admin');
    const res = await t.call('POST', '/api/lots', {
      as: 'hanoi.admin',
      body: {
        vaccineCode: PFIZER,
        lotNumber: lot.lotNumber,
        expiresOn: '2023-01-01',
        doses: 10,
        receivedOn: '2021-11-16',
      },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.field).toBe('expiresOn');
  });
});
