/**
 * An independent check of what we issue: this file decodes and verifies the `HC1:` string with
 * none of the hcert code — its own base45, `node:zlib`, cbor-x's default decoder, a Sig_structure
 * built by hand and `node:crypto` — as a foreign verifier would.
 */
import { createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { decode as cborDecode, Tag } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { encodeHcert, verifyHcert } from './hcert.js';
import { base64ToBytes, computeKid, es256Signer, type TrustListKey, trustListEntryFor } from './keys.js';
import { buildVaccinationPayload } from './payload.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

function b45decode(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 3) {
    const chunk = [...s.slice(i, i + 3)].map((c) => {
      const v = ALPHABET.indexOf(c);
      if (v < 0) throw new Error(`bad base45 ${c}`);
      return v;
    });
    const n = chunk.reduce((acc, v, k) => acc + v * 45 ** k, 0);
    if (chunk.length === 3) out.push(Math.floor(n / 256), n % 256);
    else out.push(n);
  }
  return Buffer.from(out);
}

function b45encode(bytes: Buffer): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 < bytes.length) {
      const n = bytes[i]! * 256 + bytes[i + 1]!;
      s += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45) % 45]! + ALPHABET[Math.floor(n / 2025)]!;
    } else {
      s += ALPHABET[bytes[i]! % 45]! + ALPHABET[Math.floor(bytes[i]! / 45)]!;
    }
  }
  return s;
}

/** A CBOR byte-string header (major type 2) for `length` bytes. */
function bstrHeader(length: number): Buffer {
  if (length < 24) return Buffer.from([0x40 | length]);
  if (length < 0x100) return Buffer.from([0x58, length]);
  if (length < 0x10000) return Buffer.from([0x59, length >> 8, length & 0xff]);
  throw new Error('too long for this test');
}

interface Independent {
  coseBytes: Buffer;
  protectedBytes: Buffer;
  payloadBytes: Buffer;
  signature: Buffer;
  protectedHeader: Record<string, unknown>;
  claims: Record<string, unknown>;
}

function independentDecode(qr: string): Independent {
  expect(qr.startsWith('HC1:')).toBe(true);
  const coseBytes = inflateSync(b45decode(qr.slice(4)));
  const tagged = cborDecode(coseBytes) as Tag;
  expect(tagged).toBeInstanceOf(Tag);
  expect(tagged.tag).toBe(18);
  const [protectedBytes, unprotected, payloadBytes, signature] = tagged.value as [Buffer, unknown, Buffer, Buffer];
  expect(unprotected instanceof Map ? unprotected.size : Object.keys(unprotected as object).length).toBe(0);
  return {
    coseBytes,
    protectedBytes,
    payloadBytes,
    signature,
    protectedHeader: cborDecode(protectedBytes) as Record<string, unknown>,
    claims: cborDecode(payloadBytes) as Record<string, unknown>,
  };
}

function independentVerify(
  d: Pick<Independent, 'protectedBytes' | 'payloadBytes' | 'signature'>,
  pem: string,
): boolean {
  const sigStructure = Buffer.concat([
    Buffer.from([0x84, 0x6a]), // array(4), text(10)
    Buffer.from('Signature1', 'ascii'),
    bstrHeader(d.protectedBytes.length),
    d.protectedBytes,
    Buffer.from([0x40]), // external_aad: empty byte string
    bstrHeader(d.payloadBytes.length),
    d.payloadBytes,
  ]);
  return nodeVerify('sha256', sigStructure, { key: pem, dsaEncoding: 'ieee-p1363' }, d.signature);
}

/** Re-assembles Tag(18)[protected, {}, payload, signature] by hand and packs it as HC1. */
function independentRepack(d: Pick<Independent, 'protectedBytes' | 'payloadBytes' | 'signature'>): string {
  const cose = Buffer.concat([
    Buffer.from([0xd2, 0x84]),
    bstrHeader(d.protectedBytes.length),
    d.protectedBytes,
    Buffer.from([0xa0]),
    bstrHeader(d.payloadBytes.length),
    d.payloadBytes,
    bstrHeader(d.signature.length),
    d.signature,
  ]);
  return `HC1:${b45encode(deflateSync(cose))}`;
}

const PFIZER = 'EU/1/20/1528';
const payload = buildVaccinationPayload({
  person: { fullName: 'Nguyễn Thị Ánh Tuyết', dateOfBirth: '1990-04-17' },
  doses: [
    { vaccineCode: PFIZER, administeredOn: '2021-08-01' },
    { vaccineCode: PFIZER, administeredOn: '2021-08-22' },
  ],
  certificateId: 'A1B2C3D4E5F6G7H8J9K0',
});
const ISSUED = new Date('2022-01-10T08:00:00Z');
const EXPIRES = new Date('2023-01-10T08:00:00Z');
const NOW = new Date('2022-06-01T00:00:00Z');

async function issue() {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const entry = await trustListEntryFor(keys.publicKey);
  const qr = await encodeHcert({
    payload,
    kid: base64ToBytes(entry.kid),
    sign: es256Signer(keys.privateKey),
    issuedAt: ISSUED,
    expiresAt: EXPIRES,
  });
  return { qr, entry };
}

describe('A foreign verifier with its own tools reads and verifies our QR', () => {
  it('decodes it with node:zlib and cbor-x, rebuilds the Sig_structure by hand and verifies with node:crypto', async () => {
    const { qr, entry } = await issue();
    const d = independentDecode(qr);
    expect(d.protectedHeader).toEqual({ 1: -7, 4: Buffer.from(base64ToBytes(entry.kid)) });
    expect(d.claims[1]).toBe('VN');
    expect(d.claims[4]).toBe(EXPIRES.getTime() / 1000);
    expect(d.claims[6]).toBe(ISSUED.getTime() / 1000);
    expect((d.claims[-260] as Record<string, unknown>)[1]).toEqual(payload);
    expect(d.signature.length).toBe(64);
    expect(independentVerify(d, entry.publicKeyPem)).toBe(true);
    // The kid is the first 8 bytes of SHA-256 over the SPKI DER (no X.509 certificate here).
    const spki = createPublicKey(entry.publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(Buffer.from(await computeKid(spki))).toEqual(Buffer.from(base64ToBytes(entry.kid)));
  });

  it('one byte changed in the signature fails both verifiers', async () => {
    const { qr, entry } = await issue();
    const d = independentDecode(qr);
    const signature = Buffer.from(d.signature);
    signature[0] = signature[0]! ^ 0x80;
    const tampered = { ...d, signature };
    expect(independentVerify(tampered, entry.publicKeyPem)).toBe(false);
    expect((await verifyHcert(independentRepack(tampered), [entry], NOW)).result).toBe('bad_signature');
    // Unchanged, the hand re-packed QR still verifies in ours: the framing is what we think it is.
    expect((await verifyHcert(independentRepack(d), [entry], NOW)).result).toBe('valid');
  });

  it('one byte changed in the payload (the date of the dose) fails both verifiers', async () => {
    const { qr, entry } = await issue();
    const d = independentDecode(qr);
    const payloadBytes = Buffer.from(d.payloadBytes);
    const at = payloadBytes.indexOf('2021-08-22');
    expect(at).toBeGreaterThan(0);
    payloadBytes[at + 9] = '3'.charCodeAt(0); // 2021-08-23
    const tampered = { ...d, payloadBytes };
    expect(independentVerify(tampered, entry.publicKeyPem)).toBe(false);
    const ours = await verifyHcert(independentRepack(tampered), [entry], NOW);
    expect(ours.result).toBe('bad_signature');
    expect(ours.payload?.v).toMatchObject([{ dt: '2021-08-23' }]);
  });

  it('the server’s recipe — node:crypto with dsaEncoding ieee-p1363 — signs certificates we verify', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const entry: TrustListKey = {
      kid: Buffer.from(await computeKid(spki)).toString('base64'),
      alg: 'ES256',
      publicKeyPem: pem,
    };
    const qr = await encodeHcert({
      payload,
      kid: base64ToBytes(entry.kid),
      sign: async (data) => nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
      issuedAt: ISSUED,
      expiresAt: EXPIRES,
    });
    expect((await verifyHcert(qr, { keys: [entry] }, NOW)).result).toBe('valid');
    expect(independentVerify(independentDecode(qr), pem)).toBe(true);
    // node:crypto's default (DER) signature is refused rather than issued unverifiable.
    await expect(
      encodeHcert({
        payload,
        kid: base64ToBytes(entry.kid),
        sign: async (data) => nodeSign('sha256', data, privateKey),
        issuedAt: ISSUED,
        expiresAt: EXPIRES,
      }),
    ).rejects.toMatchObject({ code: 'sign' });
  });
});
