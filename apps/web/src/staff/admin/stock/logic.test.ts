import { describe, expect, it } from 'vitest';
import { allocatableLots, allocateErrors, daysBetween, expiryState, positiveInt, receiveErrors } from './logic';

describe('expiry', () => {
  it('counts whole days and names the state the server flagged', () => {
    expect(daysBetween('2021-11-20', '2021-12-10')).toBe(20);
    expect(daysBetween('2021-11-20', '2021-11-19')).toBe(-1);
    expect(expiryState({ expired: true, expiresSoon: false, expiresOn: '2021-11-19' }, '2021-11-20')).toEqual({
      kind: 'expired',
    });
    expect(expiryState({ expired: false, expiresSoon: true, expiresOn: '2021-12-10' }, '2021-11-20')).toEqual({
      kind: 'soon',
      days: 20,
    });
    expect(expiryState({ expired: false, expiresSoon: false, expiresOn: '2027-12-31' }, '2021-11-20')).toEqual({
      kind: 'ok',
    });
  });

  it('allocates only lots with doses left that have not expired, the soonest first', () => {
    const lots = [
      { id: 'a', dosesRemaining: 10, expired: false, expiresOn: '2022-06-30' },
      { id: 'b', dosesRemaining: 0, expired: false, expiresOn: '2022-01-01' },
      { id: 'c', dosesRemaining: 5, expired: true, expiresOn: '2021-11-01' },
      { id: 'd', dosesRemaining: 5, expired: false, expiresOn: '2021-12-10' },
    ];
    expect(allocatableLots(lots).map((l) => l.id)).toEqual(['d', 'a']);
  });
});

describe('the forms’ checks', () => {
  const receipt = {
    provinceCode: '',
    vaccineCode: 'EU/1/20/1528',
    lotNumber: 'FK1',
    expiresOn: '2022-06-30',
    doses: '1200',
    receivedOn: '2021-11-15',
    dosesPerVial: '',
  };

  it('a receipt: the province only where the user has none, the expiry not before the receipt', () => {
    expect(receiveErrors(receipt, false)).toEqual({});
    expect(receiveErrors(receipt, true)).toEqual({ provinceCode: 'province' });
    expect(receiveErrors({ ...receipt, expiresOn: '2021-11-14' }, false)).toEqual({ expiresOn: 'expiredOnReceipt' });
    // The date received: from the first vaccine approval to today in Vietnam, as the server holds it.
    expect(receiveErrors(receipt, false, '2021-11-15')).toEqual({});
    expect(receiveErrors({ ...receipt, receivedOn: '2021-11-16' }, false, '2021-11-15')).toEqual({
      receivedOn: 'receivedOnRange',
    });
    expect(receiveErrors({ ...receipt, receivedOn: '1990-06-01' }, false, '2021-11-15')).toEqual({
      receivedOn: 'receivedOnRange',
    });
    expect(receiveErrors({ ...receipt, doses: '12.5', dosesPerVial: '60', lotNumber: ' ' }, false)).toEqual({
      doses: 'doses',
      dosesPerVial: 'dosesPerVial',
      lotNumber: 'lotNumber',
    });
  });

  it('an allocation: never more than the lot has left', () => {
    const form = { lotId: 'l', target: 'D:866', doses: '181', movedOn: '2021-11-20' };
    expect(allocateErrors(form, { dosesRemaining: 180 })).toEqual({ doses: { key: 'tooMany', remaining: 180 } });
    expect(allocateErrors({ ...form, doses: '180' }, { dosesRemaining: 180 })).toEqual({});
    expect(allocateErrors({ lotId: '', target: '', doses: '0', movedOn: '' }, undefined)).toEqual({
      lotId: { key: 'lot' },
      target: { key: 'target' },
      doses: { key: 'doses' },
      movedOn: { key: 'movedOn' },
    });
    expect(positiveInt('007')).toBe(7);
    expect(positiveInt('-1')).toBeNull();
  });
});
