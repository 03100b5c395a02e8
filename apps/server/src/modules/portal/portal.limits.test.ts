import { SCREENING_QUESTIONS } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { listAudit } from '../audit/audit.service.js';
import { LOOKUP_LIMITS, OTP_SMS_PER_PHONE } from './portal.service.js';

/**
 * The limits of the portal's OTP flows hold per person matched and per phone, whatever fields were
 * given (an outside probe sent 30 OTPs to one phone by leaving the ID number out), and never tell a
 * match from a mismatch.
 */
let now = new Date('2022-02-14T02:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });
let ipSeq = 1;
const freshIp = () => `10.5.${Math.floor(ipSeq / 250)}.${ipSeq++ % 250}`;

async function outbox(to: string, kind: string) {
  const items = (await t.call('GET', `/api/admin/sms-outbox?to=${to}&limit=500`, { as: 'admin' })).body.items as {
    kind: string;
    text: string;
  }[];
  return items.filter((m) => m.kind === kind);
}

async function person() {
  return createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
}

const lookupBody = (p: any) => ({ fullName: p.fullName, dateOfBirth: p.dateOfBirth, gender: p.gender, phone: p.phone });

async function lookup(body: Record<string, unknown>) {
  const r = await t.call('POST', '/api/portal/certificate-lookups', { ip: freshIp(), body });
  return {
    status: r.status,
    body: r.body,
    shape: r.status === 202 ? `202:${Object.keys(r.body).join(',')}` : `${r.status}:${JSON.stringify(r.body)}`,
    headers: Object.keys(r.headers)
      .filter((h) => h !== 'content-length')
      .sort(),
  };
}

describe('look-ups without the ID number', () => {
  it('25 look-ups for one person, no ID number, each from a new address: at most the cap of OTP messages', async () => {
    const p = await person();
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await lookup(lookupBody(p))).status);
    // Per phone given: 429 past the limit, whoever the look-up is for.
    expect(statuses.slice(0, LOOKUP_LIMITS.perPhone.max).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(LOOKUP_LIMITS.perPhone.max).every((s) => s === 429)).toBe(true);
    // Per person matched and per phone: never more than the cap of OTP messages in the hour.
    const sent = await outbox(p.phone, 'lookup_otp');
    expect(sent.length).toBe(Math.min(LOOKUP_LIMITS.perPerson.max, OTP_SMS_PER_PHONE.max));
    // Adding the ID number, or writing the phone another way, does not start a new count.
    expect((await lookup({ ...lookupBody(p), idNumber: p.idNumber })).status).toBe(429);
    expect((await lookup({ ...lookupBody(p), phone: `+84 ${p.phone.slice(1, 4)} ${p.phone.slice(4)}` })).status).toBe(
      429,
    );
    expect(await outbox(p.phone, 'lookup_otp')).toHaveLength(sent.length);
    // The audit trail keeps what happened: every match, and whether an OTP went out.
    const trail = (await listAudit(t.db, 'person', p.id)).filter((a) => a.action === 'portal.certificate_lookup');
    expect(trail).toHaveLength(LOOKUP_LIMITS.perPhone.max);
    expect(trail.filter((a) => (a.after as { otpSent?: boolean } | null)?.otpSent)).toHaveLength(sent.length);

    // An hour later the person can look up again.
    const saved = now;
    now = new Date(saved.getTime() + 60 * 60_000 + 1000);
    try {
      expect((await lookup(lookupBody(p))).status).toBe(202);
      expect(await outbox(p.phone, 'lookup_otp')).toHaveLength(sent.length + 1);
    } finally {
      now = saved;
    }
  });

  it('past the silent limits a match answers exactly as a mismatch; past the 429 limit both get the same 429', async () => {
    const p = await person();
    const match = lookupBody(p);
    const mismatch = { ...match, dateOfBirth: '1901-01-01' };
    // A mismatch before any limit, for reference.
    const reference = await lookup(mismatch);
    for (let i = 0; i < LOOKUP_LIMITS.perPerson.max; i++) expect((await lookup(match)).status).toBe(202);
    expect(await outbox(p.phone, 'lookup_otp')).toHaveLength(LOOKUP_LIMITS.perPerson.max);
    // The person's limit is reached: a match sends nothing and answers as the mismatch does.
    const silenced = await lookup(match);
    const mismatchNow = await lookup(mismatch);
    for (const r of [silenced, mismatchNow]) {
      expect(r.shape).toBe(reference.shape);
      expect(r.headers).toEqual(reference.headers);
      expect(r.body.lookupId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(await outbox(p.phone, 'lookup_otp')).toHaveLength(LOOKUP_LIMITS.perPerson.max);
    // Its look-up id answers any OTP as a mismatch's does.
    const verify = (id: string) =>
      t.call('POST', `/api/portal/certificate-lookups/${id}/verify`, { ip: freshIp(), body: { otp: '123456' } });
    const a = await verify(silenced.body.lookupId);
    const b = await verify(mismatchNow.body.lookupId);
    expect(a.status).toBe(400);
    expect(a.body).toEqual(b.body);
    // 8 look-ups gave this phone so far; fill the phone's limit, then match and mismatch get one 429.
    while ((await lookup(mismatch)).status === 202);
    const limitedMatch = await lookup(match);
    const limitedMismatch = await lookup(mismatch);
    expect(limitedMatch.status).toBe(429);
    expect(limitedMatch.shape).toBe(limitedMismatch.shape);
    expect(limitedMatch.headers).toEqual(limitedMismatch.headers);
  });
});

describe('the cap of OTP messages per phone', () => {
  const registrationBody = (c: any, phone: string) => ({
    fullName: c.fullName,
    dateOfBirth: c.dateOfBirth,
    gender: c.gender,
    phone,
    idNumber: c.idNumber,
    priorityGroup: 'other',
    provinceCode: c.provinceCode,
    nationality: 'VN',
    checklist: Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no'])),
    consent: true,
  });

  it('holds across look-ups and registrations, silently (the same 202, nothing sent)', async () => {
    const p = await person();
    // Five registrations, each for another citizen, all giving this person's phone.
    for (let i = 0; i < OTP_SMS_PER_PHONE.max; i++) {
      const r = await t.call('POST', '/api/portal/registrations', {
        ip: freshIp(),
        body: registrationBody(buildPersonIn('87'), p.phone),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
    }
    expect(await outbox(p.phone, 'registration_otp')).toHaveLength(OTP_SMS_PER_PHONE.max);
    // The phone had its OTPs for the hour: a matching look-up answers 202 and sends nothing…
    const r = await lookup(lookupBody(p));
    expect(r.shape).toBe('202:lookupId');
    expect(await outbox(p.phone, 'lookup_otp')).toHaveLength(0);
    // …and so does one more registration (answering otherwise would tell that look-ups matched).
    const more = await t.call('POST', '/api/portal/registrations', {
      ip: freshIp(),
      body: registrationBody(buildPersonIn('87'), p.phone),
    });
    expect(more.status).toBe(202);
    expect(Object.keys(more.body)).toEqual(['registrationId']);
    expect(await outbox(p.phone, 'registration_otp')).toHaveLength(OTP_SMS_PER_PHONE.max);
  });

  it('registrations giving one phone are limited per phone (429), whatever the ID numbers', async () => {
    const phone = `0915${String(Date.now() % 1_000_000).padStart(6, '0')}`;
    const statuses: number[] = [];
    for (let i = 0; i <= LOOKUP_LIMITS.perPhone.max; i++) {
      statuses.push(
        (
          await t.call('POST', '/api/portal/registrations', {
            ip: freshIp(),
            body: registrationBody(buildPersonIn('87'), phone),
          })
        ).status,
      );
    }
    expect(statuses.slice(0, -1).every((s) => s === 202)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect((await outbox(phone, 'registration_otp')).length).toBeLessThanOrEqual(OTP_SMS_PER_PHONE.max);
  });
});

describe('reports', () => {
  const reportBody = (phone: string) => ({
    category: 'other',
    fullName: 'Phạm Văn Phản Ánh',
    dateOfBirth: '1979-09-02',
    gender: 'male',
    phone,
    provinceCode: '87',
    description: 'Thông tin trên chứng nhận bị sai.',
  });

  it('reports giving one phone (each sends it an SMS) are limited per phone, from any address', async () => {
    const phone = `0916${String(Date.now() % 1_000_000).padStart(6, '0')}`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await t.call('POST', '/api/portal/reports', { ip: freshIp(), body: reportBody(phone) })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    expect(await outbox(phone, 'report_received')).toHaveLength(5);
  });

  it('phones tried against one tracking code are limited per code, from any address', async () => {
    const phone = `0917${String(Date.now() % 1_000_000).padStart(6, '0')}`;
    const r = await t.call('POST', '/api/portal/reports', { ip: freshIp(), body: reportBody(phone) });
    const code = r.body.trackingCode as string;
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const guess = `0918${String(100_000 + i)}`;
      statuses.push((await t.call('GET', `/api/portal/reports/${code}?phone=${guess}`, { ip: freshIp() })).status);
    }
    expect(statuses.every((s) => s === 404)).toBe(true);
    // Even the right phone waits now, however the code is written.
    expect((await t.call('GET', `/api/portal/reports/${code}?phone=${phone}`, { ip: freshIp() })).status).toBe(429);
    expect(
      (await t.call('GET', `/api/portal/reports/${code.toLowerCase()}?phone=${phone}`, { ip: freshIp() })).status,
    ).toBe(429);
  });
});
