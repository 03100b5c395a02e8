import { HcertError } from './errors.js';

/**
 * Keys for HCERT signing and verification with WebCrypto (`globalThis.crypto.subtle`), the same
 * code in Node 20 and in browsers: PEM/base64 helpers, the `kid`, the trust list.
 */

/** A WebCrypto key (the DOM's `CryptoKey`, Node's `webcrypto.CryptoKey`). */
export type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** Signs the COSE Sig_structure and returns the raw signature (ES256: r‖s, 64 bytes). */
export type HcertSigner = (sigStructure: Uint8Array) => Promise<Uint8Array>;

/** Signature algorithms a verifier accepts: ES256 (ours and most states), PS256 (some states). */
export type HcertAlg = 'ES256' | 'PS256';

/**
 * A public key of the trust list (api-contract.md: `GET /api/certificates/trust-list`).
 * `kid` is the base64 of the 8-byte key id; `publicKeyPem` a `PUBLIC KEY` (SPKI) PEM.
 */
export interface TrustListKey {
  readonly kid: string;
  readonly alg: HcertAlg;
  readonly publicKeyPem: string;
  /**
   * Extended key usage OIDs of the signer's certificate, when known. When it names any of the
   * DCC OIDs ({@link DCC_KEY_USAGE}), the key may sign only those certificate types.
   */
  readonly keyUsage?: readonly string[];
}

/** A trust list as the API serves it, or just its keys. */
export type TrustList = readonly TrustListKey[] | { readonly keys: readonly TrustListKey[] };

/**
 * The extended key usage OIDs that limit a Document Signer Certificate to certificate types
 * (EU DCC Volume 1, §5.4.1), in both the registered and the early "…4.1.0…" form.
 */
export const DCC_KEY_USAGE = {
  t: ['1.3.6.1.4.1.1847.2021.1.1', '1.3.6.1.4.1.0.1847.2021.1.1'],
  v: ['1.3.6.1.4.1.1847.2021.1.2', '1.3.6.1.4.1.0.1847.2021.1.2'],
  r: ['1.3.6.1.4.1.1847.2021.1.3', '1.3.6.1.4.1.0.1847.2021.1.3'],
} as const;

/** Standard base64 of bytes (no `Buffer`: `btoa` exists in Node 20 and browsers). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Bytes of standard base64 text (whitespace ignored). Throws {@link HcertError} `key` if not base64. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  let binary: string;
  try {
    binary = atob(text.replace(/\s+/g, ''));
  } catch (e) {
    throw new HcertError('key', 'The text is not valid base64.', { cause: e });
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The DER inside a PEM block (`-----BEGIN …-----`); throws {@link HcertError} `key` if there is none. */
export function pemToDer(pem: string): Uint8Array<ArrayBuffer> {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m) throw new HcertError('key', 'No PEM block found.');
  return base64ToBytes(m[2] ?? '');
}

/** A PEM block of DER bytes, 64 characters a line. */
export function derToPem(der: Uint8Array, label = 'PUBLIC KEY'): string {
  const lines = bytesToBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * The DCC key id: the first 8 bytes of the SHA-256 of the signer certificate's DER (EU DCC
 * Volume 1, §3.3.1). When the platform signs with a bare key (no X.509 certificate yet), pass
 * the public key's SPKI DER instead; the trust list publishes whichever was used.
 */
export async function computeKid(der: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(der));
  return new Uint8Array(digest.slice(0, 8));
}

/** The `PUBLIC KEY` PEM (SPKI) of a WebCrypto public key. */
export async function exportPublicKeyPem(publicKey: WebCryptoKey): Promise<string> {
  return derToPem(new Uint8Array(await crypto.subtle.exportKey('spki', publicKey)));
}

/**
 * The trust-list entry of an ES256 public key. Its kid is computed from `certificateDer` when
 * given (the DCC rule), else from the key's SPKI DER (see {@link computeKid}).
 */
export async function trustListEntryFor(
  publicKey: WebCryptoKey,
  options: { readonly certificateDer?: Uint8Array; readonly keyUsage?: readonly string[] } = {},
): Promise<TrustListKey> {
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey));
  const kid = await computeKid(options.certificateDer ?? spki);
  return {
    kid: bytesToBase64(kid),
    alg: 'ES256',
    publicKeyPem: derToPem(spki),
    ...(options.keyUsage ? { keyUsage: options.keyUsage } : {}),
  };
}

/**
 * A signer for {@link encodeHcert} from a WebCrypto ECDSA P-256 private key. WebCrypto already
 * returns the raw r‖s form COSE wants. (With `node:crypto`, sign with
 * `{ key, dsaEncoding: 'ieee-p1363' }` — its default DER form is rejected by the encoder.)
 */
export function es256Signer(privateKey: WebCryptoKey): HcertSigner {
  return async (data) =>
    new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, new Uint8Array(data)));
}

/** The keys of a trust list in either shape. */
export function trustListKeys(list: TrustList): readonly TrustListKey[] {
  return Array.isArray(list) ? (list as readonly TrustListKey[]) : (list as { keys: readonly TrustListKey[] }).keys;
}

/** Imports a trust-list key for verification; throws {@link HcertError} `key` when it cannot be read as `alg`. */
export async function importVerifyKey(entry: TrustListKey): Promise<WebCryptoKey> {
  const der = pemToDer(entry.publicKeyPem);
  try {
    return entry.alg === 'ES256'
      ? await crypto.subtle.importKey('spki', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
      : await crypto.subtle.importKey('spki', der, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
  } catch (e) {
    throw new HcertError('key', `The trust-list key ${entry.kid} is not a valid ${entry.alg} public key.`, {
      cause: e,
    });
  }
}

const importedKeys = new WeakMap<TrustListKey, Promise<WebCryptoKey>>();

/**
 * {@link importVerifyKey}, once per trust-list entry (object): a verifier that keeps its trust list
 * parses each key once, not on every certificate. A key that cannot be imported is not kept.
 */
export function importVerifyKeyCached(entry: TrustListKey): Promise<WebCryptoKey> {
  let key = importedKeys.get(entry);
  if (!key) {
    key = importVerifyKey(entry);
    importedKeys.set(entry, key);
    key.catch(() => importedKeys.delete(entry));
  }
  return key;
}

const kidIndexes = new WeakMap<object, ReadonlyMap<string, readonly TrustListKey[]>>();

/** The entries of a trust list with this kid (ids may collide), from an index built once per list. */
export function trustListKeysByKid(list: TrustList, kid: string): readonly TrustListKey[] {
  const keys = trustListKeys(list);
  let index = kidIndexes.get(keys);
  if (!index) {
    const built = new Map<string, TrustListKey[]>();
    for (const k of keys) {
      const same = built.get(k.kid);
      if (same) same.push(k);
      else built.set(k.kid, [k]);
    }
    index = built;
    kidIndexes.set(keys, index);
  }
  return index.get(kid) ?? [];
}

/** Verifies a COSE signature with an imported key: ES256 needs exactly 64 bytes (r‖s); PS256 uses a 32-byte salt. */
export async function verifySignature(
  alg: HcertAlg,
  key: WebCryptoKey,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  try {
    if (alg === 'ES256') {
      // A DER-encoded or otherwise malformed ECDSA signature (vector CO24) is simply invalid.
      if (signature.length !== 64) return false;
      return await crypto.subtle.verify(
        { name: 'ECDSA', hash: 'SHA-256' },
        key,
        new Uint8Array(signature),
        new Uint8Array(data),
      );
    }
    return await crypto.subtle.verify(
      { name: 'RSA-PSS', saltLength: 32 },
      key,
      new Uint8Array(signature),
      new Uint8Array(data),
    );
  } catch {
    return false;
  }
}
