import { createPublicKey, type KeyObject, randomBytes, sign } from 'node:crypto';

/**
 * A minimal DER writer and a self-signed X.509 v3 certificate for a signing key: verifiers that
 * want a certificate (EU DCC gateways publish Document Signer Certificates) get one; the `kid` is
 * derived from its DER. Node can parse and verify certificates but not make them, hence this.
 */
function len(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  return Buffer.concat([Uint8Array.of(tag), len(body.length), body]);
}

const seq = (...c: Uint8Array[]) => tlv(0x30, ...c);
const set = (...c: Uint8Array[]) => tlv(0x31, ...c);
const explicit = (n: number, ...c: Uint8Array[]) => tlv(0xa0 + n, ...c);
const octets = (b: Uint8Array) => tlv(0x04, b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const printable = (s: string) => tlv(0x13, Buffer.from(s, 'ascii'));
const bool = (v: boolean) => tlv(0x01, Uint8Array.of(v ? 0xff : 0));
const bitString = (b: Uint8Array, unused = 0) => tlv(0x03, Uint8Array.of(unused), b);

function integer(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const trimmed = b.subarray(i);
  return tlv(0x02, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Uint8Array.of(0), trimmed]) : trimmed);
}

function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack: number[] = [];
    let v = p;
    do {
      stack.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let k = 0; k < stack.length - 1; k++) stack[k]! |= 0x80;
    out.push(...stack);
  }
  return tlv(0x06, Uint8Array.from(out));
}

function time(d: Date): Uint8Array {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  // UTCTime for years 1950–2049, GeneralizedTime after (RFC 5280 §4.1.2.5).
  return d.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'ascii'))
    : tlv(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** EU DCC extended key usage: may sign vaccination certificates. */
export const DCC_VACCINATION_EKU = '1.3.6.1.4.1.1847.2021.1.2';

/** A self-signed certificate (DER) for an EC P-256 key pair, for vaccination certificates only. */
export function selfSignedCertificate(input: {
  privateKey: KeyObject;
  commonName: string;
  organization: string;
  country: string;
  notBefore: Date;
  notAfter: Date;
}): Uint8Array {
  const spki = createPublicKey(input.privateKey).export({ type: 'spki', format: 'der' });
  const name = seq(
    set(seq(oid('2.5.4.6'), printable(input.country))),
    set(seq(oid('2.5.4.10'), utf8(input.organization))),
    set(seq(oid('2.5.4.3'), utf8(input.commonName))),
  );
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const algorithm = seq(oid(ECDSA_WITH_SHA256));
  const extensions = explicit(
    3,
    seq(
      // keyUsage: digitalSignature (critical)
      seq(oid('2.5.29.15'), bool(true), octets(bitString(Uint8Array.of(0x80), 7))),
      // extKeyUsage: DCC vaccination certificates
      seq(oid('2.5.29.37'), octets(seq(oid(DCC_VACCINATION_EKU)))),
      // basicConstraints: not a CA
      seq(oid('2.5.29.19'), bool(true), octets(seq())),
    ),
  );
  const tbs = seq(
    explicit(0, integer(Uint8Array.of(2))),
    integer(serial),
    algorithm,
    name,
    seq(time(input.notBefore), time(input.notAfter)),
    name,
    spki,
    extensions,
  );
  const signature = sign('sha256', tbs, input.privateKey); // DER ECDSA signature, as X.509 wants
  return seq(tbs, algorithm, bitString(signature));
}
