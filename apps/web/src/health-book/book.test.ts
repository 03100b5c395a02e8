import { describe, expect, it } from 'vitest';
import type { BookCertificate, Household, HouseholdMember } from './api';
import {
  memberOf,
  mergeHousehold,
  mmss,
  parseBook,
  REPLACED_KEPT,
  secondsLeft,
  serializeBook,
  withMember,
  withoutMember,
} from './book';
import { guessDeviceName } from './format';

function certificate(personId: string, ci: string | null, qr: string | null = ci && `HC1:${ci}`): BookCertificate {
  return {
    status: 'fully_vaccinated' as BookCertificate['status'],
    color: 'green',
    statusText: { vi: 'Đã tiêm đủ', en: 'Fully vaccinated' },
    doses: [],
    qr,
    ci,
    issuedAt: ci ? `2026-12-0${ci.slice(-1)}T08:00:00.000Z` : null,
    expiresAt: null,
    person: {
      id: personId,
      fullName: `Người ${personId}`,
      dateOfBirth: '1990-01-01',
      gender: 'female',
      idNumberMasked: null,
    },
    identity: { verified: true, status: 'verified', source: 'registry', verifiedAt: null, override: false },
    passportBlockers: [],
    passport: null,
  };
}

function member(personId: string, ci: string | null): HouseholdMember {
  return {
    personId,
    source: 'phone',
    certificate: certificate(personId, ci),
    nextDose: {
      due: false,
      doseNumber: null,
      doseKind: null,
      from: null,
      dueNow: false,
      vaccineCode: null,
      reason: 'complete',
      message: { vi: 'Đủ', en: 'Done' },
    },
    reminder: { enabled: false, on: null },
  };
}

function household(syncedAt: string, ...members: HouseholdMember[]): Household {
  return { phoneMasked: '09******78', syncedAt, members, reports: [] };
}

describe('the e-health book kept on the device', () => {
  it('keeps the household as the server sent it, the signed QR text unchanged', () => {
    const h = household('2026-12-02T10:00:00.000Z', member('a', 'URN:UVCI:01:VN:1'), member('b', null));
    const book = mergeHousehold(null, h);
    expect(book.household).toBe(h);
    expect(book.replaced).toEqual({});
    const back = parseBook(serializeBook(book));
    expect(back?.household.members[0]?.certificate.qr).toBe('HC1:URN:UVCI:01:VN:1');
    expect(back).toEqual(book);
  });

  it('marks a reissued certificate replaced, newest first, and keeps at most a few', () => {
    let book = mergeHousehold(null, household('2026-12-01T00:00:00.000Z', member('a', 'CI-1'), member('b', 'CI-7')));
    book = mergeHousehold(book, household('2026-12-02T00:00:00.000Z', member('a', 'CI-2'), member('b', 'CI-7')));
    expect(book.replaced.a).toEqual([
      { certificate: certificate('a', 'CI-1'), replacedAt: '2026-12-02T08:00:00.000Z', replacedByCi: 'CI-2' },
    ]);
    expect(book.replaced.b).toBeUndefined();
    // The same answer again changes nothing.
    expect(
      mergeHousehold(book, household('2026-12-03T00:00:00.000Z', member('a', 'CI-2'), member('b', 'CI-7'))).replaced,
    ).toEqual(book.replaced);
    for (let i = 3; i <= 9; i++)
      book = mergeHousehold(book, household(`2026-12-0${i}T00:00:00.000Z`, member('a', `CI-${i}`)));
    expect(book.replaced.a?.map((r) => r.certificate.ci)).toEqual(['CI-8', 'CI-7', 'CI-6', 'CI-5', 'CI-4']);
    expect(book.replaced.a).toHaveLength(REPLACED_KEPT);
    // A member gone from the household leaves with their history.
    expect(book.replaced.b).toBeUndefined();
  });

  it('does not count a first certificate (no dose before) as a replacement', () => {
    const before = mergeHousehold(null, household('2026-12-01T00:00:00.000Z', member('a', null)));
    expect(mergeHousehold(before, household('2026-12-02T00:00:00.000Z', member('a', 'CI-1'))).replaced).toEqual({});
  });

  it('keeps the vaccine passport with the certificate (shown offline); a passport made again is no certificate replaced', () => {
    const passport = (ci: string) => ({
      qr: `HC1:${ci}`,
      ci,
      issuedAt: '2026-12-02T08:00:00.000Z',
      expiresAt: '2027-12-02T08:00:00.000Z',
    });
    const withPassport = (ci: string): HouseholdMember => {
      const m = member('a', 'CI-1');
      return { ...m, certificate: { ...m.certificate, passport: passport(ci) } };
    };
    const book = mergeHousehold(null, household('2026-12-02T10:00:00.000Z', withPassport('URN:UVCI:01:VN:P1')));
    const back = parseBook(serializeBook(book));
    expect(memberOf(back, 'a')?.certificate.passport).toEqual(passport('URN:UVCI:01:VN:P1'));
    // The ministry made the passport again (a renewal): the new one is kept, the certificate is the same.
    const renewed = mergeHousehold(back, household('2026-12-03T10:00:00.000Z', withPassport('URN:UVCI:01:VN:P2')));
    expect(memberOf(renewed, 'a')?.certificate.passport?.ci).toBe('URN:UVCI:01:VN:P2');
    expect(renewed.replaced).toEqual({});
    // Withdrawn (something now blocks it): the book no longer shows one.
    const withdrawn = mergeHousehold(renewed, household('2026-12-04T10:00:00.000Z', member('a', 'CI-1')));
    expect(memberOf(withdrawn, 'a')?.certificate.passport).toBeNull();
  });

  it('reads back only what it wrote', () => {
    expect(parseBook(null)).toBeNull();
    expect(parseBook('not json')).toBeNull();
    expect(parseBook('{"version":2}')).toBeNull();
    expect(parseBook(JSON.stringify({ version: 1, household: { members: 'x' } }))).toBeNull();
  });

  it('changes or removes one member until the next sync', () => {
    const book = mergeHousehold(null, household('2026-12-01T00:00:00.000Z', member('a', 'CI-1'), member('b', 'CI-2')));
    const reminded = withMember(book, 'a', (m) => ({ ...m, reminder: { enabled: true, on: '2027-01-01' } }));
    expect(memberOf(reminded, 'a')?.reminder).toEqual({ enabled: true, on: '2027-01-01' });
    expect(memberOf(reminded, 'b')).toBe(memberOf(book, 'b'));
    const without = withoutMember(reminded, 'a');
    expect(without.household.members.map((m) => m.personId)).toEqual(['b']);
    expect(memberOf(without, 'a')).toBeUndefined();
  });
});

describe('the check-in QR countdown', () => {
  const received = Date.parse('2026-12-02T10:00:00.000Z');
  const ttl = 15 * 60_000;

  it('counts down to the expiry on this device’s clock', () => {
    expect(secondsLeft('2026-12-02T10:15:00.000Z', received, received, ttl)).toBe(900);
    expect(secondsLeft('2026-12-02T10:15:00.000Z', received, received + 899_500, ttl)).toBe(1);
    expect(secondsLeft('2026-12-02T10:15:00.000Z', received, received + 900_000, ttl)).toBe(0);
    expect(secondsLeft('2026-12-02T10:15:00.000Z', received, received + 2_000_000, ttl)).toBe(0);
  });

  it('never counts more than the lifetime from when it came (a phone clock running late)', () => {
    expect(secondsLeft('2026-12-02T10:45:00.000Z', received, received, ttl)).toBe(900);
    expect(secondsLeft('not a date', received, received + 60_000, ttl)).toBe(840);
  });

  it('shows minutes and seconds', () => {
    expect(mmss(900)).toBe('15:00');
    expect(mmss(61)).toBe('01:01');
    expect(mmss(0)).toBe('00:00');
  });
});

describe('the name offered for the device', () => {
  it('says the phone and the browser', () => {
    const android =
      'Mozilla/5.0 (Linux; Android 13; SM-A536E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';
    expect(guessDeviceName(android, 'vi')).toBe('Điện thoại Android · Chrome');
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
    expect(guessDeviceName(iphone, 'en')).toBe('iPhone · Safari');
    expect(guessDeviceName('', 'vi')).toBe('Thiết bị của tôi');
  });
});
