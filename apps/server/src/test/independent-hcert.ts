import { createPublicKey, verify } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { Decoder, Tag } from 'cbor-x';

const cbor = new Decoder({ mapsAsObjects: false, useRecords: false });

/**
 * A verifier of the platform's QR built from general libraries only — its own base45, `node:zlib`,
 * cbor-x, a Sig_structure by hand and `node:crypto` — with none of core's hcert code: what a
 * foreign verifier does with a certificate it got from the trust list. For tests.
 */

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

function base45(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 3) {
    const digits = [...s.slice(i, i + 3)].map((c) => {
      const v = ALPHABET.indexOf(c);
      if (v < 0) throw new Error(`not base45: ${c}`);
      return v;
    });
    const n = digits.reduce((acc, v, k) => acc + v * 45 ** k, 0);
    if (digits.length === 3) out.push(Math.floor(n / 256), n % 256);
    else out.push(n);
  }
  return Buffer.from(out);
}

/** The kid (base64) an `HC1:` QR names in its protected header (else the unprotected one). */
export function kidOfQr(qr: string): string {
  const { protectedHeader, unprotected } = coseOf(qr);
  const kid = (protectedHeader.get(4) ?? unprotected?.get?.(4)) as Uint8Array | undefined;
  if (!kid) throw new Error('no kid');
  return Buffer.from(kid).toString('base64');
}

function coseOf(qr: string) {
  if (!qr.startsWith('HC1:')) throw new Error('not HC1');
  let cose = cbor.decode(inflateSync(base45(qr.slice(4))));
  if (cose instanceof Tag) cose = cose.value;
  const [protectedBytes, unprotected, payload, signature] = cose as [
    Uint8Array,
    Map<number, unknown>,
    Uint8Array,
    Uint8Array,
  ];
  const protectedHeader = cbor.decode(protectedBytes) as Map<number, unknown>;
  return { protectedBytes, protectedHeader, unprotected, payload, signature };
}

/** Whether the QR's ES256 signature verifies with the certificate's public key (PEM). */
export function verifyQrWithCertificate(qr: string, certificatePem: string): boolean {
  const { protectedBytes, payload, signature } = coseOf(qr);
  // Sig_structure = ["Signature1", protected, external_aad = h'', payload], CBOR by hand.
  const bstr = (b: Uint8Array) => {
    const n = b.length;
    const head = n < 24 ? [0x40 + n] : n < 256 ? [0x58, n] : [0x59, n >> 8, n & 0xff];
    return Buffer.concat([Buffer.from(head), Buffer.from(b)]);
  };
  const sigStructure = Buffer.concat([
    Buffer.from([0x84, 0x6a]),
    Buffer.from('Signature1', 'ascii'),
    bstr(protectedBytes),
    Buffer.from([0x40]),
    bstr(payload),
  ]);
  const key = createPublicKey(certificatePem);
  return verify('sha256', sigStructure, { key, dsaEncoding: 'ieee-p1363' }, signature);
}
