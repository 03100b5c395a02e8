import { generateKeyPairSync, sign } from 'node:crypto';
import {
  base45Decode,
  base45Encode,
  base64ToBytes,
  buildVaccinationPayload,
  decodeCoseSign1,
  encodeCoseSign1,
  encodeHcertSync,
  type TrustListKey,
  trustListEntryFor,
  verifyHcert,
  zlibDeflateSync,
  zlibInflate,
} from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { nodeSignatureCheck } from './signature-check.js';

const NOW = new Date('2022-06-01T00:00:00Z');

async function issuer() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const webKey = await crypto.subtle.importKey(
    'spki',
    publicKey.export({ type: 'spki', format: 'der' }),
    { name: 'ECDSA', namedCurve: 'P-256' },
    true,
    ['verify'],
  );
  const entry = await trustListEntryFor(webKey);
  const qr = encodeHcertSync({
    payload: buildVaccinationPayload({
      person: { fullName: 'Trần Văn Bình', dateOfBirth: '1975-02-03' },
      doses: [
        { vaccineCode: 'EU/1/20/1528', administeredOn: '2021-08-01' },
        { vaccineCode: 'EU/1/20/1528', administeredOn: '2021-08-29' },
      ],
      certificateId: 'ABCDEFGHJKLMNPQRSTUV',
    }),
    payloadValidated: true,
    kid: base64ToBytes(entry.kid),
    sign: (data) => new Uint8Array(sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' })),
    issuedAt: new Date('2022-01-10T00:00:00Z'),
    expiresAt: new Date('2023-01-10T00:00:00Z'),
  });
  return { entry, qr };
}

async function alter(
  qr: string,
  change: (parts: ReturnType<typeof decodeCoseSign1>) => ReturnType<typeof decodeCoseSign1>,
) {
  const parts = decodeCoseSign1(await zlibInflate(base45Decode(qr.slice(4))));
  return `HC1:${base45Encode(zlibDeflateSync(encodeCoseSign1(change(parts))))}`;
}

describe("the server's signature check (node:crypto) gives verifyHcert the same answers as WebCrypto", () => {
  it('valid, a flipped signature bit, a DER-length signature, another key with the same kid, an unreadable key', async () => {
    const ministry = await issuer();
    const forger = await issuer();
    const flipped = await alter(ministry.qr, (p) => {
      const signature = new Uint8Array(p.signature);
      signature[5]! ^= 1;
      return { ...p, signature };
    });
    const long = await alter(ministry.qr, (p) => ({ ...p, signature: new Uint8Array([...p.signature, 0]) }));
    const forged: TrustListKey = { ...forger.entry, kid: ministry.entry.kid };
    const broken: TrustListKey = {
      ...ministry.entry,
      publicKeyPem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
    };
    const cases: [string, string, TrustListKey[], string][] = [
      ['valid', ministry.qr, [ministry.entry], 'valid'],
      ['flipped', flipped, [ministry.entry], 'bad_signature'],
      ['65 bytes', long, [ministry.entry], 'bad_signature'],
      ['forged kid', ministry.qr, [forged], 'bad_signature'],
      ['colliding kid: the right key second', ministry.qr, [forged, ministry.entry], 'valid'],
      ['unreadable key', ministry.qr, [broken], 'bad_signature'],
    ];
    for (const [name, qr, keys, expected] of cases) {
      const web = await verifyHcert(qr, keys, NOW);
      const node = await verifyHcert(qr, keys, NOW, { checkSignature: nodeSignatureCheck });
      expect(web.result, name).toBe(expected);
      expect(node.result, name).toBe(expected);
    }
  });
});
