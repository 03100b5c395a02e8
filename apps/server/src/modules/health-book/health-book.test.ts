import { randomUUID } from 'node:crypto';
import { CHECK_IN_TOKEN_TTL_MS } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { unitOfWork } from '../../db/transaction.js';
import { buildPersonIn, createPersonVia, otherCccd } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { listAudit, systemAuditContext } from '../audit/audit.service.js';
import { LOOKUP_MIN_RESPONSE_MS } from '../portal/portal.service.js';
import { bookDeps } from './health-book.routes.js';
import { sendDueReminders } from './health-book.service.js';

let now = new Date('2021-11-20T02:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });
let ipSeq = 1;
const freshIp = () => `10.9.${Math.floor(ipSeq / 250)}.${ipSeq++ % 250}`;
const PFIZER = 'EU/1/20/1528';

let phoneSeq = 0;
/** A phone number nobody else in this file has (Viettel 098…). */
const freshPhone = () => `098${String(7_100_000 + phoneSeq++).padStart(7, '0')}`;

async function personWithDoses(phone: string | undefined, dates: string[]) {
  const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866', ...(phone ? { phone } : {}) }));
  for (const administeredOn of dates) {
    const res = await t.call('POST', `/api/people/${p.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  return p;
}

async function outbox(to: string) {
  return (await t.call('GET', `/api/admin/sms-outbox?to=${to}`, { as: 'admin' })).body.items as {
    to: string;
    text: string;
    kind: string;
  }[];
}
const otpFrom = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? '';

/** Signs a device in with the phone's OTP; the device's cookie header. */
async function signIn(phone: string, deviceName = 'Điện thoại của mẹ'): Promise<{ cookie: string; body: any }> {
  const ip = freshIp();
  const started = await t.call('POST', '/api/health-book/sign-in', { ip, body: { phone } });
  expect(started.status).toBe(202);
  const sms = (await outbox(phone)).find((m) => m.kind === 'health_book_otp');
  expect(sms, 'an OTP went to the phone').toBeDefined();
  const res = await t.call('POST', `/api/health-book/sign-in/${started.body.signInId}/verify`, {
    ip,
    body: { otp: otpFrom(sms!.text), deviceName },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const setCookie = String(res.headers['set-cookie']);
  expect(setCookie).toMatch(/tc_book=[^;]+; .*HttpOnly/);
  expect(setCookie).toMatch(/Path=\/api\/health-book/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  const cookie = /tc_book=([^;]+)/.exec(setCookie)![0];
  return { cookie, body: res.body };
}

const book = (cookie: string, extra: Record<string, string> = {}) => ({ cookie, ...extra });

describe('signing a device in (phone + OTP)', () => {
  it('a phone on a record gets a code; the device session reaches the household, with the certificates the server issues', async () => {
    const phone = freshPhone();
    const mother = await personWithDoses(phone, ['2021-08-01', '2021-08-29']);
    const son = await personWithDoses(phone, ['2021-10-01']);
    const { cookie, body } = await signIn(phone);
    expect(body).toMatchObject({
      device: { name: 'Điện thoại của mẹ', current: true },
      phoneMasked: expect.any(String),
    });
    expect(body.phoneMasked).not.toContain(phone.slice(3, 7));

    const res = await t.call('GET', '/api/health-book/household', { headers: book(cookie) });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.members.map((m: any) => m.personId).sort()).toEqual([mother.id, son.id].sort());
    const m = res.body.members.find((x: any) => x.personId === mother.id);
    expect(m).toMatchObject({ source: 'phone', certificate: { status: 'complete', color: 'green' } });
    // The same signed string the staff screens and the portal get.
    const staff = await t.call('GET', `/api/people/${mother.id}/certificate`, { as: 'caolanh.tiem' });
    expect(m.certificate.qr).toBe(staff.body.qr);
    expect(m.certificate.ci).toBe(staff.body.ci);
    // Next dose from core's rules: the mother's booster 3 months after 29 Aug; the son's dose 2 after 21 days.
    expect(m.nextDose).toMatchObject({
      due: true,
      doseKind: 'booster',
      doseNumber: 3,
      from: '2021-11-29',
      dueNow: false,
    });
    const s = res.body.members.find((x: any) => x.personId === son.id);
    expect(s.nextDose).toMatchObject({
      due: true,
      doseKind: 'primary',
      doseNumber: 2,
      from: '2021-10-22',
      dueNow: true,
    });
    // Each member's record read through the book is audited.
    expect((await listAudit(t.db, 'person', son.id)).map((a) => a.action)).toContain('health_book.person_view');
  });

  it('a phone on no record: the same 202, no code sent; a wrong or reused code is refused', async () => {
    const unknown = freshPhone();
    const res = await t.call('POST', '/api/health-book/sign-in', { ip: freshIp(), body: { phone: unknown } });
    expect(res.status).toBe(202);
    expect(Object.keys(res.body)).toEqual(['signInId']);
    expect(await outbox(unknown)).toHaveLength(0);
    const guess = await t.call('POST', `/api/health-book/sign-in/${res.body.signInId}/verify`, {
      ip: freshIp(),
      body: { otp: '123456' },
    });
    expect(guess.status).toBe(400);
    expect(guess.body.error.code).toBe('invalid_otp');

    const phone = freshPhone();
    await personWithDoses(phone, []);
    const ip = freshIp();
    const started = await t.call('POST', '/api/health-book/sign-in', { ip, body: { phone } });
    const otp = otpFrom((await outbox(phone))[0]!.text);
    const wrong = String((Number(otp) + 1) % 1_000_000).padStart(6, '0');
    const url = `/api/health-book/sign-in/${started.body.signInId}/verify`;
    expect((await t.call('POST', url, { ip, body: { otp: wrong } })).status).toBe(400);
    expect((await t.call('POST', url, { ip, body: { otp } })).status).toBe(200);
    expect((await t.call('POST', url, { ip, body: { otp } })).status).toBe(400);
    // A malformed phone is a clear 4xx naming the field.
    const bad = await t.call('POST', '/api/health-book/sign-in', { ip: freshIp(), body: { phone: 'abc' } });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(bad.body.error.field).toBe('phone');
  });

  it('a phone on a record and one on none answer after the same deliberate minimum time, as the certificate look-up', async () => {
    const known = freshPhone();
    await personWithDoses(known, []);
    const unknown = freshPhone();
    for (const phone of [known, unknown, known, unknown]) {
      const started = performance.now();
      const res = await t.call('POST', '/api/health-book/sign-in', { ip: freshIp(), body: { phone } });
      const ms = performance.now() - started;
      expect(res.status).toBe(202);
      expect(Object.keys(res.body)).toEqual(['signInId']);
      expect(ms, phone === known ? 'known' : 'unknown').toBeGreaterThanOrEqual(LOOKUP_MIN_RESPONSE_MS - 10);
    }
    expect((await outbox(known)).filter((m) => m.kind === 'health_book_otp')).toHaveLength(2);
    expect(await outbox(unknown)).toHaveLength(0);
  });

  it('sign-in is rate-limited per phone (429)', async () => {
    const phone = freshPhone();
    await personWithDoses(phone, []);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await t.call('POST', '/api/health-book/sign-in', { ip: freshIp(), body: { phone } })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses.at(-1)).toBe(429);
  });

  it('without the device session: 401 health_book_signed_out; a cross-site request with it: 403', async () => {
    const anon = await t.call('GET', '/api/health-book/household');
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('health_book_signed_out');
    expect((await t.call('GET', '/api/health-book/household', { headers: { cookie: 'tc_book=forged' } })).status).toBe(
      401,
    );
    const phone = freshPhone();
    const p = await personWithDoses(phone, ['2021-10-01']);
    const { cookie } = await signIn(phone);
    const csrf = await t.call('POST', `/api/health-book/members/${p.id}/check-in-token`, {
      headers: book(cookie, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }),
    });
    expect(csrf.status).toBe(403);
  });
});

describe('the household', () => {
  it('adds a member by ID number and date of birth with the OTP sent to the member’s own phone; removes one', async () => {
    const phone = freshPhone();
    const mother = await personWithDoses(phone, ['2021-10-01']);
    const grandfather = await personWithDoses(freshPhone(), ['2021-08-01', '2021-08-29']);
    const { cookie } = await signIn(phone);

    // Wrong date of birth: the same 202, nothing sent.
    const before = (await outbox(grandfather.phone!)).length;
    const wrongDob = await t.call('POST', '/api/health-book/members', {
      headers: book(cookie),
      body: { idNumber: grandfather.idNumber, dateOfBirth: '1950-01-01' },
    });
    expect(wrongDob.status).toBe(202);
    expect(await outbox(grandfather.phone!)).toHaveLength(before);

    const started = await t.call('POST', '/api/health-book/members', {
      headers: book(cookie),
      body: { idNumber: grandfather.idNumber, dateOfBirth: grandfather.dateOfBirth },
    });
    expect(started.status).toBe(202);
    expect(Object.keys(started.body)).toEqual(['requestId']);
    const sms = (await outbox(grandfather.phone!)).find((m) => m.kind === 'health_book_member_otp')!;
    expect(sms).toBeDefined();
    // Another household's device cannot use the code.
    const other = await signIn((await personWithDoses(freshPhone(), [])).phone!);
    const stolen = await t.call('POST', `/api/health-book/members/${started.body.requestId}/verify`, {
      headers: book(other.cookie),
      body: { otp: otpFrom(sms.text) },
    });
    expect(stolen.status).toBe(400);
    const added = await t.call('POST', `/api/health-book/members/${started.body.requestId}/verify`, {
      headers: book(cookie),
      body: { otp: otpFrom(sms.text) },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toMatchObject({
      personId: grandfather.id,
      source: 'added',
      certificate: { status: 'complete' },
    });
    const household = await t.call('GET', '/api/health-book/household', { headers: book(cookie) });
    expect(household.body.members.map((m: any) => m.personId).sort()).toEqual([mother.id, grandfather.id].sort());

    // Already in the book: 409.
    const again = await t.call('POST', '/api/health-book/members', {
      headers: book(cookie),
      body: { idNumber: grandfather.idNumber, dateOfBirth: grandfather.dateOfBirth },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('household_member_exists');

    // Removed: gone from the book (the record stays); the other household never reached him.
    expect(
      (await t.call('DELETE', `/api/health-book/members/${grandfather.id}`, { headers: book(other.cookie) })).status,
    ).toBe(404);
    expect(
      (await t.call('DELETE', `/api/health-book/members/${grandfather.id}`, { headers: book(cookie) })).status,
    ).toBe(204);
    const after = await t.call('GET', '/api/health-book/household', { headers: book(cookie) });
    expect(after.body.members.map((m: any) => m.personId)).toEqual([mother.id]);
    expect((await t.call('GET', `/api/people/${grandfather.id}`, { as: 'caolanh.tiem' })).status).toBe(200);
    expect((await listAudit(t.db, 'person', grandfather.id)).map((a) => a.action)).toEqual(
      expect.arrayContaining(['health_book.member_add', 'health_book.member_remove']),
    );
  });

  it('an ID number + date of birth on record and a pair on none answer after the same deliberate minimum time, as sign-in', async () => {
    const { cookie } = await signIn((await personWithDoses(freshPhone(), [])).phone!);
    const known = await personWithDoses(freshPhone(), ['2021-10-01']);
    const onRecord = { idNumber: known.idNumber, dateOfBirth: known.dateOfBirth };
    const onNone = { idNumber: otherCccd(known.idNumber), dateOfBirth: known.dateOfBirth };
    for (const body of [onRecord, onNone, onRecord, onNone]) {
      const started = performance.now();
      const res = await t.call('POST', '/api/health-book/members', { headers: book(cookie), body });
      const ms = performance.now() - started;
      expect(res.status).toBe(202);
      expect(Object.keys(res.body)).toEqual(['requestId']);
      expect(ms, body === onRecord ? 'on record' : 'on none').toBeGreaterThanOrEqual(LOOKUP_MIN_RESPONSE_MS - 10);
    }
    expect((await outbox(known.phone!)).filter((m) => m.kind === 'health_book_member_otp')).toHaveLength(2);
  });

  it('a member of another household is out of reach: certificate PDF, check-in token, reminder, report → 404', async () => {
    const mine = await signIn((await personWithDoses(freshPhone(), ['2021-10-01'])).phone!);
    const stranger = await personWithDoses(freshPhone(), ['2021-10-01']);
    const h = book(mine.cookie);
    for (const [method, url, body] of [
      ['GET', `/api/health-book/members/${stranger.id}/certificate.pdf`, undefined],
      ['POST', `/api/health-book/members/${stranger.id}/check-in-token`, undefined],
      ['PUT', `/api/health-book/members/${stranger.id}/reminder`, { enabled: true }],
      ['POST', `/api/health-book/members/${stranger.id}/reports`, { category: 'other', description: 'x' }],
    ] as const) {
      const res = await t.call(method, url, { headers: h, body });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body.error.code).toBe('household_member_not_found');
    }
  });

  it('the certificate PDF of a member downloads', async () => {
    const phone = freshPhone();
    const p = await personWithDoses(phone, ['2021-08-01', '2021-08-29']);
    const { cookie } = await signIn(phone);
    const pdf = await t.call('GET', `/api/health-book/members/${p.id}/certificate.pdf?layout=card`, {
      headers: book(cookie),
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.raw.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('check-in QR', () => {
  it('the site’s check-in loads the person from the token; an altered or expired token is refused', async () => {
    const phone = freshPhone();
    const p = await personWithDoses(phone, ['2021-10-01']);
    const { cookie } = await signIn(phone);
    const token = await t.call('POST', `/api/health-book/members/${p.id}/check-in-token`, { headers: book(cookie) });
    expect(token.status).toBe(200);
    expect(token.body.qr).toMatch(/^TCSK:/);
    // No personal data: neither the person's id, name, ID number nor phone is in it.
    for (const secret of [p.id, p.idNumber!, phone, p.fullName]) expect(token.body.qr).not.toContain(secret);
    expect(token.body.qr.length).toBeLessThan(80);
    expect(new Date(token.body.expiresAt).getTime() - now.getTime()).toBe(CHECK_IN_TOKEN_TTL_MS);

    const session = await t.call('POST', '/api/sessions', {
      as: 'caolanh.tiem',
      body: { facilityId: 'DT-CL-01', sessionDate: '2021-11-20', name: 'Buổi sáng', lotNumbers: ['FF2587'] },
    });
    expect(session.status).toBe(201);
    const visits = `/api/sessions/${session.body.id}/visits`;
    const qr: string = token.body.qr;
    const last = qr.at(-1) === 'A' ? 'B' : 'A';
    for (const altered of [
      `${qr.slice(0, -1)}${last}`,
      qr.replace(/^TCSK:./, (m) => `TCSK:${m.at(-1) === 'x' ? 'y' : 'x'}`),
    ]) {
      const refused = await t.call('POST', visits, { as: 'caolanh.tiem', body: { checkInQr: altered } });
      expect(refused.status, altered).toBe(422);
      expect(refused.body.error.code).toBe('check_in_token_invalid');
      expect(refused.body.error.message).toMatch(/không hợp lệ/);
    }
    const res = await t.call('POST', visits, { as: 'caolanh.tiem', body: { checkInQr: qr } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ personId: p.id, checkInMethod: 'health_book_qr' });

    // Fifteen minutes later the same token is refused as expired.
    const saved = now;
    now = new Date(now.getTime() + CHECK_IN_TOKEN_TTL_MS + 1000);
    try {
      const expired = await t.call('POST', visits, { as: 'caolanh.tiem', body: { checkInQr: qr } });
      expect(expired.status).toBe(422);
      expect(expired.body.error.code).toBe('check_in_token_expired');
      expect(expired.body.error.message).toMatch(/hết hạn/);
    } finally {
      now = saved;
    }
  });
});

describe('reports from the book, and the certificate that follows a correction', () => {
  it('a report filed from a dose reaches the handler’s queue; the dose recorded in answer reissues the certificate', async () => {
    const phone = freshPhone();
    const p = await personWithDoses(phone, ['2021-08-01']);
    const { cookie } = await signIn(phone);
    const first = (await t.call('GET', '/api/health-book/household', { headers: book(cookie) })).body.members[0];
    const dose = first.certificate.doses[0];
    const filed = await t.call('POST', `/api/health-book/members/${p.id}/reports`, {
      headers: book(cookie),
      body: {
        category: 'missing_dose',
        description: 'Tôi đã tiêm mũi 2 ngày 29/08/2021 nhưng chưa có.',
        doseId: dose.id,
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body).toMatchObject({ trackingCode: expect.any(String), status: 'received' });
    // In the handler's queue, linked to the person, with the dose's date and site.
    const queue = await t.call('GET', '/api/reports', { as: 'dongthap.phananh' });
    const item = queue.body.items.find((r: any) => r.trackingCode === filed.body.trackingCode);
    expect(item).toMatchObject({ category: 'missing_dose', personId: p.id });
    // And in the book, with its status and deadline.
    const synced = (await t.call('GET', '/api/health-book/household', { headers: book(cookie) })).body;
    expect(synced.reports[0]).toMatchObject({
      trackingCode: filed.body.trackingCode,
      personId: p.id,
      fullName: p.fullName,
      status: 'received',
      dueAt: filed.body.dueAt,
    });
    // A dose of another person cannot be named.
    const foreign = await t.call('POST', `/api/health-book/members/${p.id}/reports`, {
      headers: book(cookie),
      body: { category: 'wrong_dose', description: 'x', doseId: randomUUID() },
    });
    expect(foreign.status).toBe(404);

    // The missing dose is recorded: the next sync shows a new certificate (new ci).
    const added = await t.call('POST', `/api/people/${p.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn: '2021-08-29', facilityId: 'DT-CL-01' },
    });
    expect(added.status).toBe(201);
    expect(synced.members[0].certificate.ci).toBe(first.certificate.ci);
    const resynced = (await t.call('GET', '/api/health-book/household', { headers: book(cookie) })).body;
    expect(resynced.members[0].certificate.ci).not.toBe(first.certificate.ci);
    expect(resynced.members[0].certificate.status).toBe('complete');
    const state = await t.call('GET', `/api/certificates/status?ci=${encodeURIComponent(first.certificate.ci)}`);
    // A dose dated after the first: the 1-dose certificate is still right, a newer one exists.
    expect(state.body).toMatchObject({ state: 'newer_issued', newerCi: resynced.members[0].certificate.ci });
  });
});

describe('next-dose reminder', () => {
  it('on the due date one SMS goes to the household’s phone, once', async () => {
    const phone = freshPhone();
    const p = await personWithDoses(phone, ['2021-11-10']);
    const { cookie } = await signIn(phone);
    const on = await t.call('PUT', `/api/health-book/members/${p.id}/reminder`, {
      headers: book(cookie),
      body: { enabled: true },
    });
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ enabled: true, on: '2021-12-01' });
    const run = () =>
      unitOfWork(t.db, (trx) => sendDueReminders(trx, bookDeps(t.app), systemAuditContext('test-reminders')));
    const reminders = async () => (await outbox(phone)).filter((m) => m.kind === 'health_book_reminder');
    await run();
    expect(await reminders()).toHaveLength(0); // not due yet
    const saved = now;
    now = new Date('2021-12-01T01:00:00Z'); // 08:00 in Vietnam on the due date
    try {
      await run();
      await run();
      const sent = await reminders();
      expect(sent).toHaveLength(1);
      expect(sent[0]!.text).toMatch(/01\/12\/2021/);
    } finally {
      now = saved;
    }
    // Nothing to come (a child under 5): the reminder cannot be turned on.
    const child = await createPersonVia(
      t,
      // A child's personal identification number: province 087, a boy born in 2019 (2xx = 2000s).
      buildPersonIn('87', {
        districtCode: '866',
        phone,
        dateOfBirth: '2019-05-01',
        gender: 'male',
        idNumber: `087219${String(100_000 + phoneSeq).slice(0, 6)}`,
      }),
    );
    const household = await t.call('GET', '/api/health-book/household', { headers: book(cookie) });
    expect(household.body.members.find((m: any) => m.personId === child.id).nextDose).toMatchObject({
      due: false,
      reason: 'too_young',
      from: '2024-05-01',
    });
    const done = child;
    const refused = await t.call('PUT', `/api/health-book/members/${done.id}/reminder`, {
      headers: book(cookie),
      body: { enabled: true },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('next_dose_not_due');
  });
});

describe('devices', () => {
  it('lists the phone’s devices; one revokes another; signing out ends the session; a national administrator revokes them all', async () => {
    const phone = freshPhone();
    await personWithDoses(phone, []);
    const a = await signIn(phone, 'Máy A');
    const b = await signIn(phone, 'Máy B');
    const c = await signIn(phone, 'Máy C');
    const list = await t.call('GET', '/api/health-book/devices', { headers: book(a.cookie) });
    expect(list.body.devices.map((d: any) => [d.name, d.current]).sort()).toEqual([
      ['Máy A', true],
      ['Máy B', false],
      ['Máy C', false],
    ]);
    expect(
      (await t.call('DELETE', `/api/health-book/devices/${b.body.device.id}`, { headers: book(a.cookie) })).status,
    ).toBe(204);
    expect((await t.call('GET', '/api/health-book/household', { headers: book(b.cookie) })).status).toBe(401);
    // Another phone's device is not found.
    const stranger = await signIn((await personWithDoses(freshPhone(), [])).phone!);
    expect(
      (await t.call('DELETE', `/api/health-book/devices/${a.body.device.id}`, { headers: book(stranger.cookie) }))
        .status,
    ).toBe(404);

    const out = await t.call('POST', '/api/health-book/sign-out', { headers: book(c.cookie) });
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/tc_book=;/);
    expect((await t.call('GET', '/api/health-book/household', { headers: book(c.cookie) })).status).toBe(401);

    // The server's side: a national administrator ends every session of the phone.
    expect(
      (await t.call('POST', '/api/admin/health-book/revocations', { as: 'dongthap.admin', body: { phone } })).status,
    ).toBe(403);
    const revoked = await t.call('POST', '/api/admin/health-book/revocations', { as: 'admin', body: { phone } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ revoked: 1 });
    expect((await t.call('GET', '/api/health-book/household', { headers: book(a.cookie) })).status).toBe(401);
  });

  it('a session unused for 180 days has expired', async () => {
    const phone = freshPhone();
    await personWithDoses(phone, []);
    const { cookie } = await signIn(phone);
    const saved = now;
    try {
      now = new Date(saved.getTime() + 179 * 86_400_000);
      expect((await t.call('GET', '/api/health-book/household', { headers: book(cookie) })).status).toBe(200);
      // Used on day 179: it now lasts until day 359.
      now = new Date(saved.getTime() + 358 * 86_400_000);
      expect((await t.call('GET', '/api/health-book/household', { headers: book(cookie) })).status).toBe(200);
      now = new Date(saved.getTime() + (358 + 181) * 86_400_000);
      expect((await t.call('GET', '/api/health-book/household', { headers: book(cookie) })).status).toBe(401);
    } finally {
      now = saved;
    }
  });
});

describe('one member’s certificate does not fail the household', () => {
  it('a member whose name is longer than the DCC allows gets a certificate fitted to it, and the household reads', async () => {
    const phone = freshPhone();
    const fullName =
      'Tôn Nữ Hoàng Phương Thảo Nguyên Khánh Linh Ngọc Diệp Bảo Quỳnh Hương Trâm Anh Thư Nguyệt Minh Châu';
    const long = await createPersonVia(t, buildPersonIn('87', { districtCode: '866', phone, fullName }));
    for (const administeredOn of ['2021-08-01', '2021-08-29']) {
      const res = await t.call('POST', `/api/people/${long.id}/doses`, {
        as: 'caolanh.tiem',
        headers: { 'idempotency-key': randomUUID() },
        body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const sister = await personWithDoses(phone, ['2021-09-01']);
    const { cookie } = await signIn(phone);
    const res = await t.call('GET', '/api/health-book/household', { headers: book(cookie) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const member = res.body.members.find((m: any) => m.personId === long.id);
    expect(member.certificate.person.fullName).toBe(fullName);
    expect(member.certificate.qr).toMatch(/^HC1:/);
    const checked = await t.call('POST', '/api/verify', { ip: freshIp(), body: { qr: member.certificate.qr } });
    expect(checked.body).toMatchObject({ result: 'valid', certificate: { nam: { fn: 'Tôn' } } });
    expect(res.body.members.find((m: any) => m.personId === sister.id).certificate.qr).toMatch(/^HC1:/);
  });

  it('a member whose certificate cannot be made is shown without it; the others keep theirs', async () => {
    const phone = freshPhone();
    const broken = await personWithDoses(phone, ['2021-08-01', '2021-08-29']);
    const brother = await personWithDoses(phone, ['2021-09-01', '2021-09-29']);
    // A date of birth the DCC cannot carry (before 1900), as an old import may have left it.
    await t.db.updateTable('people').set({ date_of_birth: '1899-12-31' }).where('id', '=', broken.id).execute();
    const { cookie } = await signIn(phone);
    const res = await t.call('GET', '/api/health-book/household', { headers: book(cookie) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const shown = res.body.members.find((m: any) => m.personId === broken.id);
    expect(shown.certificate).toMatchObject({ qr: null, ci: null, status: 'complete' });
    expect(shown.certificate.doses).toHaveLength(2);
    expect(res.body.members.find((m: any) => m.personId === brother.id).certificate.qr).toMatch(/^HC1:/);
  });
});
