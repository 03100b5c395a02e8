import { execFileSync } from 'node:child_process';
import { verify as nodeVerify, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { verifyHcert } from '@tiemchung/core';
import { Decoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { listAudit } from '../audit/audit.service.js';

let now = new Date('2022-01-10T03:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });
const PFIZER = 'EU/1/20/1528';

async function vaccinated(dates: string[], over: Record<string, unknown> = {}) {
  const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866', ...over }));
  for (const administeredOn of dates) {
    const r = await t.call('POST', `/api/people/${p.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  return p;
}

const certificateOf = async (id: string) =>
  (await t.call('GET', `/api/people/${id}/certificate`, { as: 'caolanh.tiem' })).body;
const trustList = async () => (await t.call('GET', '/api/certificates/trust-list')).body;

const cbor = new Decoder({ mapsAsObjects: false });
const cborDecode = (b: Uint8Array) => cbor.decode(b);

/** RFC 9285 base45, written here apart from the platform's own code. */
function base45Decode(text: string): Uint8Array {
  const A = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 3) {
    const c = [...text.slice(i, i + 3)].map((ch) => A.indexOf(ch));
    const n = c[0]! + c[1]! * 45 + (c.length === 3 ? c[2]! * 2025 : 0);
    if (c.length === 3) out.push(n >> 8, n & 0xff);
    else out.push(n);
  }
  return Uint8Array.from(out);
}

function plain(v: unknown): any {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

function bstrHeader(n: number): number[] {
  if (n < 24) return [0x40 + n];
  if (n < 256) return [0x58, n];
  return [0x59, n >> 8, n & 0xff];
}

/** Decodes and verifies an HC1 string with plain base45 / zlib / CBOR / node:crypto calls. */
function independentVerify(qr: string, keys: { kid: string; publicKeyPem: string }[]) {
  expect(qr.startsWith('HC1:')).toBe(true);
  const cose = inflateSync(base45Decode(qr.slice(4)));
  const tagged = cborDecode(cose) as { tag: number; value: [Uint8Array, unknown, Uint8Array, Uint8Array] };
  expect(tagged.tag).toBe(18);
  const [protectedBytes, , payloadBytes, signature] = tagged.value;
  const header = cborDecode(protectedBytes) as Map<number, unknown>;
  expect(header.get(1)).toBe(-7); // ES256
  const kid = Buffer.from(header.get(4) as Uint8Array).toString('base64');
  const key = keys.find((k) => k.kid === kid);
  expect(key, 'kid in the trust list').toBeDefined();
  // Sig_structure = ["Signature1", protected, h'', payload], built byte by byte.
  const sigStructure = Buffer.from([
    0x84,
    0x6a,
    ...Buffer.from('Signature1'),
    ...bstrHeader(protectedBytes.length),
    ...protectedBytes,
    0x40,
    ...bstrHeader(payloadBytes.length),
    ...payloadBytes,
  ]);
  const ok = nodeVerify('sha256', sigStructure, { key: key!.publicKeyPem, dsaEncoding: 'ieee-p1363' }, signature);
  const claims = cborDecode(payloadBytes) as Map<number, unknown>;
  const hcert = plain((claims.get(-260) as Map<number, unknown>).get(1));
  return { ok, kid, claims, hcert, cose, signature };
}

describe('the certificate from platform data', () => {
  it('status none, partial (yellow), complete (green), booster (green)', async () => {
    const none = await certificateOf((await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }))).id);
    expect(none).toMatchObject({ status: 'none', color: 'none', qr: null, doses: [] });
    expect(await certificateOf((await vaccinated(['2021-10-01'])).id)).toMatchObject({
      status: 'partial',
      color: 'yellow',
    });
    expect(await certificateOf((await vaccinated(['2021-10-01', '2021-10-29'])).id)).toMatchObject({
      status: 'complete',
      color: 'green',
    });
    expect(await certificateOf((await vaccinated(['2021-07-01', '2021-07-29', '2022-01-05'])).id)).toMatchObject({
      status: 'booster',
      color: 'green',
    });
  });

  it('signs an EU DCC QR that an independent implementation decodes and verifies with the published trust list', async () => {
    const p = await vaccinated(['2021-10-01', '2021-10-29'], { fullName: 'Nguyễn Thị Ánh Tuyết' });
    const cert = await certificateOf(p.id);
    expect(cert.ci).toMatch(/^URN:UVCI:01:VN:/);
    const { keys } = await trustList();
    const r = independentVerify(cert.qr, keys);
    expect(r.ok).toBe(true);
    expect(r.claims.get(1)).toBe('VN');
    expect(r.hcert).toMatchObject({
      ver: '1.3.0',
      nam: { fn: 'Nguyễn', fnt: 'NGUYEN', gn: 'Thị Ánh Tuyết', gnt: 'THI<ANH<TUYET' },
      dob: p.dateOfBirth,
      v: [
        {
          tg: '840539006',
          vp: '1119349007',
          mp: PFIZER,
          ma: 'ORG-100030215',
          dn: 2,
          sd: 2,
          dt: '2021-10-29',
          co: 'VN',
          ci: cert.ci,
        },
      ],
    });
    // The platform's own (core) verifier agrees.
    expect((await verifyHcert(cert.qr, { keys }, now)).result).toBe('valid');

    // One changed byte of the QR text fails verification, in both implementations.
    const tampered = cert.qr.slice(0, 40) + (cert.qr[40] === 'A' ? 'B' : 'A') + cert.qr.slice(41);
    expect((await verifyHcert(tampered, { keys }, now)).result).not.toBe('valid');
    let independentTampered = false;
    try {
      independentTampered = independentVerify(tampered, keys).ok;
    } catch {
      independentTampered = false;
    }
    expect(independentTampered).toBe(false);
  });

  it('a name longer than the DCC allows (up to 100 characters) is fitted on the QR; the PDF prints it whole', async () => {
    const fullName =
      'Tôn Nữ Hoàng Phương Thảo Nguyên Khánh Linh Ngọc Diệp Bảo Quỳnh Hương Trâm Anh Thư Nguyệt Minh Châu';
    const p = await vaccinated(['2021-10-01', '2021-10-29'], { fullName });
    const res = await t.call('GET', `/api/people/${p.id}/certificate`, { as: 'caolanh.tiem' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.person.fullName).toBe(fullName);
    const checked = (await t.call('POST', '/api/verify', { ip: '10.66.1.1', body: { qr: res.body.qr } })).body;
    expect(checked).toMatchObject({ result: 'valid', signatureValid: true });
    expect(checked.certificate.nam).toEqual({
      fn: 'Tôn',
      fnt: 'TON',
      gn: 'Nữ Hoàng Phương Thảo Nguyên Khánh Linh Ngọc Diệp Bảo Quỳnh Hương Trâm Anh Thư',
      gnt: 'NU<HOANG<PHUONG<THAO<NGUYEN<KHANH<LINH<NGOC<DIEP<BAO<QUYNH<HUONG<TRAM<ANH<THU',
    });
    for (const layout of ['a4', 'card']) {
      const pdf = await t.call('GET', `/api/people/${p.id}/certificate.pdf?layout=${layout}`, { as: 'caolanh.tiem' });
      expect(pdf.status).toBe(200);
      expect(pdf.raw.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      if (existsSync('/usr/bin/pdftotext')) {
        const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf.raw.rawPayload })
          .toString('utf8')
          .normalize('NFC')
          .replace(/\s+/g, ' ');
        expect(text).toContain('Nguyệt Minh Châu');
      }
    }
  });

  it('states whether the identity was verified, and lists what would block a vaccine passport', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const p = await createPersonVia(t, { ...body, fullName: `${body.fullName} Khác` });
    await t.call('POST', `/api/people/${p.id}/identity-override`, {
      as: 'caolanh.admin',
      body: { reason: 'Đối chiếu giấy tờ gốc tại điểm tiêm' },
    });
    await t.call('POST', `/api/people/${p.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn: '2021-11-15', facilityId: 'DT-CL-01' },
    });
    const cert = await certificateOf(p.id);
    expect(cert.identity).toMatchObject({ verified: false, status: 'mismatch', override: true });
    expect(cert.passportBlockers.map((b: any) => b.code)).toContain('identity_not_verified');
    expect(cert.qr).toMatch(/^HC1:/);
    const ok = await certificateOf((await vaccinated(['2021-10-01', '2021-10-29'])).id);
    expect(ok.identity.verified).toBe(true);
    expect(ok.passportBlockers).toEqual([]);
  });
});

describe('reissue after a new dose or a correction', () => {
  const statusOf = async (ci: string) =>
    (await t.call('GET', `/api/certificates/status?ci=${encodeURIComponent(ci)}`)).body;
  let ipSeq = 0;
  const verifyQr = async (qr: string) =>
    (await t.call('POST', '/api/verify', { ip: `10.66.0.${++ipSeq % 250}`, body: { qr } })).body;
  const booster = async (personId: string, administeredOn: string) => {
    const r = await t.call('POST', `/api/people/${personId}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  };
  /** A correction of the person's details (a sex entered wrong): everything their certificates showed is in doubt. */
  const correct = async (personId: string) => {
    const person = (await t.call('GET', `/api/people/${personId}`, { as: 'caolanh.tiem' })).body;
    const r = await t.call('PATCH', `/api/people/${personId}`, {
      as: 'caolanh.tiem',
      body: { fullName: `${person.fullName} Văn`, reason: 'Sửa họ tên theo giấy tờ' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };

  it('a booster issues a newer certificate; the earlier 2/2 one stays valid for what it states (not revoked)', async () => {
    const p = await vaccinated(['2021-07-01', '2021-07-29']);
    const first = await certificateOf(p.id);
    expect((await certificateOf(p.id)).ci).toBe(first.ci); // unchanged data: the same certificate
    expect(await statusOf(first.ci)).toMatchObject({ state: 'current' });

    const fixed = await t.call('PATCH', `/api/people/${p.id}`, {
      as: 'caolanh.tiem',
      body: { address: 'Số 5, Phường 1', reason: 'Bổ sung địa chỉ' },
    });
    expect(fixed.status).toBe(200);
    expect((await certificateOf(p.id)).ci).toBe(first.ci); // the address is not on the certificate

    await booster(p.id, '2022-01-05');
    // The online check notices the new dose by itself and issues the newer certificate; the
    // earlier one is not withdrawn (EU DCC practice): a newer one merely exists.
    const state = await statusOf(first.ci);
    expect(state).toEqual({
      ci: first.ci,
      state: 'newer_issued',
      issuedAt: first.issuedAt,
      expiresAt: first.expiresAt,
      newerIssuedAt: now.toISOString(),
      newerCi: expect.stringMatching(/^URN:UVCI/),
    });
    const second = await certificateOf(p.id);
    expect(second.ci).toBe(state.newerCi);
    expect(second.status).toBe('booster');
    const old = await verifyQr(first.qr);
    expect(old).toMatchObject({ result: 'valid', signatureValid: true });
    expect(old.reason).toMatch(/newer certificate .* exists/);
    expect(old.certificate.v[0]).toMatchObject({ dn: 2, sd: 2, ci: first.ci });
    expect((await verifyQr(second.qr)).result).toBe('valid');
    const list = (await t.call('GET', `/api/people/${p.id}/certificates`, { as: 'caolanh.tiem' })).body.items;
    expect(list.find((c: { ci: string }) => c.ci === first.ci)).toMatchObject({
      state: 'superseded',
      supersedeReason: 'new_dose',
      supersededByCi: second.ci,
    });
    const trail = await listAudit(t.db, 'person', p.id);
    expect(trail.map((a) => a.action)).toEqual(expect.arrayContaining(['certificate.issue', 'certificate.reissue']));
    expect(trail.find((a) => a.action === 'certificate.reissue')?.after).toMatchObject({
      supersedes: first.ci,
      supersedeReason: 'new_dose',
    });
  });

  it('a correction withdraws the certificate: superseded (data_changed), the verify API answers revoked', async () => {
    const p = await vaccinated(['2021-07-01', '2021-07-29']);
    const first = await certificateOf(p.id);
    await correct(p.id);
    const state = await statusOf(first.ci);
    expect(state).toMatchObject({
      state: 'superseded',
      reason: 'data_changed',
      supersededByCi: expect.stringMatching(/^URN:UVCI/),
    });
    expect(await verifyQr(first.qr)).toMatchObject({
      result: 'revoked',
      reason: 'A later certificate of the same person replaced this one (a correction).',
    });
    const second = await certificateOf(p.id);
    expect(second.ci).toBe(state.supersededByCi);
    expect((await verifyQr(second.qr)).result).toBe('valid');
  });

  it('a correction after a booster withdraws the certificate the booster left valid too', async () => {
    const p = await vaccinated(['2021-07-01', '2021-07-29']);
    const first = await certificateOf(p.id);
    await booster(p.id, '2022-01-05');
    const second = await certificateOf(p.id);
    expect(await statusOf(first.ci)).toMatchObject({ state: 'newer_issued', newerCi: second.ci });

    await correct(p.id);
    // Asked about the earliest one, the online check brings the record's certificate up to date first.
    expect(await statusOf(first.ci)).toMatchObject({ state: 'superseded', reason: 'data_changed' });
    expect(await statusOf(second.ci)).toMatchObject({ state: 'superseded', reason: 'data_changed' });
    expect((await verifyQr(first.qr)).result).toBe('revoked');
    expect((await verifyQr(second.qr)).result).toBe('revoked');
    const third = await certificateOf(p.id);
    expect((await verifyQr(third.qr)).result).toBe('valid');
    const reissue = (await listAudit(t.db, 'person', p.id)).filter((a) => a.action === 'certificate.reissue').at(-1);
    expect(reissue?.after).toMatchObject({
      supersedes: second.ci,
      supersedeReason: 'data_changed',
      withdrawn: [first.ci],
    });
  });
});

describe('key rotation', () => {
  it('a new key signs; certificates signed with the old key still verify with the trust list', async () => {
    const before = await vaccinated(['2021-10-01', '2021-10-29']);
    const oldCert = await certificateOf(before.id);
    const rotated = await t.call('POST', '/api/certificates/keys/rotate', { as: 'admin' });
    expect(rotated.status).toBe(200);
    expect((await t.call('POST', '/api/certificates/keys/rotate', { as: 'dongthap.admin' })).status).toBe(403);
    const after = await certificateOf((await vaccinated(['2021-10-01'])).id);
    const { keys } = await trustList();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys.filter((k: any) => k.active)).toHaveLength(1);
    const oldCheck = independentVerify(oldCert.qr, keys);
    const newCheck = independentVerify(after.qr, keys);
    expect(oldCheck.ok && newCheck.ok).toBe(true);
    expect(newCheck.kid).toBe(rotated.body.kid);
    expect(oldCheck.kid).not.toBe(rotated.body.kid);
    // Each key also has an X.509 certificate whose SHA-256 gives the kid.
    const { X509Certificate, createHash } = await import('node:crypto');
    for (const k of keys) {
      const x = new X509Certificate(k.certificatePem);
      expect(createHash('sha256').update(x.raw).digest().subarray(0, 8).toString('base64')).toBe(k.kid);
      // Signed by the national CSCA, the last certificate of its chain.
      const csca = new X509Certificate(k.chain.at(-1));
      expect(csca.ca).toBe(true);
      expect(x.verify(csca.publicKey)).toBe(true);
    }
    // A year and a bit later, the old key's certificates have expired: it leaves the trust list.
    now = new Date(now.getTime() + 367 * 86_400_000);
    const later = await trustList();
    now = new Date(now.getTime() - 367 * 86_400_000);
    expect(later.keys.map((k: any) => k.kid)).not.toContain(oldCheck.kid);
  });
});

describe('the printed certificate', () => {
  it('is a PDF whose text has the person’s name with its diacritics', async () => {
    const p = await vaccinated(['2021-10-01', '2021-10-29'], { fullName: 'Đặng Thị Ngọc Hưởng' });
    for (const layout of ['a4', 'card']) {
      const res = await t.call('GET', `/api/people/${p.id}/certificate.pdf?layout=${layout}`, { as: 'caolanh.tiem' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.raw.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      if (existsSync('/usr/bin/pdftotext')) {
        const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: res.raw.rawPayload })
          .toString('utf8')
          .normalize('NFC');
        expect(text).toContain('Đặng Thị Ngọc Hưởng');
        expect(text).toContain('CHỨNG NHẬN TIÊM CHỦNG COVID-19');
      }
    }
  });

  it('prints every person of a session in one PDF', async () => {
    const session = (
      await t.call('POST', '/api/sessions', {
        as: 'caolanh.tiem',
        body: { facilityId: 'DT-CL-01', sessionDate: '2022-01-10' },
      })
    ).body;
    const { SCREENING_QUESTIONS } = await import('@tiemchung/core');
    const names: string[] = [];
    for (let i = 0; i < 2; i++) {
      const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
      names.push(p.fullName);
      const visit = (
        await t.call('POST', `/api/sessions/${session.id}/visits`, { as: 'caolanh.tiem', body: { personId: p.id } })
      ).body;
      await t.call('POST', `/api/visits/${visit.id}/screening`, {
        as: 'caolanh.tiem',
        body: { answers: Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no'])), outcome: 'vaccinate' },
      });
      await t.call('POST', `/api/visits/${visit.id}/dose`, {
        as: 'caolanh.tiem',
        body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
      });
    }
    const res = await t.call('GET', `/api/sessions/${session.id}/certificates.pdf`, { as: 'caolanh.tiem' });
    expect(res.status).toBe(200);
    if (existsSync('/usr/bin/pdftotext')) {
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: res.raw.rawPayload })
        .toString('utf8')
        .normalize('NFC');
      for (const n of names) expect(text).toContain(n);
    }
  });
});
