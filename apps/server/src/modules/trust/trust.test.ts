import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  base45Decode,
  base45Encode,
  buildVaccinationPayload,
  decodeCoseSign1,
  encodeCoseSign1,
  encodeCwtClaims,
  encodeHcertSync,
  encodeProtectedHeader,
  sigStructure,
  zlibDeflateSync,
  zlibInflate,
} from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/harness.js';
import { listAudit } from '../audit/audit.service.js';
import { selfSignedCertificate } from '../certificates/x509.js';
import { parseAnchor } from './trust.service.js';

let now = new Date('2022-03-01T03:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });
let ipSeq = 1;
const freshIp = () => `10.44.${Math.floor(ipSeq / 250)}.${ipSeq++ % 250}`;

/** A foreign state's Document Signer: a P-256 key and its self-signed certificate. */
function foreignSigner(country: string, name = `DSC ${country}`) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = selfSignedCertificate({
    privateKey,
    commonName: name,
    organization: `Health ministry ${country}`,
    country,
    notBefore: new Date('2021-06-01T00:00:00Z'),
    notAfter: new Date('2023-06-01T00:00:00Z'),
  });
  const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`;
  return { privateKey, der, pem, kid: parseAnchor(country, pem).kid };
}

/** The payload of a foreign certificate: Anna Müller's two Pfizer doses, issued in `country`. */
function annaMuller(country: string) {
  return buildVaccinationPayload({
    person: { fullName: 'Müller Anna', dateOfBirth: '1985-05-05' },
    doses: [
      { vaccineCode: 'EU/1/20/1528', administeredOn: '2021-07-01' },
      { vaccineCode: 'EU/1/20/1528', administeredOn: '2021-07-29' },
    ],
    certificateId: 'DE0123456789ABCDEF',
    country: country as 'VN',
    issuer: `Robert Koch-Institut (${country})`,
  });
}

/** A vaccination certificate of `country`, signed by `key` and naming `kid`. */
function certificateOf(country: string, key: KeyObject, kid: string, expiresAt = new Date('2022-12-01T00:00:00Z')) {
  return encodeHcertSync({
    payload: annaMuller(country),
    payloadValidated: true,
    kid: Buffer.from(kid, 'base64'),
    sign: (data) => new Uint8Array(sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })),
    issuedAt: new Date('2021-08-01T00:00:00Z'),
    expiresAt,
  });
}

/**
 * A certificate with the CWT times as given (seconds, written as they are), signed by `key`: what
 * anyone can make with a key of their own (forge500.mjs of the probe).
 */
function certificateWithTimes(key: KeyObject, kid: string, times: { iat: number; exp: number }) {
  const protectedBytes = encodeProtectedHeader(Buffer.from(kid, 'base64'));
  const payloadBytes = encodeCwtClaims({
    iss: 'DE',
    ...times,
    payload: annaMuller('DE'),
  });
  const signature = new Uint8Array(
    sign('sha256', sigStructure(protectedBytes, payloadBytes), { key, dsaEncoding: 'ieee-p1363' }),
  );
  return `HC1:${base45Encode(zlibDeflateSync(encodeCoseSign1({ protectedBytes, payloadBytes, signature })))}`;
}

async function addAnchor(body: unknown, as = 'admin') {
  return t.call('POST', '/api/admin/trust-anchors', { as, body });
}

const verify = (qr: string) => t.call('POST', '/api/verify', { ip: freshIp(), body: { qr } });

async function tamper(qr: string) {
  const parts = decodeCoseSign1(await zlibInflate(base45Decode(qr.slice(4))));
  const signature = new Uint8Array(parts.signature);
  signature[7]! ^= 0x10;
  return `HC1:${base45Encode(zlibDeflateSync(encodeCoseSign1({ ...parts, signature })))}`;
}

describe('foreign trust anchors and POST /api/verify', () => {
  it('a German certificate: unknown key until its DSC is imported, then valid; tampered, expired and a colliding kid', async () => {
    const de = foreignSigner('DE');
    const qr = certificateOf('DE', de.privateKey, de.kid);
    const before = await verify(qr);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ result: 'unknown_key', signatureValid: false, kid: de.kid });

    // Only national administrators import anchors.
    expect((await addAnchor({ country: 'DE', certificatePem: de.pem }, 'dongthap.admin')).status).toBe(403);
    const added = await addAnchor({ country: 'DE', certificatePem: de.pem });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toMatchObject({
      added: 1,
      unchanged: 0,
      anchors: [{ country: 'DE', kid: de.kid, alg: 'ES256' }],
    });
    expect((await listAudit(t.db, 'trust_anchor', added.body.anchors[0].id)).map((a) => a.action)).toEqual([
      'trust_anchor.add',
    ]);
    // The same certificate again changes nothing.
    expect((await addAnchor({ country: 'DE', certificatePem: de.pem })).body).toMatchObject({ added: 0, unchanged: 1 });

    const ok = await verify(qr);
    expect(ok.body).toMatchObject({
      result: 'valid',
      signatureValid: true,
      issuerCountry: 'DE',
      certificate: { nam: { fnt: 'MUELLER' }, v: [{ co: 'DE', dn: 2 }] },
    });
    expect((await verify(await tamper(qr))).body).toMatchObject({ result: 'invalid_signature', signatureValid: false });
    expect((await verify('HC1:NOT-A-CERTIFICATE')).body).toMatchObject({ result: 'malformed', certificate: null });
    // Signed by the trusted key but not plausible: a country "XY" is in no EU value set.
    const xy = await verify(certificateOf('XY', de.privateKey, de.kid));
    expect(xy.body).toMatchObject({
      result: 'malformed',
      signatureValid: true,
      ruleFindings: [{ rule: 'VS-V-CO', field: 'v[0].co' }],
    });

    // A certificate past its exp: the signature is right, the certificate expired.
    const old = certificateOf('DE', de.privateKey, de.kid, new Date('2022-01-01T00:00:00Z'));
    expect((await verify(old)).body).toMatchObject({ result: 'expired', signatureValid: true });
    // Not valid yet: issued after the verifier's clock.
    const saved = now;
    now = new Date('2021-07-01T00:00:00Z');
    try {
      expect((await verify(qr)).body).toMatchObject({ result: 'not_yet_valid', signatureValid: true });
    } finally {
      now = saved;
    }

    // Another state's DSC whose kid collides with Germany's: both are tried, the right one verifies.
    const cz = foreignSigner('CZ');
    const collidingCz = certificateOf('CZ', cz.privateKey, de.kid);
    const czAnchor = await addAnchor({ country: 'CZ', certificatePem: cz.pem });
    expect(czAnchor.status).toBe(200);
    await t.db
      .updateTable('trust_anchors')
      .set({ kid: de.kid })
      .where('id', '=', czAnchor.body.anchors[0].id)
      .execute();
    // (The list is kept a minute per node; the import cleared it, the direct change above did not.)
    const removed = await t.call('DELETE', `/api/admin/trust-anchors/${added.body.anchors[0].id}`, { as: 'admin' });
    expect(removed.status).toBe(204);
    const readded = await addAnchor({ country: 'DE', certificatePem: de.pem });
    expect(readded.body.added).toBe(1);
    expect((await verify(qr)).body).toMatchObject({ result: 'valid', issuerCountry: 'DE' });
    expect((await verify(collidingCz)).body).toMatchObject({ result: 'valid', issuerCountry: 'CZ' });
  });

  it("applies a destination's acceptance rules (CertLogic) and says which one fails", async () => {
    const at = foreignSigner('AT');
    expect((await addAnchor({ country: 'AT', certificatePem: at.pem })).status).toBe(200);
    const saved = now;
    now = new Date('2022-04-01T03:00:00Z');
    try {
      const ok = await t.call('POST', '/api/verify', {
        ip: freshIp(),
        body: { qr: certificateOf('AT', at.privateKey, at.kid), destination: 'VN' },
      });
      expect(ok.body).toMatchObject({ result: 'valid', acceptance: { destination: 'VN', passed: true } });
      expect(ok.body.acceptance.rules.map((r: any) => r.id)).toEqual([
        'GR-VN-0000',
        'VR-VN-0000',
        'VR-VN-0001',
        'VR-VN-0002',
      ]);
      // One dose of two: the series rule fails, named with its reason in Vietnamese.
      const one = encodeHcertSync({
        payload: buildVaccinationPayload({
          person: { fullName: 'Huber Max', dateOfBirth: '1990-02-02' },
          doses: [{ vaccineCode: 'EU/1/20/1528', administeredOn: '2022-01-15' }],
          certificateId: 'AT0123456789ABCDEF',
          country: 'AT',
        }),
        payloadValidated: true,
        kid: Buffer.from(at.kid, 'base64'),
        sign: (data) => new Uint8Array(sign('sha256', data, { key: at.privateKey, dsaEncoding: 'ieee-p1363' })),
        issuedAt: new Date('2022-01-20T00:00:00Z'),
        expiresAt: new Date('2022-12-01T00:00:00Z'),
      });
      const partial = await t.call('POST', '/api/verify', { ip: freshIp(), body: { qr: one, destination: 'VN' } });
      expect(partial.body.result).toBe('valid');
      expect(partial.body.acceptance.passed).toBe(false);
      const failed = partial.body.acceptance.rules.filter((r: any) => r.result === 'failed');
      expect(failed).toMatchObject([
        { id: 'VR-VN-0000', description: { vi: expect.stringMatching(/đủ liều cơ bản/) } },
      ]);
    } finally {
      now = saved;
    }
    const rules = await t.call('GET', '/api/verify/rules/VN');
    expect(rules.body.rules.map((r: any) => r.Identifier)).toContain('VR-VN-0000');
    expect(rules.body.rules[0]).toMatchObject({ Engine: 'CERTLOGIC', Country: 'VN', Type: 'Acceptance' });
  });

  it('the EU gateway’s JSON form imports many anchors; a certificate that is not a signing key is refused with its reason', async () => {
    const se = foreignSigner('SE');
    const fi = foreignSigner('FI');
    const res = await addAnchor(
      [se, fi].map((s, i) => ({
        kid: s.kid,
        country: i ? 'FI' : 'SE',
        certificateType: 'DSC',
        rawData: Buffer.from(s.der).toString('base64'),
        timestamp: '2021-06-01T00:00:00Z',
      })),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.added).toBe(2);
    const list = await t.call('GET', '/api/verify/trust-list');
    expect(list.status).toBe(200);
    expect(list.body.keys.map((k: any) => `${k.country}:${k.kid}`)).toEqual(
      expect.arrayContaining([`SE:${se.kid}`, `FI:${fi.kid}`]),
    );
    expect((await verify(certificateOf('SE', se.privateKey, se.kid))).body.result).toBe('valid');

    const bad = await addAnchor({
      country: 'FR',
      certificatePem: `-----BEGIN CERTIFICATE-----\n${'A'.repeat(200)}\n-----END CERTIFICATE-----`,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'trust_anchor_invalid', field: 'certificatePem' });
    expect(bad.body.error.message).toMatch(/X\.509/);
    const badCountry = await addAnchor({ country: 'germany', certificatePem: se.pem });
    expect(badCountry.status).toBe(400);
  });

  it("the platform's own certificate verifies as VN; one a booster made older stays valid; one replaced by a correction answers revoked", async () => {
    const { buildPersonIn, createPersonVia } = await import('../../test/factories.js');
    const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    for (const administeredOn of ['2021-08-01', '2021-08-29']) {
      await t.call('POST', `/api/people/${p.id}/doses`, {
        as: 'caolanh.tiem',
        headers: { 'idempotency-key': crypto.randomUUID() },
        body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
      });
    }
    const first = (await t.call('GET', `/api/people/${p.id}/certificate`, { as: 'caolanh.tiem' })).body;
    expect((await verify(first.qr)).body).toMatchObject({ result: 'valid', issuerCountry: 'VN', signatureValid: true });
    await t.call('POST', `/api/people/${p.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': crypto.randomUUID() },
      body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', administeredOn: '2022-01-05', facilityId: 'DT-CL-01' },
    });
    // A booster: nothing on the 2/2 certificate is wrong — valid, with a note that a newer one exists.
    const older = (await verify(first.qr)).body;
    expect(older).toMatchObject({ result: 'valid', signatureValid: true });
    expect(older.reason).toMatch(/newer certificate .* exists/);
    // A correction of the person's details withdraws both.
    const second = (await t.call('GET', `/api/people/${p.id}/certificate`, { as: 'caolanh.tiem' })).body;
    const corrected = await t.call('PATCH', `/api/people/${p.id}`, {
      as: 'caolanh.tiem',
      body: { fullName: `${p.fullName} Văn`, reason: 'Sửa họ tên theo giấy tờ' },
    });
    expect(corrected.status).toBe(200);
    expect((await verify(second.qr)).body).toMatchObject({
      result: 'revoked',
      signatureValid: true,
      reason: 'A later certificate of the same person replaced this one (a correction).',
    });
    expect((await verify(first.qr)).body).toMatchObject({ result: 'revoked', signatureValid: true });
  });

  it('a CWT exp or iat no Date can hold (1e15, 8.64e12 + 1) answers 200 malformed with the reason, never 500', async () => {
    const valid = { iat: Date.parse('2021-08-01T00:00:00Z') / 1000, exp: Date.parse('2022-12-01T00:00:00Z') / 1000 };
    // Anyone's key, in no trust list.
    const stranger = foreignSigner('DE', 'Stranger');
    for (const times of [
      { ...valid, exp: 1e15 },
      { ...valid, iat: 1e15 },
      { ...valid, exp: 8.64e12 + 1 },
    ]) {
      const res = await verify(certificateWithTimes(stranger.privateKey, stranger.kid, times));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({
        result: 'malformed',
        signatureValid: false,
        issuedAt: null,
        expiresAt: null,
        reason: expect.stringMatching(/CWT claim (exp|iat)/),
      });
    }
    // Signed by a trusted key, and with a destination's rules asked for: still a verdict.
    const be = foreignSigner('BE');
    expect((await addAnchor({ country: 'BE', certificatePem: be.pem })).status).toBe(200);
    expect((await verify(certificateWithTimes(be.privateKey, be.kid, valid))).body.result).toBe('valid');
    const huge = await t.call('POST', '/api/verify', {
      ip: freshIp(),
      body: { qr: certificateWithTimes(be.privateKey, be.kid, { ...valid, exp: 1e15 }), destination: 'VN' },
    });
    expect(huge.status, JSON.stringify(huge.body)).toBe(200);
    expect(huge.body).toMatchObject({ result: 'malformed', reason: expect.stringContaining('CWT claim exp') });
  });

  it('a destination whose rules the platform does not know: acceptance.passed is null with no rules, not true', async () => {
    const pl = foreignSigner('PL');
    expect((await addAnchor({ country: 'PL', certificatePem: pl.pem })).status).toBe(200);
    const qr = certificateOf('PL', pl.privateKey, pl.kid);
    for (const destination of ['ZZ', 'DE']) {
      const res = await t.call('POST', '/api/verify', { ip: freshIp(), body: { qr, destination } });
      expect(res.status).toBe(200);
      expect(res.body.result).toBe('valid');
      expect(res.body.acceptance).toEqual({ destination, passed: null, rules: [] });
    }
    const saved = now;
    now = new Date('2022-04-01T03:00:00Z');
    try {
      const vn = await t.call('POST', '/api/verify', { ip: freshIp(), body: { qr, destination: 'VN' } });
      expect(vn.body.acceptance).toMatchObject({ destination: 'VN', passed: true });
      expect(vn.body.acceptance.rules.length).toBeGreaterThan(0);
    } finally {
      now = saved;
    }
  });

  it('is rate-limited per address', async () => {
    const ip = '10.45.0.1';
    let last = 0;
    for (let i = 0; i < 601; i++) {
      last = (await t.call('POST', '/api/verify', { ip, body: { qr: 'HC1:X' } })).status;
    }
    expect(last).toBe(429);
  });
});

/** The EU DCC common test vectors (`reference/dcc-testdata`), each through POST /api/verify at its clock. */
const DIR = fileURLToPath(new URL('../../../../../reference/dcc-testdata', import.meta.url));
interface Vector {
  PREFIX?: string;
  TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string; DESCRIPTION: string };
  EXPECTEDRESULTS: Record<string, boolean>;
}

describe('the EU DCC common test vectors through POST /api/verify', () => {
  const vectors = readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(`${DIR}/${f}`, 'utf8')) as Vector] as const);

  it(`answers every vector as it expects (${vectors.length} vectors)`, async () => {
    for (const [, v] of vectors) {
      const res = await addAnchor({ country: 'EU', certificatePem: v.TESTCTX.CERTIFICATE });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    let checked = 0;
    const saved = now;
    try {
      for (const [file, v] of vectors) {
        if (!v.PREFIX) continue;
        const e = v.EXPECTEDRESULTS;
        now = new Date(v.TESTCTX.VALIDATIONCLOCK);
        const res = await verify(v.PREFIX);
        const label = `${file}: ${v.TESTCTX.DESCRIPTION} → ${JSON.stringify(res.body).slice(0, 300)}`;
        expect(res.status, label).toBe(200);
        const r = res.body;
        const decodes = !['EXPECTEDUNPREFIX', 'EXPECTEDB45DECODE', 'EXPECTEDCOMPRESSION', 'EXPECTEDDECODE'].some(
          (k) => e[k] === false,
        );
        if (!decodes) expect(r.result, label).toBe('malformed');
        if (e.EXPECTEDVERIFY === false) expect(r.signatureValid, label).toBe(false);
        if (e.EXPECTEDVERIFY === true) expect(r.signatureValid, label).toBe(true);
        if (e.EXPECTEDEXPIRATIONCHECK === false) expect(['expired', 'not_yet_valid'], label).toContain(r.result);
        if (e.EXPECTEDKEYUSAGE === false) expect(r.result, label).toBe('invalid_signature');
        if (e.EXPECTEDSCHEMAVALIDATION === false) expect(r.result, label).toBe('malformed');
        const allGood =
          decodes &&
          e.EXPECTEDVERIFY !== false &&
          e.EXPECTEDEXPIRATIONCHECK !== false &&
          e.EXPECTEDKEYUSAGE !== false &&
          e.EXPECTEDSCHEMAVALIDATION !== false;
        if (allGood && e.EXPECTEDVERIFY === true && e.EXPECTEDSCHEMAVALIDATION !== undefined) {
          expect(r.result, label).toBe('valid');
        }
        checked++;
      }
    } finally {
      now = saved;
    }
    expect(checked).toBeGreaterThan(30);
    // PS256 (RSA 2048 and 3072), the kid in the unprotected header, a CWT-tagged COSE: all signatures that verify.
    for (const name of ['CO1.json', 'CO2.json', 'CO19.json', 'CO28.json']) {
      const v = vectors.find(([f]) => f === name)![1];
      now = new Date(v.TESTCTX.VALIDATIONCLOCK);
      try {
        expect((await verify(v.PREFIX!)).body.signatureValid, name).toBe(true);
      } finally {
        now = saved;
      }
    }
  });
});
