import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign as nodeSign, randomUUID, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { base64ToBytes, decodeHcert, encodeHcertSync } from '@tiemchung/core';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { kidOfQr, verifyQrWithCertificate } from '../../test/independent-hcert.js';
import { DCC_VACCINATION_EKU, issueCertificate, selfSignedCertificate } from './x509.js';

const now = new Date('2022-01-10T03:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });
const dir = mkdtempSync(path.join(tmpdir(), 'tiemchung-chain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function certificateQr(): Promise<string> {
  const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
  for (const administeredOn of ['2021-08-01', '2021-08-29']) {
    const res = await t.call('POST', `/api/people/${p.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
    });
    expect(res.status).toBe(201);
  }
  const cert = await t.call('GET', `/api/people/${p.id}/certificate`, { as: 'caolanh.tiem' });
  return cert.body.qr as string;
}

const pemOf = (rawData: string) =>
  `-----BEGIN CERTIFICATE-----\n${rawData.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

/** OpenSSL's own chain check (strict X.509): true when `leaf` verifies up to a CA in `cas`. */
function opensslVerifies(cas: string[], leaf: string): boolean {
  const ca = path.join(dir, `ca-${randomUUID()}.pem`);
  const dsc = path.join(dir, `dsc-${randomUUID()}.pem`);
  writeFileSync(ca, cas.join(''));
  writeFileSync(dsc, leaf);
  try {
    execFileSync('openssl', ['verify', '-x509_strict', '-attime', String(now.getTime() / 1000), '-CAfile', ca, dsc], {
      stdio: 'pipe',
    });
    return true;
  } catch {
    return false;
  }
}

describe('the trust chain: a national CSCA signs every Document Signer Certificate', () => {
  it('given only the EU-form trust list, an independent verifier checks the DSC up to the CSCA and the QR with the DSC', async () => {
    const qr = await certificateQr();
    const list = await t.call('GET', '/api/certificates/trust-list/eu');
    expect(list.status).toBe(200);
    const cscas = list.body.filter((i: any) => i.certificateType === 'CSCA');
    const dscs = list.body.filter((i: any) => i.certificateType === 'DSC');
    expect(cscas.length).toBeGreaterThan(0);
    for (const i of list.body) {
      expect(i.country).toBe('VN');
      // The thumbprint is the SHA-256 of the DER.
      expect(i.thumbprint).toBe(
        new X509Certificate(Buffer.from(i.rawData, 'base64')).fingerprint256.replaceAll(':', '').toLowerCase(),
      );
    }
    const kid = kidOfQr(qr);
    const dsc = dscs.find((i: any) => i.kid === kid);
    expect(dsc, 'the QR’s kid is a DSC of the list').toBeDefined();
    const dscPem = pemOf(dsc.rawData);
    const cscaPems = cscas.map((c: any) => pemOf(c.rawData));

    // OpenSSL (strict) builds the chain DSC → CSCA from the list alone.
    expect(opensslVerifies(cscaPems, dscPem)).toBe(true);
    // The same with node's X.509 (OpenSSL underneath, but its own checks): issued by a CA of the list.
    const leaf = new X509Certificate(dscPem);
    const issuer = cscaPems
      .map((p: string) => new X509Certificate(p))
      .find((c: X509Certificate) => leaf.checkIssued(c));
    expect(issuer).toBeDefined();
    expect(issuer!.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(issuer!.publicKey)).toBe(true);
    expect(leaf.keyUsage).toContain(DCC_VACCINATION_EKU);
    expect(issuer!.subject).toMatch(/CN=Tiêm chủng CSCA/);
    // The QR's signature with the DSC's key, by a decoder that shares no code with ours.
    expect(verifyQrWithCertificate(qr, dscPem)).toBe(true);

    // The JSON trust list carries the same chain for each key.
    const json = await t.call('GET', '/api/certificates/trust-list');
    const entry = json.body.keys.find((k: any) => k.kid === kid);
    expect(entry.chain).toHaveLength(2);
    expect(new X509Certificate(entry.chain[1]).fingerprint256).toBe(issuer!.fingerprint256);
  });

  it('a DSC not signed by the CSCA is refused: self-signed, or signed by another CA', async () => {
    const list = (await t.call('GET', '/api/certificates/trust-list/eu')).body;
    const cscaPems = list.filter((i: any) => i.certificateType === 'CSCA').map((c: any) => pemOf(c.rawData));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const name = { country: 'VN', organization: 'Bộ Y tế Việt Nam', commonName: 'Tiêm chủng DSC giả' };
    const validity = { notBefore: new Date('2021-01-01'), notAfter: new Date('2024-01-01') };
    const selfSigned = selfSignedCertificate({ privateKey, ...name, ...validity });
    const rogueCa = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const byRogue = issueCertificate({
      subjectPublicKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey,
      subject: name,
      // The CSCA's very name, but another key.
      issuer: {
        country: 'VN',
        organization: 'Bộ Y tế Việt Nam',
        commonName: new X509Certificate(cscaPems[0]).subject.split('CN=')[1]!,
      },
      issuerKey: rogueCa,
      ca: false,
      extendedKeyUsage: [DCC_VACCINATION_EKU],
      ...validity,
    });
    for (const der of [selfSigned, byRogue]) {
      const pem = pemOf(Buffer.from(der).toString('base64'));
      expect(opensslVerifies(cscaPems, pem)).toBe(false);
      const leaf = new X509Certificate(pem);
      expect(cscaPems.some((p: string) => leaf.verify(new X509Certificate(p).publicKey))).toBe(false);
    }
  });

  it('a key made before the CSCA (self-signed) is replaced by one under the CSCA at the next signing, and stays trusted', async () => {
    const first = kidOfQr(await certificateQr());
    await t.db.updateTable('signing_keys').set({ csca_id: null }).where('kid', '=', first).execute();
    const next = kidOfQr(await certificateQr());
    expect(next).not.toBe(first);
    const keys = (await t.call('GET', '/api/certificates/trust-list')).body.keys.map((k: any) => k.kid);
    expect(keys).toEqual(expect.arrayContaining([first, next]));
  });

  it('a national administrator rotates the CSCA: the new key hangs under the new CSCA; the old CSCA stays published', async () => {
    const before = (await t.call('GET', '/api/certificates/trust-list/eu')).body.filter(
      (i: any) => i.certificateType === 'CSCA',
    );
    expect((await t.call('POST', '/api/certificates/csca/rotate', { as: 'dongthap.admin' })).status).toBe(403);
    const rotated = await t.call('POST', '/api/certificates/csca/rotate', { as: 'admin' });
    expect(rotated.status).toBe(200);
    const after = (await t.call('GET', '/api/certificates/trust-list/eu')).body;
    const cscas = after.filter((i: any) => i.certificateType === 'CSCA');
    expect(cscas.length).toBe(before.length + 1);
    const newDsc = after.find((i: any) => i.kid === rotated.body.kid);
    const qr = await certificateQr();
    expect(kidOfQr(qr)).toBe(rotated.body.kid);
    const newCsca = cscas.find((c: any) => !before.some((b: any) => b.thumbprint === c.thumbprint));
    expect(opensslVerifies([pemOf(newCsca.rawData)], pemOf(newDsc.rawData))).toBe(true);
    // The DSCs of the old CSCA still verify against the published list (it holds both CSCAs).
    for (const d of after.filter((i: any) => i.certificateType === 'DSC' && i.kid !== rotated.body.kid)) {
      const pem = pemOf(d.rawData);
      const selfSigned = new X509Certificate(pem).checkIssued(new X509Certificate(pem));
      if (!selfSigned)
        expect(
          opensslVerifies(
            cscas.map((c: any) => pemOf(c.rawData)),
            pem,
          ),
        ).toBe(true);
    }
  });

  it('key changes at the same moment wait for each other: every one succeeds and one key stays active', async () => {
    const calls = await Promise.all([
      t.call('POST', '/api/certificates/csca/rotate', { as: 'admin' }),
      t.call('POST', '/api/certificates/keys/rotate', { as: 'admin' }),
      t.call('POST', '/api/certificates/csca/rotate', { as: 'admin' }),
      t.call('POST', '/api/certificates/keys/rotate', { as: 'admin' }),
    ]);
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200, 200]);
    const keys = (await t.call('GET', '/api/certificates/trust-list')).body.keys;
    expect(keys.filter((k: any) => k.active)).toHaveLength(1);
  });
});

/**
 * The EU DCC SDK (`@pathcheck/dcc-sdk`, the verifier library the interoperability issue names),
 * installed apart from the platform by `npm run bench:peer` (bench/peer, bundled for Node 24).
 * `.ci/run` installs it and sets TIEMCHUNG_PEER_SDK=required, so there this test always runs;
 * elsewhere it runs when the bundle is there.
 */
const PEER_BUNDLE = new URL('../../../../../bench/peer/dist/dcc-sdk.cjs', import.meta.url);
const peerWanted = process.env.TIEMCHUNG_PEER_SDK === 'required' || existsSync(PEER_BUNDLE);

describe.runIf(peerWanted)('an EU DCC verifier library, given only the exported trust list', () => {
  interface PeerSdk {
    addCachedCerts(certs: Record<string, string>): void;
    unpackAndVerify(qr: string): Promise<{ status: string; contents?: Map<number, unknown> }>;
  }
  const peer = () => createRequire(import.meta.url)(PEER_BUNDLE.pathname) as PeerSdk;

  it('verifies a platform certificate with the DSC the list chains to its CSCA, and refuses a forged one under that kid', async () => {
    const sdk = peer();
    const qr = await certificateQr();
    const list = (await t.call('GET', '/api/certificates/trust-list/eu')).body;
    const cscaPems = list.filter((i: any) => i.certificateType === 'CSCA').map((c: any) => pemOf(c.rawData));
    // As a verifier loads a gateway list: only the DSCs whose chain to a CSCA of the list holds.
    const chained = list.filter((i: any) => i.certificateType === 'DSC' && opensslVerifies(cscaPems, pemOf(i.rawData)));
    const kid = kidOfQr(qr);
    expect(chained.map((d: any) => d.kid)).toContain(kid);
    sdk.addCachedCerts(Object.fromEntries(chained.map((d: any) => [d.kid, d.rawData])));

    const verified = await sdk.unpackAndVerify(qr);
    expect(verified.status).toBe('verified');
    const claims = verified.contents;
    if (!claims) throw new Error('the library returned no content');
    const hcert = (claims.get(-260) as Map<number, any>).get(1);
    expect(hcert.v[0].co).toBe('VN');

    // The same certificate signed by a key that is not the DSC's, under the DSC's kid: refused.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = encodeHcertSync({
      payload: (await decodeHcert(qr)).payload,
      payloadValidated: true,
      kid: base64ToBytes(kid),
      sign: (data) => new Uint8Array(nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })),
      issuedAt: now,
      expiresAt: new Date(now.getTime() + 365 * 86_400_000),
    });
    expect((await sdk.unpackAndVerify(forged)).status).not.toBe('verified');
  });
});
