import { createHash, createPublicKey, type KeyObject, randomBytes, sign } from 'node:crypto';

/**
 * A minimal DER writer and the X.509 v3 certificates of the EU DCC trust model: the national CSCA
 * (Country Signing Certificate Authority, self-signed, a CA) and the Document Signer Certificates
 * it signs (DSC: not a CA, digital signatures only, extended key usage for vaccination
 * certificates). The `kid` of a DSC is derived from its DER. Node can parse and verify
 * certificates but not make them, hence this.
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

/** A distinguished name: country, organisation, common name. */
export interface DistinguishedName {
  readonly country: string;
  readonly organization: string;
  readonly commonName: string;
}

function nameDer(n: DistinguishedName): Uint8Array {
  return seq(
    set(seq(oid('2.5.4.6'), printable(n.country))),
    set(seq(oid('2.5.4.10'), utf8(n.organization))),
    set(seq(oid('2.5.4.3'), utf8(n.commonName))),
  );
}

/** The subject key identifier of a public key: SHA-1 of its subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1). */
function keyIdentifier(spkiDer: Uint8Array): Uint8Array {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }: the P-256 point is
  // the last 65 bytes of the BIT STRING.
  return createHash('sha1')
    .update(spkiDer.subarray(spkiDer.length - 65))
    .digest();
}

/**
 * An X.509 v3 certificate (DER) for an EC P-256 public key, signed by `issuerKey` (ECDSA with
 * SHA-256): a CA certificate (the CSCA: `keyCertSign`, `cRLSign`, `cA` with path length 0) or an
 * end-entity signer (a DSC: `digitalSignature`, not a CA, the EKUs given). Subject and authority
 * key identifiers link a DSC to its CSCA.
 */
export function issueCertificate(input: {
  readonly subjectPublicKey: KeyObject;
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  /** The issuer's private key (the subject's own for a self-signed certificate). */
  readonly issuerKey: KeyObject;
  readonly ca: boolean;
  readonly extendedKeyUsage?: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
}): Uint8Array {
  const spki = input.subjectPublicKey.export({ type: 'spki', format: 'der' });
  const issuerSpki = createPublicKey(input.issuerKey).export({ type: 'spki', format: 'der' });
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const algorithm = seq(oid(ECDSA_WITH_SHA256));
  const extensions = [
    // keyUsage (critical): a CA signs certificates and revocation lists; a DSC signs documents.
    input.ca
      ? seq(oid('2.5.29.15'), bool(true), octets(bitString(Uint8Array.of(0x06), 1)))
      : seq(oid('2.5.29.15'), bool(true), octets(bitString(Uint8Array.of(0x80), 7))),
    // basicConstraints (critical): the CSCA is a CA over end entities only (pathLen 0).
    input.ca
      ? seq(oid('2.5.29.19'), bool(true), octets(seq(bool(true), integer(Uint8Array.of(0)))))
      : seq(oid('2.5.29.19'), bool(true), octets(seq())),
    // subjectKeyIdentifier, authorityKeyIdentifier [0] keyIdentifier.
    seq(oid('2.5.29.14'), octets(octets(keyIdentifier(spki)))),
    seq(oid('2.5.29.35'), octets(seq(tlv(0x80, keyIdentifier(issuerSpki))))),
    ...(input.extendedKeyUsage?.length
      ? [seq(oid('2.5.29.37'), octets(seq(...input.extendedKeyUsage.map((o) => oid(o)))))]
      : []),
  ];
  const tbs = seq(
    explicit(0, integer(Uint8Array.of(2))),
    integer(serial),
    algorithm,
    nameDer(input.issuer),
    seq(time(input.notBefore), time(input.notAfter)),
    nameDer(input.subject),
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, input.issuerKey); // DER ECDSA signature, as X.509 wants
  return seq(tbs, algorithm, bitString(signature));
}

/**
 * A self-signed signer certificate (DER) for an EC P-256 key pair, for vaccination certificates
 * only: what the platform's keys had before the CSCA (they stay in the trust list until they
 * expire), and what tests use as another state's signer.
 */
export function selfSignedCertificate(input: {
  privateKey: KeyObject;
  commonName: string;
  organization: string;
  country: string;
  notBefore: Date;
  notAfter: Date;
}): Uint8Array {
  const name = { country: input.country, organization: input.organization, commonName: input.commonName };
  return issueCertificate({
    subjectPublicKey: createPublicKey(input.privateKey),
    subject: name,
    issuer: name,
    issuerKey: input.privateKey,
    ca: false,
    extendedKeyUsage: [DCC_VACCINATION_EKU],
    notBefore: input.notBefore,
    notAfter: input.notAfter,
  });
}
