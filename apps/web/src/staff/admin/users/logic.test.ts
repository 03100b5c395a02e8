import { describe, expect, it } from 'vitest';
import { anchorOf, callerScope, canManage, filtersFrom, NO_PLACE, paramsFrom, placeSteps } from './logic';

const province = callerScope({ role: 'province_admin', unitCode: '87' });
const district = callerScope({ role: 'district_admin', unitCode: '866' });
const nation = callerScope({ role: 'national_admin', unitCode: null });

describe('where a new account is anchored', () => {
  it('reads the caller’s scope from the account’s unit', () => {
    expect(province).toEqual({ kind: 'province', provinceCode: '87' });
    expect(district).toEqual({ kind: 'district', districtCode: '866' });
    expect(nation).toEqual({ kind: 'nation' });
  });

  it('asks a province administrator for the district of a district administrator and the facility of site staff', () => {
    expect(placeSteps('district_admin', province)).toEqual({
      province: false,
      district: 'required',
      commune: false,
      facility: false,
    });
    expect(placeSteps('site_staff', province)).toMatchObject({ district: 'optional', facility: 'required' });
    expect(anchorOf('site_staff', province, NO_PLACE)).toEqual({ ok: false, missing: 'facility' });
    expect(anchorOf('site_staff', province, { ...NO_PLACE, district: '867', facility: 'DT-SD-01' })).toEqual({
      ok: true,
      facilityId: 'DT-SD-01',
    });
    expect(anchorOf('district_admin', province, NO_PLACE)).toEqual({ ok: false, missing: 'district' });
    expect(anchorOf('district_admin', province, { ...NO_PLACE, district: '867' })).toEqual({
      ok: true,
      unitCode: '867',
    });
  });

  it('anchors a report handler at the deepest place chosen, the province when none', () => {
    expect(anchorOf('report_handler', province, NO_PLACE)).toEqual({ ok: true, unitCode: '87' });
    expect(anchorOf('report_handler', province, { ...NO_PLACE, district: '866' })).toEqual({
      ok: true,
      unitCode: '866',
    });
    expect(anchorOf('report_handler', province, { ...NO_PLACE, district: '866', commune: '29866' })).toEqual({
      ok: true,
      unitCode: '29866',
    });
    // A district administrator's district is fixed: never the province.
    expect(placeSteps('report_handler', district)).toMatchObject({ province: false, district: 'fixed' });
    expect(anchorOf('report_handler', district, NO_PLACE)).toEqual({ ok: true, unitCode: '866' });
  });

  it('a national administrator picks the province first; a national account has no place', () => {
    expect(placeSteps('province_admin', nation)).toMatchObject({ province: 'required', district: false });
    expect(anchorOf('province_admin', nation, NO_PLACE)).toEqual({ ok: false, missing: 'province' });
    expect(anchorOf('province_admin', nation, { ...NO_PLACE, province: '79' })).toEqual({
      ok: true,
      unitCode: '79',
    });
    expect(placeSteps('national_admin', nation)).toEqual({
      province: false,
      district: false,
      commune: false,
      facility: false,
    });
    expect(anchorOf('national_admin', nation, NO_PLACE)).toEqual({ ok: true });
  });
});

describe('which accounts the screen offers to change', () => {
  it('never one’s own, never one at or above one’s own role (but the national administrator’s peers)', () => {
    const me = { role: 'province_admin' as const, username: 'dongthap.admin' };
    expect(canManage(me, { role: 'site_staff', username: 'x' })).toBe(true);
    expect(canManage(me, { role: 'province_admin', username: 'y' })).toBe(false);
    expect(canManage(me, { role: 'province_admin', username: 'dongthap.admin' })).toBe(false);
    expect(canManage({ role: 'national_admin', username: 'admin' }, { role: 'national_admin', username: 'b' })).toBe(
      true,
    );
  });
});

describe('the list’s filters in the address bar', () => {
  it('round-trip, unknown values dropped', () => {
    const filters = { q: 'hồng', role: 'site_staff' as const, state: 'disabled' as const, unitCode: '866' };
    expect(filtersFrom(paramsFrom(filters))).toEqual(filters);
    expect(filtersFrom(new URLSearchParams('role=boss&state=gone&unitCode=abc&q=%20'))).toEqual({});
  });
});
