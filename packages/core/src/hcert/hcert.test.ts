import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base45Decode, base45Encode } from './base45.js';
import { cborEncode, Tag } from './cbor.js';
import { decodeCoseSign1, encodeCoseSign1, encodeProtectedHeader, sigStructure } from './cose.js';
import { encodeCwtClaims } from './cwt.js';
import { HcertError } from './errors.js';
import { decodeHcert, encodeHcert, encodeHcertSync, verifyHcert } from './hcert.js';
import { base64ToBytes, DCC_KEY_USAGE, es256Signer, type TrustListKey, trustListEntryFor } from './keys.js';
import { buildVaccinationPayload } from './payload.js';
import { zlibDeflate, zlibInflate } from './zlib.js';

const PFIZER = 'EU/1/20/1528';

/** The ministry's signing key, as the server would hold it, and its trust-list entry. */
async function makeIssuer() {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const entry = await trustListEntryFor(keys.publicKey);
  return { entry, kid: base64ToBytes(entry.kid), sign: es256Signer(keys.privateKey) };
}

const tuyetPayload = () =>
  buildVaccinationPayload({
    person: { fullName: 'Nguyễn Thị Ánh Tuyết', dateOfBirth: '1990-04-17' },
    doses: [
      { vaccineCode: PFIZER, administeredOn: '2021-08-01' },
      { vaccineCode: PFIZER, administeredOn: '2021-08-22' },
    ],
    certificateId: '7L7MX3WHVNAC7LAP4L7N42V2QA',
  });

const ISSUED = new Date('2022-01-10T08:00:00Z');
const EXPIRES = new Date('2023-01-10T08:00:00Z'); // 12 months (SPEC: Vaccine passport)
const MID_2022 = new Date('2022-06-01T00:00:00Z');

async function issueFor(issuer: Awaited<ReturnType<typeof makeIssuer>>, payload: unknown = tuyetPayload()) {
  return encodeHcert({ payload, kid: issuer.kid, sign: issuer.sign, issuedAt: ISSUED, expiresAt: EXPIRES });
}

/** Re-packs a (tampered) COSE message as an HC1 string. */
async function repack(cose: Uint8Array): Promise<string> {
  return `HC1:${base45Encode(await zlibDeflate(cose))}`;
}

async function coseOf(qr: string): Promise<Uint8Array> {
  return zlibInflate(base45Decode(qr.slice(4)));
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

async function expectDecodeError(qr: string, code: string) {
  const e = await decodeHcert(qr).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HcertError);
  expect((e as HcertError).code).toBe(code);
}

describe('The ministry issues a signed vaccine passport QR and a verifier checks it offline', () => {
  it('Nguyễn Thị Ánh Tuyết’s certificate (two Pfizer doses) decodes and verifies as valid', async () => {
    const ministry = await makeIssuer();
    const qr = await issueFor(ministry);
    expect(qr).toMatch(/^HC1:[0-9A-Z $%*+\-./:]+$/); // QR alphanumeric mode only

    const decoded = await decodeHcert(qr);
    expect(decoded.payload).toEqual(tuyetPayload());
    expect(decoded.claims).toEqual({ iss: 'VN', iat: ISSUED.getTime() / 1000, exp: EXPIRES.getTime() / 1000 });
    expect(decoded.kid).toEqual(ministry.kid);
    expect(decoded.header.alg).toBe(-7);
    expect(decoded.header.kidLocation).toBe('protected');

    const result = await verifyHcert(qr, { keys: [ministry.entry] }, MID_2022);
    expect(result.result).toBe('valid');
    expect(result.reason).toBeUndefined();
    expect(result.kid).toBe(ministry.entry.kid);
    expect(result.alg).toBe('ES256');
    expect(result.payload?.nam).toEqual({ fn: 'Nguyễn', fnt: 'NGUYEN', gn: 'Thị Ánh Tuyết', gnt: 'THI<ANH<TUYET' });
    expect(result.payload?.v).toMatchObject([{ dn: 2, sd: 2, mp: PFIZER, co: 'VN' }]);
    // The trust list may be given as the bare array too.
    expect((await verifyHcert(qr, [ministry.entry], MID_2022)).result).toBe('valid');
  });

  it('writes plain COSE/CWT CBOR: tag 18, integer keys, byte strings untagged, no map tag 259', async () => {
    const ministry = await makeIssuer();
    const qr = await issueFor(ministry);
    const cose = await coseOf(qr);
    expect(hex(cose.subarray(0, 2))).toBe('d284'); // Tag(18) [4 items]
    const parts = decodeCoseSign1(cose);
    // {1: -7, 4: h'<8-byte kid>'}
    expect(hex(parts.protectedBytes)).toBe(`a201260448${hex(ministry.kid)}`);
    expect(parts.unprotectedHeader.size).toBe(0);
    expect(parts.signature.length).toBe(64);
    // {1: "VN", 4: exp, 6: iat, -260: {1: {...}}}
    const exp = (EXPIRES.getTime() / 1000).toString(16).padStart(8, '0');
    const iat = (ISSUED.getTime() / 1000).toString(16).padStart(8, '0');
    expect(hex(parts.payloadBytes.subarray(0, 20))).toBe(`a40162564e041a${exp}061a${iat}390103a1`.slice(0, 40));
    const all = hex(cose);
    expect(all).not.toContain('d90103'); // tag 259 (cbor-x's explicit Map)
    expect(all).not.toContain('d840'); // tag 64 (typed array)
    expect(all).not.toContain('b900'); // cbor-x's fixed 16-bit map header
  });

  it('a certificate signed by a key that is not in the trust list is unknown_key, with its content still shown', async () => {
    const ministry = await makeIssuer();
    const stranger = await makeIssuer();
    const qr = await issueFor(stranger);
    const result = await verifyHcert(qr, { keys: [ministry.entry] }, MID_2022);
    expect(result.result).toBe('unknown_key');
    expect(result.kid).toBe(stranger.entry.kid);
    expect(result.payload?.nam).toMatchObject({ fnt: 'NGUYEN' });
  });

  it('the same kid with another key (a forged trust-list match) is a bad signature', async () => {
    const ministry = await makeIssuer();
    const forger = await makeIssuer();
    const qr = await encodeHcert({
      payload: tuyetPayload(),
      kid: ministry.kid,
      sign: forger.sign,
      issuedAt: ISSUED,
      expiresAt: EXPIRES,
    });
    expect((await verifyHcert(qr, [ministry.entry], MID_2022)).result).toBe('bad_signature');
  });

  it('after its exp the certificate is expired, and before its iat not yet valid; the content is reported', async () => {
    const ministry = await makeIssuer();
    const qr = await issueFor(ministry);
    const late = await verifyHcert(qr, [ministry.entry], new Date('2023-02-01T00:00:00Z'));
    expect(late.result).toBe('expired');
    expect(late.payload?.v).toMatchObject([{ dn: 2 }]);
    expect(late.claims?.exp).toBe(EXPIRES.getTime() / 1000);
    expect((await verifyHcert(qr, [ministry.entry], new Date('2022-01-01T00:00:00Z'))).result).toBe('not_yet_valid');
  });

  it('one byte changed in the signature or in the payload makes it a bad signature', async () => {
    const ministry = await makeIssuer();
    const qr = await issueFor(ministry);
    const parts = decodeCoseSign1(await coseOf(qr));

    const signature = new Uint8Array(parts.signature);
    signature[10] = signature[10]! ^ 0x01;
    const badSig = await repack(encodeCoseSign1({ ...parts, signature }));
    expect((await verifyHcert(badSig, [ministry.entry], MID_2022)).result).toBe('bad_signature');

    // "TUYET" → "TUYEX" inside the signed CWT: still well-formed, no longer what was signed.
    const payloadBytes = new Uint8Array(parts.payloadBytes);
    const at = hex(payloadBytes).indexOf(hex(new TextEncoder().encode('TUYET'))) / 2;
    expect(at).toBeGreaterThan(0);
    payloadBytes[at + 4] = 'X'.charCodeAt(0);
    const badPayload = await repack(encodeCoseSign1({ ...parts, payloadBytes }));
    const result = await verifyHcert(badPayload, [ministry.entry], MID_2022);
    expect(result.result).toBe('bad_signature');
    expect(result.payload?.nam).toMatchObject({ gnt: 'THI<ANH<TUYEX' });
  });

  it('a trust-list key of another algorithm does not verify an ES256 signature', async () => {
    const ministry = await makeIssuer();
    const qr = await issueFor(ministry);
    const asRsa: TrustListKey = { ...ministry.entry, alg: 'PS256' };
    const result = await verifyHcert(qr, [asRsa], MID_2022);
    expect(result.result).toBe('bad_signature');
    expect(result.reason).toContain('not an ES256 key');
  });

  it('a key whose certificate may only sign test certificates cannot sign a vaccination', async () => {
    const ministry = await makeIssuer();
    const qr = await issueFor(ministry);
    const testsOnly: TrustListKey = { ...ministry.entry, keyUsage: [DCC_KEY_USAGE.t[0]] };
    expect((await verifyHcert(qr, [testsOnly], MID_2022)).result).toBe('wrong_key_usage');
    const vaccinations: TrustListKey = { ...ministry.entry, keyUsage: [DCC_KEY_USAGE.v[0]] };
    expect((await verifyHcert(qr, [vaccinations], MID_2022)).result).toBe('valid');
  });

  it('a signed CWT whose payload is not a DCC is invalid_payload', async () => {
    const ministry = await makeIssuer();
    const protectedBytes = encodeProtectedHeader(ministry.kid);
    const payloadBytes = encodeCwtClaims({ iss: 'VN', iat: 1641801600, exp: 1673337600, payload: { ver: '1.3.0' } });
    const signature = await ministry.sign(sigStructure(protectedBytes, payloadBytes));
    const qr = await repack(encodeCoseSign1({ protectedBytes, payloadBytes, signature }));
    const result = await verifyHcert(qr, [ministry.entry], MID_2022);
    expect(result.result).toBe('invalid_payload');
    expect(result.reason).toContain('nam');
  });
});

describe('The server signs synchronously with node:crypto (encodeHcertSync)', () => {
  it('gives a certificate that verifies like the asynchronous one, and refuses a DER signature', async () => {
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const entry = await trustListEntryFor(keys.publicKey);
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
    const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    const base = { payload: tuyetPayload(), kid: base64ToBytes(entry.kid), issuedAt: ISSUED, expiresAt: EXPIRES };
    const qr = encodeHcertSync({
      ...base,
      sign: (data) => new Uint8Array(nodeSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })),
    });
    const result = await verifyHcert(qr, [entry], MID_2022);
    expect(result.result).toBe('valid');
    expect(result.payload).toEqual(tuyetPayload());
    expect(result.claims).toEqual({ iss: 'VN', iat: ISSUED.getTime() / 1000, exp: EXPIRES.getTime() / 1000 });
    // Everything but the signature (ECDSA is randomised) is the asynchronous encoder's.
    const other = await decodeHcert(await encodeHcert({ ...base, sign: es256Signer(keys.privateKey) }));
    const ours = await decodeHcert(qr);
    expect(ours.cose.protectedBytes).toEqual(other.cose.protectedBytes);
    expect(ours.cose.payloadBytes).toEqual(other.cose.payloadBytes);
    expect(() => encodeHcertSync({ ...base, sign: (data) => new Uint8Array(nodeSign('sha256', data, key)) })).toThrow(
      expect.objectContaining({ code: 'sign' }),
    );
  });
});

describe('Something that is not a valid HCERT is malformed, and says at which stage', () => {
  it.each([
    ['another scheme’s prefix', 'HC2:NCFOXN%TS3DH', 'prefix'],
    ['no prefix at all', 'NCFOXN%TS3DH', 'prefix'],
    ['a URL', 'https://tiemchung.gov.vn/', 'prefix'],
    ['lower-case base45', 'HC1:ncfoxn', 'base45'],
    ['base45 with a character over', 'HC1:NCFO', 'base45'],
  ])('%s → %s', async (_story, qr, code) => {
    await expectDecodeError(qr, code);
    const result = await verifyHcert(qr, []);
    expect(result).toMatchObject({ result: 'malformed', errorCode: code });
  });

  it('base45 that is not zlib → zlib', async () => {
    const qr = `HC1:${base45Encode(new TextEncoder().encode('not compressed at all'))}`;
    await expectDecodeError(qr, 'zlib');
    expect(await verifyHcert(qr, [])).toMatchObject({ result: 'malformed', errorCode: 'zlib' });
  });

  it('zlib that holds no CBOR → cbor', async () => {
    const qr = await repack(new Uint8Array([0xff, 0xff, 0x1c]));
    await expectDecodeError(qr, 'cbor');
  });

  it('CBOR that is not a COSE_Sign1 → cose', async () => {
    await expectDecodeError(await repack(cborEncode([1, 2, 3])), 'cose');
    await expectDecodeError(await repack(cborEncode({ hello: 'world' })), 'cose');
  });

  it('a COSE_Sign1 whose payload is not an HCERT claims map → cwt', async () => {
    const cose = encodeCoseSign1({
      protectedBytes: encodeProtectedHeader(new Uint8Array(8)),
      payloadBytes: cborEncode(new Map([[1, 'VN']])),
      signature: new Uint8Array(64),
    });
    await expectDecodeError(await repack(cose), 'cwt');
  });

  // A time no Date can write (JavaScript's Dates end at 8.64e12 s) once made the server answer 500
  // and the verifier page hang: signed by a trusted key or not, it is malformed, with the reason.
  it.each([
    ['exp 1e15', new Map<number, unknown>([[4, 1e15]]), 'exp'],
    ['iat 1e15', new Map<number, unknown>([[6, 1e15]]), 'iat'],
    ['exp past the last Date (8.64e12 + 1)', new Map<number, unknown>([[4, 8.64e12 + 1]]), 'exp'],
    ['exp in the year 10000', new Map<number, unknown>([[4, 253402300800]]), 'exp'],
    ['exp before 1970', new Map<number, unknown>([[4, -1]]), 'exp'],
    ['exp as a tagged date (tag 1) of 1e15 s', new Map<number, unknown>([[4, new Tag(1e15, 1)]]), 'exp'],
    ['exp Infinity', new Map<number, unknown>([[4, Number.POSITIVE_INFINITY]]), 'exp'],
    ['exp a huge bigint', new Map<number, unknown>([[4, 2n ** 70n]]), 'exp'],
  ])(
    'a CWT time that is no real date (%s) → cwt, malformed even when signed by a trusted key',
    async (_s, claims, name) => {
      const ministry = await makeIssuer();
      const map = new Map<number, unknown>([
        [1, 'VN'],
        [4, 1673337600],
        [6, 1641801600],
        [-260, new Map([[1, tuyetPayload()]])],
      ]);
      for (const [k, v] of claims) map.set(k, v);
      const protectedBytes = encodeProtectedHeader(ministry.kid);
      const payloadBytes = cborEncode(map);
      const signature = await ministry.sign(sigStructure(protectedBytes, payloadBytes));
      const qr = await repack(encodeCoseSign1({ protectedBytes, payloadBytes, signature }));
      await expectDecodeError(qr, 'cwt');
      const result = await verifyHcert(qr, [ministry.entry], MID_2022);
      expect(result).toMatchObject({ result: 'malformed', errorCode: 'cwt' });
      expect(result.reason).toContain(`claim ${name}`);
    },
  );

  it('the last second of 9999 is still a time (expiry far away), not malformed', async () => {
    const ministry = await makeIssuer();
    const protectedBytes = encodeProtectedHeader(ministry.kid);
    const payloadBytes = encodeCwtClaims({ iss: 'VN', iat: 1641801600, exp: 253402300799, payload: tuyetPayload() });
    const signature = await ministry.sign(sigStructure(protectedBytes, payloadBytes));
    const qr = await repack(encodeCoseSign1({ protectedBytes, payloadBytes, signature }));
    expect(await verifyHcert(qr, [ministry.entry], MID_2022)).toMatchObject({
      result: 'valid',
      claims: { exp: 253402300799 },
    });
  });

  it('a tagged date in the payload that no Date can hold → cwt, never a thrown RangeError', async () => {
    const ministry = await makeIssuer();
    const payload = tuyetPayload();
    const map = new Map<number, unknown>([
      [1, 'VN'],
      [4, 1673337600],
      [6, 1641801600],
      [-260, new Map([[1, { ...payload, v: [{ ...payload.v![0], dt: new Tag(1e15, 1) }] }]])],
    ]);
    const protectedBytes = encodeProtectedHeader(ministry.kid);
    const payloadBytes = cborEncode(map);
    const signature = await ministry.sign(sigStructure(protectedBytes, payloadBytes));
    const qr = await repack(encodeCoseSign1({ protectedBytes, payloadBytes, signature }));
    expect(await verifyHcert(qr, [ministry.entry], MID_2022)).toMatchObject({
      result: 'malformed',
      errorCode: 'cwt',
      reason: expect.stringContaining('payload.v[0].dt'),
    });
  });
});

describe('The encoder refuses what would make a bad certificate', () => {
  it('a DER signature (node:crypto’s default) instead of raw r‖s → sign', async () => {
    const ministry = await makeIssuer();
    const der = async () => new Uint8Array(71);
    await expect(
      encodeHcert({ payload: tuyetPayload(), kid: ministry.kid, sign: der, issuedAt: ISSUED, expiresAt: EXPIRES }),
    ).rejects.toMatchObject({ code: 'sign' });
  });

  it('a kid that is not 8 bytes, or an expiry before the issue date → input', async () => {
    const ministry = await makeIssuer();
    const base = { payload: tuyetPayload(), sign: ministry.sign, issuedAt: ISSUED, expiresAt: EXPIRES };
    await expect(encodeHcert({ ...base, kid: new Uint8Array(7) })).rejects.toMatchObject({ code: 'input' });
    await expect(encodeHcert({ ...base, kid: ministry.kid, expiresAt: ISSUED })).rejects.toMatchObject({
      code: 'input',
    });
  });

  it('a payload that does not meet the DCC schema → payload', async () => {
    const ministry = await makeIssuer();
    await expect(
      encodeHcert({
        payload: { ver: '1.3.0' },
        kid: ministry.kid,
        sign: ministry.sign,
        issuedAt: ISSUED,
        expiresAt: EXPIRES,
      }),
    ).rejects.toMatchObject({ code: 'payload' });
  });
});
