import { randomBytes, randomUUID } from 'node:crypto';
import { SCREENING_QUESTIONS } from '@tiemchung/core';
import FormData from 'form-data';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { listAudit } from '../audit/audit.service.js';

let now = new Date('2022-01-10T03:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });
let ipSeq = 1;
const freshIp = () => `10.1.${Math.floor(ipSeq / 250)}.${ipSeq++ % 250}`;

async function vaccinatedPerson(fullName?: string) {
  const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866', ...(fullName ? { fullName } : {}) }));
  for (const administeredOn of ['2021-10-01', '2021-10-29']) {
    await t.call('POST', `/api/people/${p.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
    });
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

describe('certificate look-up (Tra cứu chứng nhận)', () => {
  it('every field matches: 202, an OTP by SMS to the phone on record, then the certificate', async () => {
    const p = await vaccinatedPerson();
    const ip = freshIp();
    const res = await t.call('POST', '/api/portal/certificate-lookups', {
      ip,
      body: {
        fullName: p.fullName,
        dateOfBirth: p.dateOfBirth,
        gender: p.gender,
        phone: p.phone,
        idNumber: p.idNumber,
      },
    });
    expect(res.status).toBe(202);
    expect(Object.keys(res.body)).toEqual(['lookupId']);
    const sms = await outbox(p.phone);
    expect(sms[0]?.kind).toBe('lookup_otp');
    const otp = otpFrom(sms[0]!.text);
    const verified = await t.call('POST', `/api/portal/certificate-lookups/${res.body.lookupId}/verify`, {
      ip,
      body: { otp },
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ status: 'complete', color: 'green', qr: expect.stringMatching(/^HC1:/) });
    const pdf = await t.call('GET', verified.body.pdfUrl, { ip });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    // The OTP works once.
    expect(
      (await t.call('POST', `/api/portal/certificate-lookups/${res.body.lookupId}/verify`, { ip, body: { otp } }))
        .status,
    ).toBe(400);
    // The look-up is audited.
    const trail = await listAudit(t.db, 'person', p.id);
    expect(trail.map((a) => a.action)).toEqual(
      expect.arrayContaining(['portal.certificate_lookup', 'portal.certificate_view']),
    );
  });

  it('names match regardless of case, spacing and Unicode form; the ID number may be left out', async () => {
    const p = await vaccinatedPerson();
    const messy = `  ${p.fullName.toUpperCase().normalize('NFD').replace(/ /g, '   ')} `;
    const res = await t.call('POST', '/api/portal/certificate-lookups', {
      ip: freshIp(),
      body: { fullName: messy, dateOfBirth: p.dateOfBirth, gender: p.gender, phone: `+84${p.phone.slice(1)}` },
    });
    expect(res.status).toBe(202);
    expect((await outbox(p.phone))[0]?.kind).toBe('lookup_otp');
  });

  it('a name matches with the other placement of its tone marks (Thuỷ Hoà for Thủy Hòa, and back)', async () => {
    for (const [onRecord, typed] of [
      ['Lê Thị Thủy Hòa', 'Lê Thị Thuỷ Hoà'],
      ['Nguyễn Văn Khoẻ', 'nguyễn văn khỏe'],
    ]) {
      const p = await vaccinatedPerson(onRecord);
      const res = await t.call('POST', '/api/portal/certificate-lookups', {
        ip: freshIp(),
        body: { fullName: typed, dateOfBirth: p.dateOfBirth, gender: p.gender, phone: p.phone },
      });
      expect(res.status).toBe(202);
      expect(
        (await outbox(p.phone)).map((m) => m.kind),
        `${onRecord} / ${typed}`,
      ).toContain('lookup_otp');
    }
    // Another tone is another name: no code sent.
    const other = await vaccinatedPerson('Lê Thị Thủy Hòa');
    await t.call('POST', '/api/portal/certificate-lookups', {
      ip: freshIp(),
      body: { fullName: 'Lê Thị Thủy Hoa', dateOfBirth: other.dateOfBirth, gender: other.gender, phone: other.phone },
    });
    expect(await outbox(other.phone)).toEqual([]);
  });

  it('a match and every kind of mismatch give identical responses, and no SMS for a mismatch', async () => {
    const p = await vaccinatedPerson();
    const good = {
      fullName: p.fullName,
      dateOfBirth: p.dateOfBirth,
      gender: p.gender,
      phone: p.phone,
      idNumber: p.idNumber,
    };
    const variants = [
      good,
      { ...good, fullName: `${p.fullName} A` },
      { ...good, dateOfBirth: '1901-01-01' },
      { ...good, gender: p.gender === 'male' ? 'female' : 'male' },
      { ...good, phone: '0912000111' },
      { ...good, idNumber: '001099000001' },
    ];
    const responses = [];
    for (const body of variants) {
      const started = performance.now();
      const r = await t.call('POST', '/api/portal/certificate-lookups', { ip: freshIp(), body });
      responses.push({
        status: r.status,
        keys: Object.keys(r.body),
        headers: Object.keys(r.headers).sort(),
        ms: performance.now() - started,
        id: r.body.lookupId,
      });
    }
    for (const r of responses) {
      expect(r.status).toBe(202);
      expect(r.keys).toEqual(['lookupId']);
      expect(r.headers).toEqual(responses[0]!.headers);
      expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.ms).toBeGreaterThanOrEqual(240);
    }
    expect((await outbox(p.phone)).filter((m) => m.kind === 'lookup_otp')).toHaveLength(1);
    // A mismatch's look-up answers any OTP exactly like a wrong OTP.
    const wrongMatched = await t.call('POST', `/api/portal/certificate-lookups/${responses[0]!.id}/verify`, {
      ip: freshIp(),
      body: { otp: '000000' },
    });
    const mismatch = await t.call('POST', `/api/portal/certificate-lookups/${responses[1]!.id}/verify`, {
      ip: freshIp(),
      body: { otp: '000000' },
    });
    const unknown = await t.call('POST', `/api/portal/certificate-lookups/${randomUUID()}/verify`, {
      ip: freshIp(),
      body: { otp: '000000' },
    });
    for (const r of [wrongMatched, mismatch, unknown]) {
      expect(r.status).toBe(400);
      expect(r.body).toEqual(wrongMatched.body);
    }
    expect(wrongMatched.body.error.code).toBe('invalid_otp');
  });

  it('an OTP expires after 5 minutes', async () => {
    const p = await vaccinatedPerson();
    const ip = freshIp();
    const res = await t.call('POST', '/api/portal/certificate-lookups', {
      ip,
      body: { fullName: p.fullName, dateOfBirth: p.dateOfBirth, gender: p.gender, phone: p.phone },
    });
    const otp = otpFrom((await outbox(p.phone))[0]!.text);
    const saved = now;
    now = new Date(saved.getTime() + 5 * 60_000 + 1000);
    const late = await t.call('POST', `/api/portal/certificate-lookups/${res.body.lookupId}/verify`, {
      ip,
      body: { otp },
    });
    now = saved;
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('invalid_otp');
  });

  it('after 5 wrong attempts even the right OTP fails', async () => {
    const p = await vaccinatedPerson();
    const ip = freshIp();
    const res = await t.call('POST', '/api/portal/certificate-lookups', {
      ip,
      body: { fullName: p.fullName, dateOfBirth: p.dateOfBirth, gender: p.gender, phone: p.phone },
    });
    const otp = otpFrom((await outbox(p.phone))[0]!.text);
    const wrong = otp === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++)
      expect(
        (
          await t.call('POST', `/api/portal/certificate-lookups/${res.body.lookupId}/verify`, {
            ip,
            body: { otp: wrong },
          })
        ).status,
      ).toBe(400);
    expect(
      (await t.call('POST', `/api/portal/certificate-lookups/${res.body.lookupId}/verify`, { ip, body: { otp } }))
        .status,
    ).toBe(400);
  });

  it('429 after the limits per ID number and per client address', async () => {
    const p = await vaccinatedPerson();
    const body = {
      fullName: p.fullName,
      dateOfBirth: p.dateOfBirth,
      gender: p.gender,
      phone: p.phone,
      idNumber: p.idNumber,
    };
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await t.call('POST', '/api/portal/certificate-lookups', { ip: freshIp(), body })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    const ip = freshIp();
    const fromOne = [];
    for (let i = 0; i < 11; i++) {
      fromOne.push(
        (
          await t.call('POST', '/api/portal/certificate-lookups', {
            ip,
            // Another phone each time: one phone has its own limit.
            body: {
              ...body,
              idNumber: undefined,
              fullName: `Người Thử ${i}`,
              phone: `09134${String(i).padStart(5, '0')}`,
            },
          })
        ).status,
      );
    }
    expect(fromOne.slice(0, 10).every((s) => s === 202)).toBe(true);
    expect(fromOne[10]).toBe(429);
  });
});

describe('probing who is vaccinated', () => {
  it('1,000 look-ups with random ID numbers from one address are throttled and reveal nothing', async () => {
    const ip = freshIp();
    const before = (await t.call('GET', '/api/admin/sms-outbox?limit=500', { as: 'admin' })).body.items.length;
    const answers = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const id = `0870${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/portal/certificate-lookups',
        remoteAddress: ip,
        payload: {
          fullName: 'Nguyễn Văn An',
          dateOfBirth: '1990-01-01',
          gender: 'male',
          phone: '0912345678',
          idNumber: id,
        },
      });
      const shape =
        r.statusCode === 202 ? `202:${Object.keys(r.json()).join(',')}` : `${r.statusCode}:${r.json().error.code}`;
      answers.set(shape, (answers.get(shape) ?? 0) + 1);
    }
    // Only two kinds of answer: the same 202 for the first ten, then 429.
    expect([...answers.keys()].sort()).toEqual(['202:lookupId', '429:too_many_requests']);
    expect(answers.get('202:lookupId')).toBe(10);
    const after = (await t.call('GET', '/api/admin/sms-outbox?limit=500', { as: 'admin' })).body.items.length;
    expect(after).toBe(before);
  }, 120_000);
});

describe('reports (Phản ánh thông tin)', () => {
  it('a report gets a tracking code (also by SMS), due 48 hours after receipt; the citizen follows its status', async () => {
    const p = await vaccinatedPerson();
    const res = await t.call('POST', '/api/portal/reports', {
      ip: freshIp(),
      body: {
        category: 'missing_dose',
        fullName: p.fullName,
        dateOfBirth: p.dateOfBirth,
        gender: p.gender,
        phone: p.phone,
        idNumber: p.idNumber,
        description: 'Tôi đã tiêm mũi 3 ngày 05/01/2022 nhưng chưa thấy trên hệ thống. <script>alert(1)</script>',
        dose: { administeredOn: '2022-01-05', vaccineCode: 'EU/1/20/1528', facilityId: 'DT-SD-01' },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.trackingCode).toMatch(/^PA-[2-9A-HJ-NP-Z]{8}$/);
    expect(Date.parse(res.body.dueAt) - Date.parse(res.body.receivedAt)).toBe(48 * 3_600_000);
    expect(res.body.receivedAt).toBe(now.toISOString());
    expect((await outbox(p.phone))[0]).toMatchObject({ kind: 'report_received' });
    expect((await outbox(p.phone))[0]!.text).toContain(res.body.trackingCode);

    const status = await t.call('GET', `/api/portal/reports/${res.body.trackingCode}?phone=${p.phone}`, {
      ip: freshIp(),
    });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ status: 'received', category: 'missing_dose', outcome: null });
    expect(
      (await t.call('GET', `/api/portal/reports/${res.body.trackingCode}?phone=0912000111`, { ip: freshIp() })).status,
    ).toBe(404);
  });

  it('rejects a bad phone and too long a description', async () => {
    const base = {
      category: 'other',
      fullName: 'Lê Văn Tám',
      dateOfBirth: '1990-01-01',
      gender: 'male',
      phone: '0241234567',
      idNumber: '087090000001',
      description: 'x',
    };
    expect((await t.call('POST', '/api/portal/reports', { ip: freshIp(), body: base })).body.error.field).toBe('phone');
    const long = await t.call('POST', '/api/portal/reports', {
      ip: freshIp(),
      body: { ...base, phone: '0912345678', description: 'x'.repeat(2001) },
    });
    expect(long.status).toBe(400);
    expect(long.body.error.field).toBe('description');
  });

  it('refuses a province that does not exist, a dose dated in the future or before 2021, an unknown vaccine and an invalid ID number, naming the field', async () => {
    const base = {
      category: 'missing_dose',
      fullName: 'Lê Văn Tám',
      dateOfBirth: '1990-01-01',
      gender: 'male',
      idNumber: '087090000001',
      description: 'Chưa thấy mũi tiêm trên hệ thống',
      provinceCode: '87',
    };
    const dose = { administeredOn: '2021-10-01', vaccineCode: 'EU/1/20/1528' };
    const cases: [string, Record<string, unknown>, number, string?, string?][] = [
      ['province 99', { provinceCode: '99' }, 400, 'unknown_unit', 'provinceCode'],
      [
        'province 99 without an ID number',
        { provinceCode: '99', idNumber: undefined },
        400,
        'unknown_unit',
        'provinceCode',
      ],
      [
        'dose in 2999',
        { dose: { ...dose, administeredOn: '2999-01-01' } },
        400,
        'report_dose_date_future',
        'dose.administeredOn',
      ],
      [
        'dose tomorrow',
        { dose: { ...dose, administeredOn: '2022-01-11' } },
        400,
        'report_dose_date_future',
        'dose.administeredOn',
      ],
      [
        'dose in 1990',
        { dose: { ...dose, administeredOn: '1990-01-01' } },
        400,
        'report_dose_date_too_early',
        'dose.administeredOn',
      ],
      [
        'dose on 31/12/2020',
        { dose: { ...dose, administeredOn: '2020-12-31' } },
        400,
        'report_dose_date_too_early',
        'dose.administeredOn',
      ],
      [
        'vaccine FAKE-VAX',
        { dose: { ...dose, vaccineCode: 'FAKE-VAX' } },
        400,
        'report_vaccine_unknown',
        'dose.vaccineCode',
      ],
      ['ID number "12"', { idNumber: '12' }, 400, undefined, 'idNumber'],
      ['CCCD of a woman for a man', { idNumber: '087190000001' }, 400, 'id_number_sex_mismatch', 'idNumber'],
      ['dose today', { dose: { ...dose, administeredOn: '2022-01-10' } }, 201],
      ['dose on 1/1/2021', { dose: { administeredOn: '2021-01-01' } }, 201],
      ['a known province, no ID number', { idNumber: undefined, provinceCode: '01' }, 201],
    ];
    let i = 0;
    for (const [name, over, status, code, field] of cases) {
      // A phone of its own each: refused reports count against the phone's limit too.
      const phone = `0919${String(700_000 + i++)}`;
      const res = await t.call('POST', '/api/portal/reports', { ip: freshIp(), body: { ...base, phone, ...over } });
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(status);
      if (status === 201) continue;
      if (code) expect(res.body.error.code, name).toBe(code);
      expect(res.body.error.field, name).toBe(field);
      expect(await outbox(phone), name).toEqual([]);
    }
  });

  async function newReport() {
    const p = await vaccinatedPerson();
    const r = await t.call('POST', '/api/portal/reports', {
      ip: freshIp(),
      body: {
        category: 'wrong_dose',
        fullName: p.fullName,
        dateOfBirth: p.dateOfBirth,
        gender: p.gender,
        phone: p.phone,
        idNumber: p.idNumber,
        description: 'Sai ngày tiêm mũi 2',
      },
    });
    return { trackingCode: r.body.trackingCode as string, phone: p.phone as string };
  }

  function upload(trackingCode: string, phone: string, bytes: Buffer, filename: string) {
    const form = new FormData();
    form.append('phone', phone);
    form.append('photo', bytes, { filename, contentType: 'image/jpeg' });
    return t.app.inject({
      method: 'POST',
      url: `/api/portal/reports/${trackingCode}/evidence`,
      headers: form.getHeaders(),
      payload: form.getBuffer(),
      remoteAddress: freshIp(),
    });
  }

  it('accepts a JPEG photo of the paper confirmation', async () => {
    const { trackingCode, phone } = await newReport();
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#e0e0e0' } })
      .jpeg()
      .toBuffer();
    const res = await upload(trackingCode, phone, jpeg, 'giay-xac-nhan.jpg');
    expect(res.statusCode).toBe(204);
    const status = await t.call('GET', `/api/portal/reports/${trackingCode}?phone=${phone}`, { ip: freshIp() });
    expect(status.body.hasEvidence).toBe(true);
  });

  it('rejects a non-image renamed .jpg (type checked by content) and a file over 5 MB', async () => {
    const { trackingCode, phone } = await newReport();
    const fake = await upload(trackingCode, phone, Buffer.from('%PDF-1.4 this is not a picture'), 'anh.jpg');
    expect(fake.statusCode).toBe(415);
    expect(fake.json().error.code).toBe('evidence_not_image');
    const big = await upload(
      trackingCode,
      phone,
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(5 * 1024 * 1024 + 10)]),
      'to.jpg',
    );
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
  });
});

describe('registration (Đăng ký tiêm)', () => {
  it('registers with OTP, is assigned by the province, invited by the facility, and checked in at the site by QR', async () => {
    const c = buildPersonIn('87');
    const ip = freshIp();
    const start = await t.call('POST', '/api/portal/registrations', {
      ip,
      body: {
        fullName: c.fullName,
        dateOfBirth: c.dateOfBirth,
        gender: c.gender,
        phone: c.phone,
        idNumber: c.idNumber,
        priorityGroup: 'teacher',
        occupation: 'Giáo viên',
        provinceCode: '87',
        districtCode: '866',
        nationality: 'VN',
        ethnicity: 'Kinh',
        preferredDate: '2022-01-15',
        checklist: Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no'])),
        consent: true,
      },
    });
    expect(start.status).toBe(202);
    const otp = otpFrom((await outbox(c.phone))[0]!.text);
    const confirmed = await t.call('POST', `/api/portal/registrations/${start.body.registrationId}/verify`, {
      ip,
      body: { otp },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.qr).toBe(`TCDK:${confirmed.body.code}`);

    const list = await t.call('GET', '/api/registrations', { as: 'dongthap.admin' });
    const reg = list.body.items.find((r: any) => r.code === confirmed.body.code);
    expect(reg).toMatchObject({ status: 'confirmed' });
    // Not to a deactivated facility.
    const closed = await t.call('POST', '/api/facilities', {
      as: 'dongthap.admin',
      body: { name: `Điểm tiêm đã đóng ${c.idNumber}`, kind: 'vaccination_site', unitCode: '29869' },
    });
    expect(closed.status).toBe(201);
    await t.call('POST', `/api/facilities/${closed.body.id}/deactivate`, {
      as: 'dongthap.admin',
      body: { reason: 'Đóng cửa' },
    });
    const refused = await t.call('POST', `/api/registrations/${reg.id}/assign`, {
      as: 'dongthap.admin',
      body: { facilityId: closed.body.id },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'facility_inactive', field: 'facilityId' });
    expect(
      (await t.call('GET', '/api/registrations', { as: 'hanoi.admin' })).body.items.some(
        (r: any) => r.code === confirmed.body.code,
      ),
    ).toBe(false);
    expect(
      (
        await t.call('POST', `/api/registrations/${reg.id}/assign`, {
          as: 'dongthap.admin',
          body: { facilityId: 'DT-CL-01' },
        })
      ).body.status,
    ).toBe('assigned');
    expect(
      (
        await t.call('POST', `/api/registrations/${reg.id}/invite`, {
          as: 'caolanh.tiem',
          body: { date: '2022-01-15' },
        })
      ).body.status,
    ).toBe('invited');
    expect((await outbox(c.phone))[0]).toMatchObject({ kind: 'registration_invite' });
    // A session board asks for the day's invitations of its facility only.
    const invitedOn = async (day: string) =>
      (
        await t.call('GET', `/api/registrations?status=invited&facilityId=DT-CL-01&invitedFor=${day}`, {
          as: 'caolanh.tiem',
        })
      ).body.items.map((r: any) => r.code);
    expect(await invitedOn('2022-01-15')).toContain(confirmed.body.code);
    expect(await invitedOn('2022-01-16')).not.toContain(confirmed.body.code);

    const session = (
      await t.call('POST', '/api/sessions', {
        as: 'caolanh.tiem',
        body: { facilityId: 'DT-CL-01', sessionDate: '2022-01-10' },
      })
    ).body;
    const checkIn = await t.call('POST', `/api/sessions/${session.id}/visits`, {
      as: 'caolanh.tiem',
      body: { registrationQr: confirmed.body.qr },
    });
    expect(checkIn.status).toBe(201);
    expect(checkIn.body.checkInMethod).toBe('registration_qr');
    const person = await t.call('GET', `/api/people/${checkIn.body.personId}`, { as: 'caolanh.tiem' });
    expect(person.body).toMatchObject({ idNumber: c.idNumber, verification: { status: 'verified' } });

    // Picked from the board's list of invited registrants: the same person, recorded as `list`.
    const another = (
      await t.call('POST', '/api/sessions', {
        as: 'caolanh.tiem',
        body: { facilityId: 'DT-CL-01', sessionDate: '2022-01-15' },
      })
    ).body;
    const fromList = await t.call('POST', `/api/sessions/${another.id}/visits`, {
      as: 'caolanh.tiem',
      body: { registrationQr: confirmed.body.qr, method: 'list' },
    });
    expect(fromList.status).toBe(201);
    expect(fromList.body).toMatchObject({ checkInMethod: 'list', personId: checkIn.body.personId });
  });

  /** A confirmed registration of TP Cao Lãnh (Đồng Tháp), as the province's administrator lists it. */
  async function confirmedRegistration() {
    const c = buildPersonIn('87');
    const ip = freshIp();
    const start = await t.call('POST', '/api/portal/registrations', {
      ip,
      body: {
        fullName: c.fullName,
        dateOfBirth: c.dateOfBirth,
        gender: c.gender,
        phone: c.phone,
        idNumber: c.idNumber,
        priorityGroup: 'teacher',
        provinceCode: '87',
        districtCode: '866',
        nationality: 'VN',
        checklist: Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no'])),
        consent: true,
      },
    });
    expect(start.status).toBe(202);
    const otp = otpFrom((await outbox(c.phone))[0]!.text);
    const confirmed = await t.call('POST', `/api/portal/registrations/${start.body.registrationId}/verify`, {
      ip,
      body: { otp },
    });
    expect(confirmed.status).toBe(200);
    const list = await t.call('GET', '/api/registrations', { as: 'dongthap.admin' });
    return { ...list.body.items.find((r: any) => r.code === confirmed.body.code), phone: c.phone };
  }

  it('a district or facility that exists but is not the caller’s is refused 403 out_of_scope, not "unknown"', async () => {
    const reg = await confirmedRegistration();
    const assign = (body: Record<string, string>, as = 'dongthap.admin') =>
      t.call('POST', `/api/registrations/${reg.id}/assign`, { as, body });
    const hnFacility = await assign({ facilityId: 'HN-BD-01' });
    expect(hnFacility.status).toBe(403);
    expect(hnFacility.body.error).toMatchObject({ code: 'out_of_scope', field: 'facilityId' });
    const hnDistrict = await assign({ districtCode: '001' });
    expect(hnDistrict.status).toBe(403);
    expect(hnDistrict.body.error).toMatchObject({ code: 'out_of_scope', field: 'districtCode' });
    // What does not exist is still unknown.
    expect((await assign({ facilityId: 'NO-SUCH' })).body.error).toMatchObject({
      code: 'unknown_facility',
      field: 'facilityId',
    });
    expect((await assign({ districtCode: '999' })).body.error).toMatchObject({
      code: 'unknown_unit',
      field: 'districtCode',
    });
    // The nation reaches every facility, but a registration stays in its province.
    const national = await assign({ facilityId: 'HN-BD-01' }, 'admin');
    expect(national.status).toBe(400);
    expect(national.body.error).toMatchObject({ code: 'registration_other_province', field: 'facilityId' });
    // A district administrator sends its registrations to its own facilities only.
    expect((await assign({ districtCode: '866' })).status).toBe(200);
    const otherDistrict = await assign({ facilityId: 'DT-SD-01' }, 'caolanh.admin');
    expect(otherDistrict.status).toBe(403);
    expect(otherDistrict.body.error).toMatchObject({ code: 'out_of_scope', field: 'facilityId' });
    const own = await assign({ facilityId: 'DT-CL-01' }, 'caolanh.admin');
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ status: 'assigned', assignedFacilityId: 'DT-CL-01', assignedDistrictCode: '866' });
  });

  /** A registration's body for `c` (all of the checklist answered "no"). */
  const registrationBody = (c: ReturnType<typeof buildPersonIn>, over: Record<string, unknown> = {}) => ({
    fullName: c.fullName,
    dateOfBirth: c.dateOfBirth,
    gender: c.gender,
    phone: c.phone,
    idNumber: c.idNumber,
    priorityGroup: 'teacher',
    provinceCode: '87',
    districtCode: '866',
    nationality: 'VN',
    checklist: Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no'])),
    consent: true,
    ...over,
  });

  it('once confirmed, a registration answers no code again: a wrong one or the used one is 400 invalid_otp, and nothing of it shows', async () => {
    const c = buildPersonIn('87');
    const ip = freshIp();
    const start = await t.call('POST', '/api/portal/registrations', { ip, body: registrationBody(c) });
    expect(start.status).toBe(202);
    const otp = otpFrom((await outbox(c.phone))[0]!.text);
    const url = `/api/portal/registrations/${start.body.registrationId}/verify`;
    const confirmed = await t.call('POST', url, { ip, body: { otp } });
    expect(confirmed.status).toBe(200);
    const wrong = otp === '123456' ? '654321' : '123456';
    for (const guess of ['999999', '000000', 'abc', wrong, otp]) {
      const again = await t.call('POST', url, { ip: freshIp(), body: { otp: guess } });
      expect(again.status, guess).toBe(400);
      expect(again.body.error).toMatchObject({ code: 'invalid_otp', field: 'otp' });
      const text = JSON.stringify(again.body);
      expect(text).not.toContain(confirmed.body.code);
      expect(text).not.toContain(c.fullName);
    }
    // Each attempt is counted on the registration, as before its confirmation.
    const row = await t.db
      .selectFrom('registrations')
      .select(['otp_attempts', 'status'])
      .where('id', '=', start.body.registrationId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ otp_attempts: 5, status: 'confirmed' });
    // The confirmation went by SMS once, with the registration code.
    expect((await outbox(c.phone)).filter((m) => m.kind === 'registration_confirmed')).toHaveLength(1);
  });

  it('refuses what the form refuses: a preferred day past or over 90 days ahead, a district or commune not of its province or district, a checklist not the ministry’s', async () => {
    const all = Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no']));
    const { pregnant: _, ...withoutOne } = all;
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`q${i}`, 'no']));
    const cases: [string, Record<string, unknown>, number, string?, string?][] = [
      ['preferred yesterday', { preferredDate: '2022-01-09' }, 400, 'preferred_date_past', 'preferredDate'],
      ['preferred in 2020', { preferredDate: '2020-01-01' }, 400, 'preferred_date_past', 'preferredDate'],
      ['preferred in 91 days', { preferredDate: '2022-04-11' }, 400, 'preferred_date_too_far', 'preferredDate'],
      ['preferred in 2999', { preferredDate: '2999-01-01' }, 400, 'preferred_date_too_far', 'preferredDate'],
      ['district 866 in Hà Nội', { provinceCode: '01', districtCode: '866' }, 400, 'unknown_unit', 'districtCode'],
      ['district 999', { districtCode: '999' }, 400, 'unknown_unit', 'districtCode'],
      ['commune of Sa Đéc in TP Cao Lãnh', { communeCode: '29902' }, 400, 'unknown_unit', 'communeCode'],
      ['commune of Hà Nội', { districtCode: undefined, communeCode: '00001' }, 400, 'unknown_unit', 'communeCode'],
      ['empty checklist', { checklist: {} }, 400, 'validation_failed'],
      ['a question unanswered', { checklist: withoutOne }, 400, 'validation_failed'],
      ['a key not of the checklist', { checklist: { ...all, '<script>': 'yes' } }, 400, 'validation_failed'],
      ['5,000 keys', { checklist: many }, 400],
      ['an answer not allowed', { checklist: { ...all, pregnant: 'maybe' } }, 400, 'validation_failed'],
      ['preferred today', { preferredDate: '2022-01-10' }, 202],
      ['preferred in 90 days', { preferredDate: '2022-04-10' }, 202],
      ['a commune of its district', { communeCode: '29866' }, 202],
    ];
    for (const [name, over, status, code, field] of cases) {
      const c = buildPersonIn('87');
      const res = await t.call('POST', '/api/portal/registrations', {
        ip: freshIp(),
        body: registrationBody(c, over),
      });
      expect(res.status, `${name}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(status);
      if (status === 202) continue;
      if (code) expect(res.body.error.code, name).toBe(code);
      if (field) expect(res.body.error.field, name).toBe(field);
      if (code === 'validation_failed') expect(res.body.error.field, name).toMatch(/^checklist/);
      if (code === 'preferred_date_too_far') expect(res.body.error.message, name).toContain('90');
      expect(await outbox(c.phone), name).toEqual([]);
    }
  });

  it('a nationality is an assigned ISO 3166-1 code: XX, UK and vn are 400 validation_failed naming nationality; VN, FR, GB taken', async () => {
    for (const nationality of ['XX', 'UK', 'ZZ', 'vn']) {
      const c = buildPersonIn('87');
      const res = await t.call('POST', '/api/portal/registrations', {
        ip: freshIp(),
        body: registrationBody(c, { nationality }),
      });
      expect(res.status, nationality).toBe(400);
      expect(res.body.error, nationality).toMatchObject({ code: 'validation_failed', field: 'nationality' });
      expect(res.body.error.message, nationality).toContain('ISO 3166-1');
      expect(await outbox(c.phone), nationality).toEqual([]);
    }
    const vn = buildPersonIn('87');
    expect(
      (await t.call('POST', '/api/portal/registrations', { ip: freshIp(), body: registrationBody(vn) })).status,
    ).toBe(202);
    // A foreign national registers with a passport number.
    for (const [nationality, idNumber] of [
      ['FR', '19AB12345'],
      ['GB', '123456789'],
    ]) {
      const res = await t.call('POST', '/api/portal/registrations', {
        ip: freshIp(),
        body: registrationBody(buildPersonIn('87'), { nationality, idNumber }),
      });
      expect(res.status, `${nationality}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(202);
      const row = await t.db
        .selectFrom('registrations')
        .select('nationality')
        .where('id', '=', res.body.registrationId)
        .executeTakeFirstOrThrow();
      expect(row.nationality).toBe(nationality);
    }
  });

  it('an invitation is for a day from today (in Vietnam) to 90 days ahead; another day is refused and no SMS sent', async () => {
    const reg = await confirmedRegistration();
    await t.call('POST', `/api/registrations/${reg.id}/assign`, {
      as: 'dongthap.admin',
      body: { facilityId: 'DT-CL-01' },
    });
    const sent = async () => (await outbox(reg.phone)).filter((m) => m.kind === 'registration_invite').length;
    const invite = (date: string) =>
      t.call('POST', `/api/registrations/${reg.id}/invite`, { as: 'caolanh.tiem', body: { date } });
    const saved = now;
    try {
      now = new Date('2022-01-10T03:00:00Z');
      const past = await invite('2022-01-09');
      expect(past.status).toBe(400);
      expect(past.body.error).toMatchObject({ code: 'invite_date_past', field: 'date' });
      const ancient = await invite('2020-01-01');
      expect(ancient.body.error).toMatchObject({ code: 'invite_date_past', field: 'date' });
      const far = await invite('2022-04-11');
      expect(far.status).toBe(400);
      expect(far.body.error).toMatchObject({ code: 'invite_date_too_far', field: 'date' });
      expect(far.body.error.message).toContain('90');
      expect((await invite('9999-12-31')).body.error.code).toBe('invite_date_too_far');
      expect(await sent()).toBe(0);
      expect((await invite('2022-04-10')).status).toBe(200);
      expect((await invite('2022-01-10')).status).toBe(200);
      expect(await sent()).toBe(2);
      // 00:30 on 11 January in Vietnam is still 10 January in UTC: the 10th has passed.
      now = new Date('2022-01-10T17:30:00Z');
      expect((await invite('2022-01-10')).body.error).toMatchObject({ code: 'invite_date_past', field: 'date' });
      expect((await invite('2022-01-11')).status).toBe(200);
    } finally {
      now = saved;
    }
  });
});
